/**
 * AlexNet's "lighting" noise (Krizhevsky et al. 2012, §4.1): PCA of the RGB values over the training
 * set, then to every pixel of an image add Σᵢ αᵢ·λᵢ·pᵢ with αᵢ ~ N(0, σ) drawn once per image —
 * colour moves only along the principal components, most along the first.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../engine/rng.js';
import { InvalidArgumentError, checkNumber } from '../errors.js';
import { type Augmentation, checkImages } from './types.js';

/** The principal components of pixel colour: `vectors[i]` (unit) has variance `values[i]`, largest first. */
export interface ColorBasis {
  values: number[];
  vectors: number[][];
}

/**
 * The covariance of pixel colours over `images` (NHWC), diagonalised (Jacobi on the host; the
 * C×C covariance is one matrix product on the device).
 *
 * @example
 * const basis = await fitPcaColor(trainImages); // { values: [λ1, λ2, λ3], vectors: [p1, p2, p3] }
 */
export async function fitPcaColor(images: tf.Tensor4D): Promise<ColorBasis> {
  checkImages(images, 'images');
  const c = images.shape[3];
  const cov = tf.tidy(() => {
    const pixels = tf.reshape(images, [-1, c]);
    const centred = tf.sub(pixels, tf.mean(pixels, 0));
    return tf.div(tf.matMul(centred, centred, true, false), pixels.shape[0]);
  });
  const flat = Array.from(await cov.data());
  cov.dispose();
  return symmetricEigen(Array.from({ length: c }, (_, i) => flat.slice(i * c, i * c + c)));
}

/** Eigenvalues and unit eigenvectors of a small symmetric matrix (cyclic Jacobi), largest first. */
export function symmetricEigen(m: number[][]): ColorBasis {
  const n = m.length;
  const a = m.map((row) => [...row]);
  const v: number[][] = a.map((_, i) => a.map((__, j) => (i === j ? 1 : 0)));
  for (let sweep = 0; sweep < 50; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p][q] ** 2;
    if (off < 1e-30) break;
    for (let p = 0; p < n; p++)
      for (let q = p + 1; q < n; q++) {
        if (a[p][q] === 0) continue;
        const theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const cs = 1 / Math.sqrt(t * t + 1);
        const sn = t * cs;
        for (let k = 0; k < n; k++) {
          const akp = a[k][p];
          const akq = a[k][q];
          a[k][p] = cs * akp - sn * akq;
          a[k][q] = sn * akp + cs * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p][k];
          const aqk = a[q][k];
          a[p][k] = cs * apk - sn * aqk;
          a[q][k] = sn * apk + cs * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k][p];
          const vkq = v[k][q];
          v[k][p] = cs * vkp - sn * vkq;
          v[k][q] = sn * vkp + cs * vkq;
        }
      }
  }
  const order = a.map((_, i) => i).sort((i, j) => a[j][j] - a[i][i]);
  return { values: order.map((i) => Math.max(a[i][i], 0)), vectors: order.map((i) => v.map((row) => row[i])) };
}

export interface PcaColorOptions {
  /** σ of each αᵢ. Default 0.1 (AlexNet's). */
  std?: number;
  /** The principal components (`fitPcaColor(trainImages)`). Required. */
  basis: ColorBasis;
}

/**
 * Adds AlexNet's lighting noise Σᵢ αᵢ·λᵢ·pᵢ (αᵢ ~ N(0, std), one draw per image and component) to
 * every pixel of each image.
 *
 * @example
 * const aug = pcaColor({ std: 0.1, basis: await fitPcaColor(trainImages) });
 */
export function pcaColor(options: PcaColorOptions): Augmentation {
  const { std, basis } = { std: 0.1, ...options };
  checkNumber('std', std, { min: 0 });
  const ok =
    basis !== null && typeof basis === 'object' && Array.isArray(basis.values) && Array.isArray(basis.vectors) &&
    basis.vectors.length === basis.values.length && basis.vectors.every((p) => Array.isArray(p) && p.length === basis.values.length);
  if (!ok) throw new InvalidArgumentError('basis', basis, 'a ColorBasis { values, vectors } from fitPcaColor(images)');
  const c = basis.values.length;
  return (batch, rng: Rng) => {
    checkImages(batch.x);
    const [n, , , channels] = batch.x.shape;
    if (channels !== c) throw new InvalidArgumentError('basis', `a basis of ${c} channels`, `one of ${channels} channels, the images'`);
    const shift = new Float64Array(n * c);
    for (let i = 0; i < n; i++)
      for (let k = 0; k < c; k++) {
        const alpha = rng.normal(0, std);
        for (let j = 0; j < c; j++) shift[i * c + j] += alpha * basis.values[k] * basis.vectors[k][j];
      }
    return { x: tf.tidy(() => tf.add(batch.x, tf.tensor4d(Float32Array.from(shift), [n, 1, 1, c]))), y: batch.y };
  };
}
