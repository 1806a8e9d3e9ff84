import { checkNumber, InvalidArgumentError } from '../errors.js';
import { checkRate, checkSteps, mergeOptions } from './check.js';
import { checkStep, type Schedule } from './schedule.js';

export interface OneCycleOptions {
  /** The peak value. */
  maxLr: number;
  /** Length of the run (an integer >= 2); after step totalSteps − 1 the value stays at its final one. */
  totalSteps: number;
  /** Fraction of the run spent rising to `maxLr`, in (0, 1). Default 0.3. */
  pctStart?: number;
  /** The start value is `maxLr / divFactor` (> 0). Default 25. */
  divFactor?: number;
  /** The final value is `maxLr / divFactor / finalDivFactor` (> 0). Default 1e4. */
  finalDivFactor?: number;
  /** Shape of each phase. Default 'cos'. */
  anneal?: 'cos' | 'linear';
  /** Three phases (up, back down to the start value, then down to the final value) instead of two. Default false. */
  threePhase?: boolean;
}

/**
 * The 1cycle policy (Smith & Topin 2019, "Super-Convergence"): rise from `maxLr/divFactor` to
 * `maxLr` over the first `pctStart` of the run, then anneal to `maxLr/(divFactor·finalDivFactor)`.
 * Phase boundaries and annealing are those of torch `OneCycleLR(max_lr, total_steps, pct_start,
 * div_factor, final_div_factor, anneal_strategy, three_phase)`: the first phase ends at step
 * `pctStart·totalSteps − 1` (the second, with threePhase, at `2·pctStart·totalSteps − 2`), the last
 * at `totalSteps − 1`; 'cos' is `end + (start − end)·½(1 + cos(π·pct))`, 'linear' interpolates.
 * Torch refuses steps past totalSteps; here the value stays at the final one. Momentum cycling
 * (torch's `cycle_momentum`) is a separate schedule to pass as the optimizer's momentum.
 *
 * @example
 * const lr = oneCycle({ maxLr: 0.1, totalSteps: 1000 });
 * lr(0); // 0.004
 * lr(299); // 0.1
 * lr(999); // 4e-7
 */
export function oneCycle(options: OneCycleOptions): Schedule {
  const o = mergeOptions<Required<OneCycleOptions>>(
    'oneCycle',
    options,
    { pctStart: 0.3, divFactor: 25, finalDivFactor: 1e4, anneal: 'cos', threePhase: false },
    ['maxLr', 'totalSteps', 'pctStart', 'divFactor', 'finalDivFactor', 'anneal', 'threePhase'],
  );
  const maxLr = checkRate('oneCycle', 'maxLr', o.maxLr);
  const total = checkSteps('oneCycle', 'totalSteps', o.totalSteps, 2);
  const pct = checkNumber('oneCycle.pctStart', o.pctStart, { min: 0, max: 1, minExclusive: true, maxExclusive: true });
  const div = checkNumber('oneCycle.divFactor', o.divFactor, { min: 0, minExclusive: true });
  const finalDiv = checkNumber('oneCycle.finalDivFactor', o.finalDivFactor, { min: 0, minExclusive: true });
  if (o.anneal !== 'cos' && o.anneal !== 'linear')
    throw new InvalidArgumentError('oneCycle.anneal', o.anneal, "'cos' or 'linear'");
  if (typeof o.threePhase !== 'boolean') throw new InvalidArgumentError('oneCycle.threePhase', o.threePhase, 'a boolean');

  const initial = maxLr / div;
  const final = initial / finalDiv;
  const phases = o.threePhase
    ? [
        { end: pct * total - 1, from: initial, to: maxLr },
        { end: 2 * pct * total - 2, from: maxLr, to: initial },
        { end: total - 1, from: initial, to: final },
      ]
    : [
        { end: pct * total - 1, from: initial, to: maxLr },
        { end: total - 1, from: maxLr, to: final },
      ];
  phases.forEach((p, i) => {
    const start = i === 0 ? 0 : phases[i - 1].end;
    const setting = `totalSteps = ${total}${o.threePhase ? ' and threePhase' : ''}`;
    if (!(p.end > start))
      throw new InvalidArgumentError(
        'oneCycle.pctStart',
        pct,
        `a fraction that leaves every phase longer than 0 steps with ${setting} ` +
          `(phase ${i + 1} would end at step ${p.end}, not after ${start})`,
      );
  });
  const anneal =
    o.anneal === 'cos'
      ? (a: number, b: number, x: number) => b + ((a - b) / 2.0) * (Math.cos(Math.PI * x) + 1)
      : (a: number, b: number, x: number) => (b - a) * x + a;
  return (step) => {
    const t = Math.min(checkStep(step), total - 1);
    let start = 0;
    for (let i = 0; i < phases.length; i++) {
      const p = phases[i];
      if (t <= p.end || i === phases.length - 1) return anneal(p.from, p.to, (t - start) / (p.end - start));
      start = p.end;
    }
    throw new Error('unreachable');
  };
}
