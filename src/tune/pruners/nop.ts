/**
 * The pruner that never prunes.
 */
import type { Pruner } from '../types.js';

/**
 * A pruner that lets every trial run to the end (Optuna's NopPruner).
 *
 * @example
 * const pruner = noPruner();
 * pruner.shouldPrune(ctx); // false
 */
export function noPruner(): Pruner {
  return NO_PRUNER;
}

/** The one never-pruning pruner (a trial skips reading the study when it is the study's pruner). */
export const NO_PRUNER: Pruner = Object.freeze({ description: 'none', shouldPrune: () => false });
