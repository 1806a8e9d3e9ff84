import { checkRate, checkSteps, mergeOptions } from './check.js';
import { checkStep, type Schedule } from './schedule.js';

export interface LinearOptions {
  /** The value at step 0. */
  from: number;
  /** The value from step `steps` on. */
  to: number;
  /** The number of steps of the ramp (an integer >= 1). */
  steps: number;
}

/**
 * Linear ramp: `η_t = from + (to − from) · min(t, T) / T`, then constant at `to` (Optax
 * `linear_schedule`; torch `LinearLR(start_factor=from/base, end_factor=to/base, total_iters=T)`).
 * The lecture's linear decay `α_t = α_0 (1 − t/T)` is `linear({ from: α0, to: 0, steps: T })`.
 *
 * @example
 * const lr = linear({ from: 0.1, to: 0, steps: 100 });
 * lr(50); // 0.05
 * lr(200); // 0
 */
export function linear(options: LinearOptions): Schedule {
  return ramp('linear', options);
}

/** Shared by `linear` and `warmup`; `fn` names the caller in error messages. */
export function ramp(fn: string, options: LinearOptions): Schedule {
  const o = mergeOptions<LinearOptions>(fn, options, {}, ['from', 'to', 'steps']);
  const from = checkRate(fn, 'from', o.from);
  const to = checkRate(fn, 'to', o.to);
  const T = checkSteps(fn, 'steps', o.steps);
  return (step) => from + ((to - from) * Math.min(checkStep(step), T)) / T;
}
