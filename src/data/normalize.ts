/**
 * Mean subtraction and standardisation, fitted on the training set and applied to every split
 * (the course's recap: AlexNet subtracts the mean image, VGG the per-channel mean, ResNet also
 * divides by the per-channel standard deviation).
 */
import { InvalidArgumentError } from '../errors.js';
import type { ArrayDataset } from './dataset.js';
import { checkFitSize, groupMoments } from './statistics.js';

/** The plain-data state of a fitted normalisation: x' = (x − mean[g]) · scale[g]. JSON-serialisable. */
export interface Normalization {
  kind: 'normalization';
  /** 'feature': one statistic per position of an example; 'channel': one per channel (last axis). */
  per: 'feature' | 'channel';
  /** The example shape it was fitted on. */
  inputShape: number[];
  mean: number[];
  /** 1 for mean subtraction; 1 / √(variance + eps) for standardisation. */
  scale: number[];
}

export interface NormalizeOptions {
  /** 'feature' (a "mean image") or 'channel' (the last axis of the example shape). */
  per?: 'feature' | 'channel';
}

function checkPer(per: unknown): void {
  if (per !== 'feature' && per !== 'channel') throw new InvalidArgumentError('per', per, "'feature' or 'channel'");
}

/**
 * Fits mean subtraction: x' = x − mean, with the mean per feature (default, the "mean image") or
 * per channel. Apply it with `applyPreprocessor`.
 *
 * @example
 * const center = fitMeanSubtraction(train, { per: 'channel' });
 * const [tr, va] = [train, validation].map((d) => applyPreprocessor(center, d));
 */
export function fitMeanSubtraction(ds: ArrayDataset, options: NormalizeOptions = {}): Normalization {
  const o = { per: 'feature' as const, ...options };
  checkPer(o.per);
  checkFitSize('fitMeanSubtraction', ds, 1);
  const { mean } = groupMoments(ds, o.per);
  return { kind: 'normalization', per: o.per, inputShape: [...ds.xShape], mean: [...mean], scale: Array.from(mean, () => 1) };
}

/**
 * Fits standardisation: x' = (x − mean) / √(variance + eps), per channel (default) or per feature,
 * with the population variance (1/n, as NumPy and scikit-learn) and eps = 1e-8 by default, so a
 * constant feature maps to 0 instead of dividing by zero.
 *
 * @example
 * const standardize = fitStandardization(train);           // per channel
 * const trainStd = applyPreprocessor(standardize, train);
 */
export function fitStandardization(ds: ArrayDataset, options: NormalizeOptions & { eps?: number } = {}): Normalization {
  const o = { per: 'channel' as const, eps: 1e-8, ...options };
  checkPer(o.per);
  if (typeof o.eps !== 'number' || !(o.eps >= 0) || !Number.isFinite(o.eps))
    throw new InvalidArgumentError('eps', o.eps, 'a finite number >= 0');
  checkFitSize('fitStandardization', ds);
  const { mean, variance } = groupMoments(ds, o.per);
  const scale = Array.from(variance, (v) => (v + o.eps > 0 ? 1 / Math.sqrt(v + o.eps) : 1));
  return { kind: 'normalization', per: o.per, inputShape: [...ds.xShape], mean: [...mean], scale };
}

/** Applies a fitted normalisation to row-major examples of the fitted shape. */
export function normalizeValues(p: Normalization, x: Float32Array): Float32Array {
  const d = p.inputShape.reduce((a, b) => a * b, 1);
  const groups = p.mean.length;
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const g = i % d % groups;
    out[i] = (x[i] - p.mean[g]) * p.scale[g];
  }
  return out;
}
