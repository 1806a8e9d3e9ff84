/**
 * Cutout (DeVries & Taylor 2017): zeroes `count` size×size squares per image, each centred at a
 * uniformly drawn pixel and clipped at the border (so a square near the edge covers less).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../engine/rng.js';
import { checkNumber } from '../errors.js';
import { type Augmentation, checkImages } from './types.js';

export interface CutoutOptions {
  /** Side of each square, in pixels. Required. */
  size: number;
  /** Squares per image. Default 1. */
  count?: number;
}

/** Half-open [start, end) of a `size` span centred at `centre`, clipped to [0, limit). */
export function clippedSpan(centre: number, size: number, limit: number): [number, number] {
  const start = centre - Math.floor(size / 2);
  return [Math.max(0, start), Math.min(limit, start + size)];
}

/** A [n, length] 0/1 row of each span, for an outer-product mask on the device. */
export function spanRows(spans: Array<[number, number]>, length: number): Float32Array {
  const rows = new Float32Array(spans.length * length);
  spans.forEach(([a, b], i) => rows.fill(1, i * length + a, i * length + b));
  return rows;
}

/**
 * Zeroes `count` squares of side `size` in each image (clipped at the border). The masks are outer
 * products of per-image row and column indicators built on the host (n·(H + W) numbers).
 *
 * @example
 * const aug = cutout({ size: 16 }); // CIFAR-10's setting in the paper
 */
export function cutout(options: CutoutOptions): Augmentation {
  const { size, count } = { count: 1, ...options };
  checkNumber('size', size, { min: 1, integer: true });
  checkNumber('count', count, { min: 1, integer: true });
  return (batch, rng: Rng) => {
    checkImages(batch.x);
    const [n, height, width] = batch.x.shape;
    const squares = Array.from({ length: count }, () => {
      const rows: Array<[number, number]> = [];
      const cols: Array<[number, number]> = [];
      for (let i = 0; i < n; i++) {
        rows.push(clippedSpan(rng.int(height), size, height));
        cols.push(clippedSpan(rng.int(width), size, width));
      }
      return { rows: spanRows(rows, height), cols: spanRows(cols, width) };
    });
    const x = tf.tidy(() => {
      let keep: tf.Tensor | undefined;
      for (const sq of squares) {
        const hole = tf.mul(tf.tensor4d(sq.rows, [n, height, 1, 1]), tf.tensor4d(sq.cols, [n, 1, width, 1]));
        const k = tf.sub(1, hole);
        keep = keep === undefined ? k : tf.mul(keep, k);
      }
      return tf.mul(batch.x, keep as tf.Tensor) as tf.Tensor4D;
    });
    return { x, y: batch.y };
  };
}
