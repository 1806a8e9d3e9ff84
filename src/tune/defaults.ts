/**
 * The sampler and pruner a study gets when none is given: Optuna's defaults, TPE and median
 * pruning. TPE's draws are a pure function of its seed (0 by default) and the trials so far, so a
 * study run twice with the same trials proposes the same points; give `tpeSampler({ seed })` for
 * another stream.
 */
import { medianPruner } from './pruners/median.js';
import { tpeSampler } from './samplers/tpe.js';
import type { Pruner, Sampler } from './types.js';

/**
 * The default sampler: `tpeSampler()` (10 random startup trials, then TPE; constant liar on).
 *
 * @example
 * const sampler = defaultSampler();
 */
export function defaultSampler(): Sampler {
  return tpeSampler();
}

/**
 * The default pruner: `medianPruner()` (5 startup trials, no warmup).
 *
 * @example
 * const pruner = defaultPruner();
 */
export function defaultPruner(): Pruner {
  return medianPruner();
}
