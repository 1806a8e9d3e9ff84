/**
 * Geometric resampling shared by the crops, the affine warp and the test-time views: one batched
 * `tf.image.transform` (an affine map per image, output pixel → input pixel), zeros outside the image.
 */
import * as tf from '@tensorflow/tfjs-core';

/**
 * A 3×3 row-major matrix mapping an output pixel (x, y, 1) to the input pixel it reads, in pixel
 * units with (0, 0) at the top-left pixel's centre. Only the first two rows are used (affine).
 */
export type PixelMap = [number, number, number, number, number, number];

/**
 * tfjs-backend-cpu 4.22's Transform kernel returns after the first image of a batch (the others
 * stay at the fill value), so on that backend the images go through it one at a time.
 */
const transformBatchBroken = (): boolean => tf.getBackend() === 'cpu';

/**
 * Resamples every image through its own affine map (`maps[i]`, output → input), into an output of
 * `size` (default: the input's), with zeros outside the input. Integer translations read pixels
 * exactly.
 */
export function warpAffine(
  x: tf.Tensor4D,
  maps: PixelMap[],
  { size, interpolation = 'bilinear' }: { size?: [number, number]; interpolation?: 'bilinear' | 'nearest' } = {},
): tf.Tensor4D {
  return tf.tidy(() => {
    const flat = new Float32Array(maps.length * 8);
    maps.forEach((m, i) => flat.set([m[0], m[1], m[2], m[3], m[4], m[5], 0, 0], i * 8));
    const transforms = tf.tensor2d(flat, [maps.length, 8]);
    if (!transformBatchBroken() || maps.length === 1) return tf.image.transform(x, transforms, interpolation, 'constant', 0, size);
    const one = (i: number): tf.Tensor4D =>
      tf.image.transform(tf.slice(x, i, 1), tf.slice(transforms, i, 1), interpolation, 'constant', 0, size);
    return tf.concat(maps.map((_, i) => one(i)));
  });
}

/** A pure translation: output pixel (x, y) reads input pixel (x + dx, y + dy). */
export function translation(dx: number, dy: number): PixelMap {
  return [1, 0, dx, 0, 1, dy];
}

/** A crop box in input pixels: rows [top, top + height), columns [left, left + width). */
export interface PixelBox {
  top: number;
  left: number;
  height: number;
  width: number;
}

/**
 * Each image's box resized (bilinear) to `size`, the centres of the box's corner pixels landing on
 * the output's corner pixels (TensorFlow's `crop_and_resize` convention), zeros outside the image.
 * Done as an affine warp: the wasm backend's CropAndResize kernel reads a box of unit scale (as
 * many pixels as the output) from the wrong columns when the box touches the top and right edges.
 */
export function cropResize(x: tf.Tensor4D, boxes: PixelBox[], size: [number, number]): tf.Tensor4D {
  const maps = boxes.map((b): PixelMap => {
    const sy = size[0] === 1 ? 0 : (b.height - 1) / (size[0] - 1);
    const sx = size[1] === 1 ? 0 : (b.width - 1) / (size[1] - 1);
    const top = size[0] === 1 ? b.top + (b.height - 1) / 2 : b.top;
    const left = size[1] === 1 ? b.left + (b.width - 1) / 2 : b.left;
    return [sx, 0, left, 0, sy, top];
  });
  return warpAffine(x, maps, { size });
}
