/**
 * Asynchronous successive halving (ASHA).
 */
import type { Direction, FrozenTrial } from '../../store/types.js';
import type { Pruner } from '../types.js';
import { checkInteger } from './check.js';

export interface SuccessiveHalvingOptions {
  /**
   * Steps before the first rung, r (default 1), or 'auto': r = max(⌊last step / 100⌋, 1) for the last
   * step of the study's first complete trial (see `firstCompleteLastStep`); no trial is pruned before
   * one completes.
   */
  minResource?: number | 'auto';
  /** η: each rung keeps the top 1/η and sits η times further (default 4). */
  reductionFactor?: number;
  /** s: the first rung is at r·η^s (default 0). */
  minEarlyStoppingRate?: number;
}

/** The options once every resource is a number. */
export type Rungs = { minResource: number; reductionFactor: number; minEarlyStoppingRate: number };

const DEFAULTS = { minResource: 1 as number | 'auto', reductionFactor: 4, minEarlyStoppingRate: 0 };

/**
 * The last reported step of the study's first complete trial — the one that finished first (ties:
 * the lower number) — or undefined while none has completed. What the 'auto' resources are estimated
 * from. Optuna estimates from every complete trial its process sees when it first looks, once; the
 * first finisher is the same for every worker reading the store, so all judge alike.
 */
export function firstCompleteLastStep(trials: readonly FrozenTrial[]): number | undefined {
  let first: FrozenTrial | undefined;
  for (const t of trials) {
    if (t.state !== 'complete' || t.intermediate.length === 0) continue;
    const a = t.finished ?? Infinity;
    const b = first?.finished ?? Infinity;
    if (first === undefined || a < b || (a === b && t.number < first.number)) first = t;
  }
  return first?.intermediate.at(-1)?.[0];
}

/** The step of rung k: r·η^(s+k). */
export function rungStep(o: Rungs, k: number): number {
  return o.minResource * o.reductionFactor ** (o.minEarlyStoppingRate + k);
}

/** The first rung whose step is beyond `step`: the rung a trial that has reported up to `step` faces next. */
function nextRung(o: Rungs, step: number): number {
  let k = 0;
  while (rungStep(o, k) <= step) k++;
  return k;
}

/**
 * A trial's value at rung k: its value at the first reported step at or after the rung's step (the
 * value it was judged on when it got there); undefined if it did not get there or that value is NaN
 * (a NaN trial is pruned before it counts). A pruned trial got no further than the first rung its
 * last report reached: when one report crosses several rungs the store does not say which of them
 * pruned it, and the first is the one it was certainly judged at.
 */
export function rungValue(trial: FrozenTrial, o: Rungs, k: number): number | undefined {
  const last = trial.intermediate.length - 1;
  const i = trial.intermediate.findIndex(([s]) => s >= rungStep(o, k));
  if (i < 0 || Number.isNaN(trial.intermediate[i][1])) return undefined;
  if (trial.state === 'pruned' && i === last && i > 0 && k > nextRung(o, trial.intermediate[i - 1][0])) return undefined;
  return trial.intermediate[i][1];
}

/** Whether `value` is among the top ⌊n/η⌋ (at least the best) of the n competing values, ties kept. */
function promotable(value: number, competing: number[], eta: number, direction: Direction): boolean {
  const idx = Math.max(Math.floor(competing.length / eta) - 1, 0);
  const sorted = [...competing].sort((a, b) => a - b);
  return direction === 'maximize' ? value >= sorted[sorted.length - 1 - idx] : value <= sorted[idx];
}

/**
 * ASHA's decision for `trial` against `others` (the trials it competes with). Every rung the trial's
 * latest step has reached since its previous report is judged in turn, as Optuna does on each report.
 */
export function ashaShouldPrune(
  trial: FrozenTrial,
  others: readonly FrozenTrial[],
  direction: Direction,
  o: Rungs,
): boolean {
  const n = trial.intermediate.length;
  if (n === 0) return false;
  const [step, value] = trial.intermediate[n - 1];
  const previous = n > 1 ? trial.intermediate[n - 2][0] : -Infinity;
  for (let rung = nextRung(o, previous); rungStep(o, rung) <= step; rung++) {
    if (Number.isNaN(value)) return true;
    const competing = [value];
    for (const t of others) {
      if (t.number === trial.number) continue;
      const v = rungValue(t, o, rung);
      if (v !== undefined) competing.push(v);
    }
    if (!promotable(value, competing, o.reductionFactor, direction)) return true;
  }
  return false;
}

export function checkSuccessiveHalving(o: { minResource: number | 'auto'; reductionFactor: number; minEarlyStoppingRate: number }): void {
  if (o.minResource !== 'auto') checkInteger('minResource', o.minResource, 1, "or 'auto'");
  checkInteger('reductionFactor', o.reductionFactor, 2);
  checkInteger('minEarlyStoppingRate', o.minEarlyStoppingRate, 0);
}

/**
 * A pruner that runs trials in rungs: rung k sits at step r·η^(s+k); a trial that reaches a rung
 * goes on only if its value there is among the top ⌊n/η⌋ of the n trials that have reached that
 * rung so far (itself included; when ⌊n/η⌋ is 0, only if it is the best), else it is pruned. A NaN
 * value is pruned. Asynchronous: a trial is judged against whoever got there before it, so no worker
 * waits. A trial's value at a rung is read from its intermediate values (its report at the first
 * step at or after the rung), so every worker judges alike from the store alone.
 *
 * Defaults: minResource 1, reductionFactor 4, minEarlyStoppingRate 0. `minResource: 'auto'` waits
 * for the first complete trial and sets r = max(⌊its last step / 100⌋, 1), as Optuna's 'auto'
 * (estimated from the first finisher, see `firstCompleteLastStep`). Source: Li et al., "A System
 * for Massively Parallel Hyperparameter Tuning" (MLSys 2020); Optuna 3.1's SuccessiveHalvingPruner.
 *
 * @example
 * const pruner = successiveHalvingPruner({ minResource: 1, reductionFactor: 3 });
 * // rungs at steps 1, 3, 9, 27, ...
 */
export function successiveHalvingPruner(options: SuccessiveHalvingOptions = {}): Pruner {
  const o = { ...DEFAULTS, ...options };
  checkSuccessiveHalving(o);
  return {
    description: `successiveHalving(minResource=${o.minResource}, reductionFactor=${o.reductionFactor}, minEarlyStoppingRate=${o.minEarlyStoppingRate})`,
    shouldPrune: ({ study, trials, trial }) => {
      let minResource = o.minResource;
      if (minResource === 'auto') {
        const last = firstCompleteLastStep(trials);
        if (last === undefined) return false;
        minResource = Math.max(Math.floor(last / 100), 1);
      }
      return ashaShouldPrune(trial, trials, study.direction, { ...o, minResource });
    },
  };
}
