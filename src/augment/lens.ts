/**
 * Random radial (barrel / pincushion) lens distortion: an output pixel at normalised radius r reads
 * the input at radius r·(1 + k·r²) (Brown's model, first coefficient), k ~ U(k₀, k₁) per image:
 * k > 0 squeezes the picture towards the centre, more at the border (a barrel look, dark corners),
 * k < 0 stretches the border outwards (a pincushion look).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../engine/rng.js';
import { type Augmentation, checkImages, checkRange } from './types.js';
import { sampleBilinear } from './sample.js';

export interface LensOptions {
  /** Range of the distortion coefficient k (radius normalised to 1 at the middle of each edge). Default [−0.2, 0.2]. */
  k?: [number, number];
}

/**
 * Distorts each image radially about its centre with its own k (bilinear, zeros outside).
 *
 * @example
 * const aug = lensDistortion({ k: [-0.3, 0.3] });
 */
export function lensDistortion(options: LensOptions = {}): Augmentation {
  const o = { k: [-0.2, 0.2] as [number, number], ...options };
  const [k0, k1] = checkRange('k', o.k, { min: -1, max: 1 });
  return (batch, rng: Rng) => {
    checkImages(batch.x);
    const [n, height, width] = batch.x.shape;
    const ks = Float32Array.from({ length: n }, () => rng.uniform(k0, k1));
    const x = tf.tidy(() => {
      const cx = (width - 1) / 2;
      const cy = (height - 1) / 2;
      const hx = Math.max(cx, 0.5);
      const hy = Math.max(cy, 0.5);
      const u = tf.reshape(tf.div(tf.sub(tf.range(0, width), cx), hx), [1, 1, width]);
      const v = tf.reshape(tf.div(tf.sub(tf.range(0, height), cy), hy), [1, height, 1]);
      const r2 = tf.add(tf.square(u), tf.square(v)); // [1, H, W]
      const factor = tf.add(1, tf.mul(tf.tensor3d(ks, [n, 1, 1]), r2)); // [n, H, W]
      const sx = tf.add(tf.mul(tf.mul(u, factor), hx), cx) as tf.Tensor3D;
      const sy = tf.add(tf.mul(tf.mul(v, factor), hy), cy) as tf.Tensor3D;
      return sampleBilinear(batch.x, sx, sy);
    });
    return { x, y: batch.y };
  };
}
