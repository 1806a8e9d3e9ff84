/**
 * Hyperband over asynchronous successive halving.
 */
import { InvalidArgumentError } from '../../errors.js';
import type { Pruner, SearchContext } from '../types.js';
import { checkInteger } from './check.js';
import { crc32 } from './crc32.js';
import { ashaShouldPrune, checkSuccessiveHalving, firstCompleteLastStep } from './successive_halving.js';

export interface HyperbandPrunerOptions {
  /** Steps before the first rung of the most aggressive bracket (default 1). */
  minResource?: number;
  /**
   * The last step a trial can report, or 'auto' (the default, as Optuna's): the last step of the
   * study's first complete trial + 1 (see `firstCompleteLastStep`); no trial is pruned before one
   * completes, and the brackets are fixed then.
   */
  maxResource?: number | 'auto';
  /** η (default 3). */
  reductionFactor?: number;
}

const DEFAULTS = { minResource: 1, reductionFactor: 3, maxResource: 'auto' as number | 'auto' };

/** The brackets' sizes: bracket i (of B) gets ⌈B·η^(B−1−i)/(B−i)⌉ shares of the trials. */
export function hyperbandBudgets(minResource: number, maxResource: number, reductionFactor: number): number[] {
  const brackets = Math.floor(Math.log(maxResource / minResource) / Math.log(reductionFactor)) + 1;
  return Array.from({ length: brackets }, (_, i) => {
    const s = brackets - 1 - i;
    return Math.ceil((brackets * reductionFactor ** s) / (s + 1));
  });
}

/** A trial's bracket: CRC-32 of "study_number" modulo the total budget, walked through the budgets. */
export function hyperbandBracket(studyName: string, trialNumber: number, budgets: readonly number[]): number {
  let n = crc32(`${studyName}_${trialNumber}`) % budgets.reduce((a, b) => a + b, 0);
  for (let i = 0; i < budgets.length; i++) {
    n -= budgets[i];
    if (n < 0) return i;
  }
  return budgets.length - 1;
}

/**
 * A pruner that hedges over how aggressive to be: trials are spread over B = ⌊log_η(max/min)⌋ + 1
 * brackets, bracket i running successive halving with its first rung at min·η^i (bracket 0 prunes
 * earliest, the last one barely at all), and a trial competes only with trials of its own bracket.
 * A trial's bracket is a stable hash of (study name, trial number), weighted by the brackets'
 * budgets, so every worker computes the same one from the store alone.
 *
 * Defaults: minResource 1, reductionFactor 3, maxResource 'auto'. Source: Li et al.,
 * "Hyperband" (JMLR 2018); ASHA (MLSys 2020); bracket assignment and budgets as Optuna 3.1's
 * HyperbandPruner.
 *
 * @example
 * const pruner = hyperbandPruner({ maxResource: 81 }); // 5 brackets, first rungs at 1, 3, 9, 27, 81
 */
export function hyperbandPruner(options: HyperbandPrunerOptions = {}): Pruner {
  if (options === null || typeof options !== 'object') throw new InvalidArgumentError('hyperbandPruner options', options, '{ minResource?, maxResource?, reductionFactor? }');
  const o = { ...DEFAULTS, ...options };
  checkSuccessiveHalving({ minResource: o.minResource, reductionFactor: o.reductionFactor, minEarlyStoppingRate: 0 });
  if (o.maxResource !== 'auto') {
    checkInteger('maxResource', o.maxResource, 1, "or 'auto'");
    if (o.maxResource < o.minResource)
      throw new InvalidArgumentError('maxResource', o.maxResource, `an integer >= minResource (${o.minResource}), or 'auto'`);
  }
  const fixed = o.maxResource === 'auto' ? undefined : hyperbandBudgets(o.minResource, o.maxResource, o.reductionFactor);
  const budgetsOf = (trials: SearchContext['trials']): number[] | undefined => {
    if (fixed !== undefined) return fixed;
    const last = firstCompleteLastStep(trials);
    return last === undefined ? undefined : hyperbandBudgets(o.minResource, Math.max(last + 1, o.minResource), o.reductionFactor);
  };
  return {
    description: `hyperband(minResource=${o.minResource}, maxResource=${o.maxResource}, reductionFactor=${o.reductionFactor}${fixed === undefined ? '' : `; ${fixed.length} brackets`})`,
    shouldPrune: ({ study, trials, trial }) => {
      const budgets = budgetsOf(trials);
      if (budgets === undefined) return false;
      const bracket = hyperbandBracket(study.name, trial.number, budgets);
      const same = trials.filter((t) => hyperbandBracket(study.name, t.number, budgets) === bracket);
      return ashaShouldPrune(trial, same, study.direction, {
        minResource: o.minResource,
        reductionFactor: o.reductionFactor,
        minEarlyStoppingRate: bracket,
      });
    },
  };
}
