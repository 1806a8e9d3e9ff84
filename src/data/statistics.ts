/**
 * Statistics of a dataset's examples on the host in float64, shared by the fitted preprocessing
 * transforms (normalisation, PCA, whitening).
 */
import { InvalidArgumentError } from '../errors.js';
import type { ArrayDataset } from './dataset.js';

/** Number of values in one example of shape `shape`. */
export const sizeOf = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** Throws unless a transform fitted on `fitted` examples can apply to examples of shape `shape`. */
export function checkShape(what: string, fitted: readonly number[], shape: readonly number[]): void {
  if (fitted.length !== shape.length || fitted.some((s, i) => s !== shape[i]))
    throw new InvalidArgumentError(`${what}: example shape`, shape, `[${fitted.join(', ')}], the shape it was fitted on`);
}

/** Throws unless the dataset has at least `min` examples to fit on. */
export function checkFitSize(what: string, ds: ArrayDataset, min = 2): void {
  if (ds.size < min) throw new InvalidArgumentError(`${what}: dataset size`, ds.size, `at least ${min} examples to fit on`);
}

/**
 * Mean and (population, 1/n) variance of each group of values: per feature (every position of an
 * example) or per channel (the last axis of the example shape, pooled over examples and the
 * other axes).
 */
export function groupMoments(ds: ArrayDataset, per: 'feature' | 'channel'): { mean: Float64Array; variance: Float64Array } {
  const d = sizeOf(ds.xShape);
  const groups = per === 'feature' ? d : (ds.xShape[ds.xShape.length - 1] ?? 1);
  const sum = new Float64Array(groups);
  const count = (ds.size * d) / groups;
  for (let i = 0; i < ds.x.length; i++) sum[i % d % groups] += ds.x[i];
  const mean = sum.map((s) => s / count);
  const sq = new Float64Array(groups);
  for (let i = 0; i < ds.x.length; i++) {
    const g = i % d % groups;
    const c = ds.x[i] - mean[g];
    sq[g] += c * c;
  }
  return { mean, variance: sq.map((s) => s / count) };
}

/** Examples per block of the covariance accumulation (`meanAndCovariance`). */
const COVARIANCE_BLOCK = 256;

/**
 * The mean example and the d × d covariance matrix (population, 1/n) of the examples, in float64.
 * O(n·d²/2) multiply-adds (1.8·10¹⁰ for 60,000 MNIST images): fit on a subset when n·d² is large.
 * Blocked for the cache: the centred examples of a block are stored feature-major, so each entry
 * of the upper triangle adds one contiguous dot product of the block's length (~8× faster than a
 * rank-one update per example, which streams the whole d × d matrix through memory every time).
 */
export function meanAndCovariance(ds: ArrayDataset): { mean: Float64Array; covariance: Float64Array } {
  const d = sizeOf(ds.xShape);
  const n = ds.size;
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += ds.x[i * d + j];
  for (let j = 0; j < d; j++) mean[j] /= n;
  const c = new Float64Array(d * d);
  const block = new Float64Array(COVARIANCE_BLOCK * d);
  for (let start = 0; start < n; start += COVARIANCE_BLOCK) {
    const rows = Math.min(COVARIANCE_BLOCK, n - start);
    // block[a·rows + i] = x[start + i, a] − mean[a]
    for (let i = 0; i < rows; i++) {
      const from = (start + i) * d;
      for (let a = 0; a < d; a++) block[a * rows + i] = ds.x[from + a] - mean[a];
    }
    for (let a = 0; a < d; a++) {
      const pa = a * rows;
      const row = a * d;
      for (let b = a; b < d; b++) {
        const pb = b * rows;
        // Four partial sums: the additions of one do not wait for the previous one's result.
        let s0 = 0;
        let s1 = 0;
        let s2 = 0;
        let s3 = 0;
        let i = 0;
        for (; i + 3 < rows; i += 4) {
          s0 += block[pa + i] * block[pb + i];
          s1 += block[pa + i + 1] * block[pb + i + 1];
          s2 += block[pa + i + 2] * block[pb + i + 2];
          s3 += block[pa + i + 3] * block[pb + i + 3];
        }
        for (; i < rows; i++) s0 += block[pa + i] * block[pb + i];
        c[row + b] += s0 + s1 + (s2 + s3);
      }
    }
  }
  for (let a = 0; a < d; a++)
    for (let b = a; b < d; b++) {
      c[a * d + b] /= n;
      c[b * d + a] = c[a * d + b];
    }
  return { mean, covariance: c };
}

/**
 * y = W·(x − mean) for each example: `matrix` is rows × d, row-major. Returns n × rows values.
 * O(n·rows·d) time, float64 accumulation.
 */
export function projectCentered(x: Float32Array, d: number, mean: readonly number[], matrix: readonly number[], rows: number): Float32Array {
  const n = x.length / d;
  const out = new Float32Array(n * rows);
  const xc = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) xc[j] = x[i * d + j] - mean[j];
    for (let r = 0; r < rows; r++) {
      let s = 0;
      const w = r * d;
      for (let j = 0; j < d; j++) s += matrix[w + j] * xc[j];
      out[i * rows + r] = s;
    }
  }
  return out;
}
