/**
 * Colour jitter (torchvision's `ColorJitter`): random brightness, contrast, saturation and hue per
 * image. Each is a linear map of the pixel's channels, so the four compose into one 3×3 matrix and
 * one offset per image, applied by one batched matrix product.
 *
 * Differences from torchvision: a fixed order (brightness, contrast, saturation, hue), one clip to
 * [0, 1] at the end instead of after each step, and hue as a rotation of the chroma plane in YIQ
 * space (a linear stand-in for the HSV hue shift).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../engine/rng.js';
import { InvalidArgumentError, checkNumber } from '../errors.js';
import { type Augmentation, checkImages } from './types.js';

export interface ColorJitterOptions {
  /** Brightness factor ~ U(max(0, 1 − b), 1 + b). Default 0. */
  brightness?: number;
  /** Contrast factor ~ U(max(0, 1 − c), 1 + c): a blend with the image's mean grey. Default 0. */
  contrast?: number;
  /** Saturation factor ~ U(max(0, 1 − s), 1 + s): a blend with each pixel's grey. Default 0. RGB only. */
  saturation?: number;
  /** Hue shift ~ U(−h, h) of a full turn, h ≤ 0.5. Default 0. RGB only. */
  hue?: number;
  /** Clip the result to [0, 1] (images scaled to [0, 1]). Default true. */
  clip?: boolean;
}

const DEFAULTS = { brightness: 0, contrast: 0, saturation: 0, hue: 0, clip: true };

/** ITU-R 601 luma weights, as torchvision's rgb_to_grayscale. */
export const LUMA = [0.299, 0.587, 0.114] as const;

const RGB_TO_YIQ = [
  [0.299, 0.587, 0.114],
  [0.596, -0.274, -0.322],
  [0.211, -0.523, 0.312],
];

type M3 = number[][];
const mul3 = (a: M3, b: M3): M3 => a.map((row) => [0, 1, 2].map((j) => row[0] * b[0][j] + row[1] * b[1][j] + row[2] * b[2][j]));

function inverse3(m: M3): M3 {
  const [[a, b, c], [d, e, f], [g, h, i]] = m;
  const A = e * i - f * h;
  const B = -(d * i - f * g);
  const C = d * h - e * g;
  const det = a * A + b * B + c * C;
  return [
    [A / det, -(b * i - c * h) / det, (b * f - c * e) / det],
    [B / det, (a * i - c * g) / det, -(a * f - c * d) / det],
    [C / det, -(a * h - b * g) / det, (a * e - b * d) / det],
  ];
}

const YIQ_TO_RGB = inverse3(RGB_TO_YIQ);

/** The RGB matrix that turns hue by `turns` of a full circle (a rotation of I and Q). */
export function hueMatrix(turns: number): M3 {
  const a = 2 * Math.PI * turns;
  const rot = [
    [1, 0, 0],
    [0, Math.cos(a), -Math.sin(a)],
    [0, Math.sin(a), Math.cos(a)],
  ];
  return mul3(YIQ_TO_RGB, mul3(rot, RGB_TO_YIQ));
}

/** The RGB matrix that blends each pixel with its grey by factor s (s = 0: grey, 1: unchanged). */
export function saturationMatrix(s: number): M3 {
  return [0, 1, 2].map((i) => [0, 1, 2].map((j) => (i === j ? s : 0) + (1 - s) * LUMA[j]));
}

/** One image's factors. */
export interface JitterParams {
  brightness: number;
  contrast: number;
  saturation: number;
  hue: number;
}

/**
 * Applies per-image factors: x ↦ c·b·H·S·x + (1 − c)·b·mean(grey(x)), then clips when asked.
 * (S and H keep grey pixels grey, so the contrast offset passes through them unchanged.)
 */
export function applyJitter(x: tf.Tensor4D, params: JitterParams[], clip: boolean): tf.Tensor4D {
  const [n, height, width, channels] = x.shape;
  return tf.tidy(() => {
    const matrices = new Float32Array(n * channels * channels);
    const offsets = new Float32Array(n);
    params.forEach((p, i) => {
      const scale = p.contrast * p.brightness;
      offsets[i] = (1 - p.contrast) * p.brightness;
      if (channels === 1) matrices[i] = scale;
      else {
        const m = mul3(hueMatrix(p.hue), saturationMatrix(p.saturation));
        // Stored transposed: pixels are rows, out = x · Mᵀ.
        for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) matrices[i * 9 + c * 3 + r] = scale * m[r][c];
      }
    });
    const pixels = tf.reshape(x, [n, height * width, channels]);
    // The mean grey is the grey of the mean colour (both are linear): no per-pixel grey image.
    const meanColour = tf.mean(pixels, 1); // [n, channels]
    const meanGrey = tf.reshape(channels === 1 ? meanColour : tf.sum(tf.mul(meanColour, tf.tensor2d(Float32Array.from(LUMA), [1, 3])), 1), [n, 1, 1]);
    const out = tf.add(tf.matMul(pixels, tf.tensor3d(matrices, [n, channels, channels])), tf.mul(meanGrey, tf.tensor3d(offsets, [n, 1, 1])));
    const shaped = tf.reshape(out, [n, height, width, channels]) as tf.Tensor4D;
    return clip ? tf.clipByValue(shaped, 0, 1) : shaped;
  });
}

/**
 * Randomly changes brightness, contrast, saturation and hue of each image. Grey images (1 channel)
 * take brightness and contrast only.
 *
 * @example
 * const aug = colorJitter({ brightness: 0.4, contrast: 0.4, saturation: 0.4, hue: 0.1 });
 */
export function colorJitter(options: ColorJitterOptions = {}): Augmentation {
  const o = { ...DEFAULTS, ...options };
  checkNumber('brightness', o.brightness, { min: 0 });
  checkNumber('contrast', o.contrast, { min: 0 });
  checkNumber('saturation', o.saturation, { min: 0 });
  checkNumber('hue', o.hue, { min: 0, max: 0.5 });
  const factor = (rng: Rng, amount: number): number => (amount === 0 ? 1 : rng.uniform(Math.max(0, 1 - amount), 1 + amount));
  return (batch, rng) => {
    checkImages(batch.x);
    const channels = batch.x.shape[3];
    if (channels !== 3 && channels !== 1) throw new InvalidArgumentError('batch.x', `images of ${channels} channels`, 'RGB (3) or grey (1) images');
    if (channels === 1 && o.saturation > 0) throw new InvalidArgumentError('saturation', o.saturation, '0 for grey (1-channel) images');
    if (channels === 1 && o.hue > 0) throw new InvalidArgumentError('hue', o.hue, '0 for grey (1-channel) images');
    const params = Array.from({ length: batch.x.shape[0] }, () => ({
      brightness: factor(rng, o.brightness),
      contrast: factor(rng, o.contrast),
      saturation: factor(rng, o.saturation),
      hue: o.hue === 0 ? 0 : rng.uniform(-o.hue, o.hue),
    }));
    return { x: applyJitter(batch.x, params, o.clip), y: batch.y };
  };
}
