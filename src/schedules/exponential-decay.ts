import { checkNumber } from '../errors.js';
import { checkRate, mergeOptions } from './check.js';
import { checkStep, type Schedule } from './schedule.js';

export interface ExponentialDecayOptions {
  /** The value at step 0. */
  init: number;
  /** The factor per step (> 0; < 1 decays, > 1 grows, as in a learning-rate range test). */
  gamma: number;
}

/**
 * Exponential decay: `η_t = init · gamma^t` (torch `ExponentialLR(gamma)`, which multiplies by
 * gamma once per step; here the closed form is used, equal up to rounding).
 *
 * @example
 * const lr = exponentialDecay({ init: 0.1, gamma: 0.98 });
 * lr(0); // 0.1
 * lr(2); // 0.09604
 */
export function exponentialDecay(options: ExponentialDecayOptions): Schedule {
  const o = mergeOptions<ExponentialDecayOptions>('exponentialDecay', options, {}, ['init', 'gamma']);
  const init = checkRate('exponentialDecay', 'init', o.init);
  const gamma = checkNumber('exponentialDecay.gamma', o.gamma, { min: 0, minExclusive: true });
  return (step) => init * gamma ** checkStep(step);
}
