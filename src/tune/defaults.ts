/**
 * The sampler and pruner a study gets when none is given. One line each, so that wiring in
 * Optuna's defaults (TPE, median pruning) when they land is a one-line change here.
 */
import type { Pruner, Sampler } from './types.js';
import { uniformSampler } from './uniform-sampler.js';

/** A pruner that never prunes. */
export const NO_PRUNING: Pruner = { description: 'none', shouldPrune: () => false };

/**
 * The default sampler: independent uniform sampling seeded from the operating system (Optuna's is
 * TPE, to come).
 *
 * @example
 * const sampler = defaultSampler();
 */
export function defaultSampler(): Sampler {
  return uniformSampler();
}

/**
 * The default pruner: none (Optuna's is the median pruner, to come).
 *
 * @example
 * const pruner = defaultPruner();
 */
export function defaultPruner(): Pruner {
  return NO_PRUNING;
}
