/**
 * The median stopping rule.
 */
import type { FrozenTrial } from '../../store/types.js';
import type { Pruner } from '../types.js';
import { checkInteger } from './check.js';

export interface MedianPrunerOptions {
  /** Complete trials needed before anything is pruned (default 5). */
  startupTrials?: number;
  /** Steps of each trial never pruned (default 0). */
  warmupSteps?: number;
  /** Judge only at the first report in each interval of this many steps after the warmup (default 1). */
  intervalSteps?: number;
}

const DEFAULTS: Required<MedianPrunerOptions> = { startupTrials: 5, warmupSteps: 0, intervalSteps: 1 };

/** numpy's percentile with linear interpolation over the non-NaN values (NaN when there are none). */
export function nanPercentile(values: number[], q: number): number {
  const v = values.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const pos = (q / 100) * (v.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, v.length - 1);
  return v[lo] + (v[hi] - v[lo]) * (pos - lo);
}

/** Whether `step` is the first reported step at or after the latest judging point (Optuna's interval rule). */
function firstInInterval(trial: FrozenTrial, step: number, warmup: number, interval: number): boolean {
  const judgeAt = Math.floor((step - warmup) / interval) * interval + warmup;
  const previous = trial.intermediate.reduce((m, [s]) => (s !== step && s > m ? s : m), -1);
  return previous < judgeAt;
}

/**
 * A pruner that stops a trial when its best intermediate value so far is worse than the median of
 * the complete trials' intermediate values at its latest step. Nothing is pruned before
 * `startupTrials` trials are complete, before step `warmupSteps`, between judging points
 * (`intervalSteps`), or when no complete trial reported that step; a trial whose values are all
 * NaN is pruned. "Worse" follows the study's direction.
 *
 * Defaults: startupTrials 5, warmupSteps 0, intervalSteps 1. Source: Golovin et al., "Google
 * Vizier" (KDD 2017), median stopping rule; Optuna 3.1's MedianPruner (PercentilePruner at 50).
 *
 * @example
 * const pruner = medianPruner({ startupTrials: 5, warmupSteps: 2 });
 * if (await pruner.shouldPrune(ctx)) { ... stop the trial ... }
 */
export function medianPruner(options: MedianPrunerOptions = {}): Pruner {
  const o = { ...DEFAULTS, ...options };
  checkInteger('startupTrials', o.startupTrials, 0);
  checkInteger('warmupSteps', o.warmupSteps, 0);
  checkInteger('intervalSteps', o.intervalSteps, 1);
  return {
    description: `median(startupTrials=${o.startupTrials}, warmupSteps=${o.warmupSteps}, intervalSteps=${o.intervalSteps})`,
    shouldPrune: ({ study, trials, trial }) => {
      const complete = trials.filter((t) => t.state === 'complete' && t.number !== trial.number);
      if (complete.length === 0 || complete.length < o.startupTrials) return false;
      if (trial.intermediate.length === 0) return false;
      const step = trial.intermediate[trial.intermediate.length - 1][0];
      if (step < o.warmupSteps || !firstInInterval(trial, step, o.warmupSteps, o.intervalSteps)) return false;
      const values = trial.intermediate.map(([, v]) => v).filter((v) => !Number.isNaN(v));
      if (values.length === 0) return true;
      const maximize = study.direction === 'maximize';
      const best = maximize ? Math.max(...values) : Math.min(...values);
      const atStep = complete.flatMap((t) => t.intermediate.filter(([s]) => s === step).map(([, v]) => v));
      const median = nanPercentile(atStep, 50);
      if (Number.isNaN(median)) return false;
      return maximize ? best < median : best > median;
    },
  };
}
