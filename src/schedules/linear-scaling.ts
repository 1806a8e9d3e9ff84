import { checkNumber } from '../errors.js';
import { checkRate, mergeOptions } from './check.js';

export interface LinearScalingOptions {
  /** A learning rate known to work at `baseBatchSize`. */
  baseLr: number;
  /** The batch size `baseLr` was tuned for (an integer >= 1). */
  baseBatchSize: number;
  /** The batch size you will train with (an integer >= 1). */
  batchSize: number;
}

/**
 * The linear scaling rule (Goyal et al. 2017, "Accurate, Large Minibatch SGD"): when the batch is
 * N times larger, make the learning rate N times larger, `lr = baseLr · batchSize / baseBatchSize`.
 * Returns a number; pair it with a warmup for large N, as the paper does.
 *
 * @example
 * linearScaling({ baseLr: 0.1, baseBatchSize: 256, batchSize: 1024 }); // 0.4
 */
export function linearScaling(options: LinearScalingOptions): number {
  const o = mergeOptions<LinearScalingOptions>('linearScaling', options, {}, ['baseLr', 'baseBatchSize', 'batchSize']);
  const baseLr = checkRate('linearScaling', 'baseLr', o.baseLr);
  const base = checkNumber('linearScaling.baseBatchSize', o.baseBatchSize, { min: 1, integer: true });
  const batch = checkNumber('linearScaling.batchSize', o.batchSize, { min: 1, integer: true });
  return (baseLr * batch) / base;
}
