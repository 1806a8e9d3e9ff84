import { InvalidArgumentError } from '../errors.js';
import { checkRate, mergeOptions } from './check.js';
import { checkStep, type Schedule } from './schedule.js';

export interface StepDecayOptions {
  /** The value before the first boundary. */
  init: number;
  /** Steps at which the value is multiplied by `factor`: positive integers, strictly increasing. */
  boundaries: number[];
  /** The multiplier applied at each boundary (> 0; 0.1 in the classic recipe). */
  factor: number;
}

/**
 * Step decay: `η_t = init · factor^k` where k is the number of boundaries `b` with `b <= t`, so the
 * step *at* a boundary already uses the decayed value (torch `MultiStepLR(milestones, gamma)`, and
 * `StepLR(step_size, gamma)` with boundaries `step_size, 2·step_size, ...`). The classic ImageNet
 * recipe (He et al. 2016) divides by 10 at epochs 30, 60 and 90.
 *
 * @example
 * const lr = stepDecay({ init: 0.1, boundaries: [30, 60, 90], factor: 0.1 });
 * lr(29); // 0.1
 * lr(30); // 0.01
 * lr(95); // 0.0001 (up to rounding)
 */
export function stepDecay(options: StepDecayOptions): Schedule {
  const o = mergeOptions<StepDecayOptions>('stepDecay', options, {}, ['init', 'boundaries', 'factor']);
  const init = checkRate('stepDecay', 'init', o.init);
  const factor = checkRate('stepDecay', 'factor', o.factor);
  if (factor === 0) throw new InvalidArgumentError('stepDecay.factor', factor, 'a finite number > 0');
  const expected = 'an array of positive integers in strictly increasing order';
  if (!Array.isArray(o.boundaries)) throw new InvalidArgumentError('stepDecay.boundaries', o.boundaries, expected);
  const boundaries = [...o.boundaries];
  boundaries.forEach((b, i) => {
    if (!Number.isInteger(b) || b < 1 || (i > 0 && b <= boundaries[i - 1]))
      throw new InvalidArgumentError('stepDecay.boundaries', o.boundaries, expected);
  });
  return (step) => {
    checkStep(step);
    let k = 0;
    while (k < boundaries.length && boundaries[k] <= step) k++;
    return init * factor ** k;
  };
}
