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
  return { description: 'none', shouldPrune: () => false };
}
