import { InvalidArgumentError } from '../errors.js';
import { checkRate, checkSteps, mergeOptions } from './check.js';
import { checkStep, type Schedule } from './schedule.js';

export interface SgdrOptions {
  /** The value at the start of every cycle. */
  init: number;
  /** Length of the first cycle, T_0 (an integer >= 1). */
  period: number;
  /** Each cycle is `periodMult` times longer than the previous one (an integer >= 1). Default 1. */
  periodMult?: number;
  /** The value a cycle falls to (0 <= min <= init). Default 0. */
  min?: number;
}

/**
 * SGDR, stochastic gradient descent with warm restarts (Loshchilov & Hutter 2017): cosine decay
 * from `init` to `min` over a cycle of T_i steps, then a jump back to `init`:
 * `η_t = min + (init − min) · ½(1 + cos(π · T_cur / T_i))`, where T_cur counts the steps since the
 * last restart and `T_i = period · periodMult^i`. Matches torch
 * `CosineAnnealingWarmRestarts(T_0=period, T_mult=periodMult, eta_min=min)` stepped once per update.
 *
 * @example
 * const lr = sgdr({ init: 0.1, period: 10, periodMult: 2 });
 * lr(0); // 0.1
 * lr(5); // 0.05
 * lr(10); // 0.1 (restart; the next cycle lasts 20 steps)
 */
export function sgdr(options: SgdrOptions): Schedule {
  const o = mergeOptions<Required<SgdrOptions>>('sgdr', options, { periodMult: 1, min: 0 }, [
    'init',
    'period',
    'periodMult',
    'min',
  ]);
  const init = checkRate('sgdr', 'init', o.init);
  const period = checkSteps('sgdr', 'period', o.period);
  const mult = checkSteps('sgdr', 'periodMult', o.periodMult);
  const min = checkRate('sgdr', 'min', o.min);
  if (min > init) throw new InvalidArgumentError('sgdr.min', min, `a number <= init (${init})`);
  return (step) => {
    let tCur = checkStep(step);
    let tI = period;
    if (mult === 1) tCur %= period;
    else
      while (tCur >= tI) {
        tCur -= tI;
        tI *= mult;
      }
    return min + ((init - min) * (1 + Math.cos((Math.PI * tCur) / tI))) / 2;
  };
}
