/**
 * Bilinear sampling of images at arbitrary (per-pixel) source coordinates, on the device: four
 * gathers and their weights, zeros outside the image. For warps that are not projective (lens
 * distortion); projective ones go through `tf.image.transform`.
 */
import * as tf from '@tensorflow/tfjs-core';

/**
 * out[n, i, j] = x[n] read (bilinearly) at column `sx[n, i, j]`, row `sy[n, i, j]` (pixel-centre
 * coordinates); a neighbour outside the image counts as 0.
 */
export function sampleBilinear(x: tf.Tensor4D, sx: tf.Tensor3D, sy: tf.Tensor3D): tf.Tensor4D {
  const [n, height, width, channels] = x.shape;
  const [, oh, ow] = sx.shape;
  return tf.tidy(() => {
    const flat = tf.reshape(x, [n * height * width, channels]);
    const base = tf.reshape(tf.mul(tf.range(0, n, 1, 'int32'), height * width), [n, 1, 1]);
    const x0 = tf.floor(sx);
    const y0 = tf.floor(sy);
    const fx = tf.sub(sx, x0);
    const fy = tf.sub(sy, y0);
    const corner = (dy: number, dx: number, weight: tf.Tensor): tf.Tensor => {
      const cx = tf.add(x0, dx);
      const cy = tf.add(y0, dy);
      const inside = tf.mul(
        tf.mul(tf.step(tf.add(cx, 0.5)), tf.step(tf.sub(width - 0.5, cx))),
        tf.mul(tf.step(tf.add(cy, 0.5)), tf.step(tf.sub(height - 0.5, cy))),
      );
      const ix = tf.cast(tf.clipByValue(cx, 0, width - 1), 'int32');
      const iy = tf.cast(tf.clipByValue(cy, 0, height - 1), 'int32');
      const index = tf.cast(tf.reshape(tf.add(base, tf.add(tf.mul(iy, width), ix)), [-1]), 'int32');
      const values = tf.reshape(tf.gather(flat, index), [n, oh, ow, channels]);
      return tf.mul(values, tf.expandDims(tf.mul(weight, inside), 3));
    };
    const gx = tf.sub(1, fx);
    const gy = tf.sub(1, fy);
    return tf.addN([corner(0, 0, tf.mul(gy, gx)), corner(0, 1, tf.mul(gy, fx)), corner(1, 0, tf.mul(fy, gx)), corner(1, 1, tf.mul(fy, fx))]) as tf.Tensor4D;
  });
}
