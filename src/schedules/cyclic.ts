import { checkNumber, InvalidArgumentError } from '../errors.js';
import { checkRate, checkSteps, mergeOptions } from './check.js';
import { checkStep, type Schedule } from './schedule.js';

export type CyclicMode = 'triangular' | 'triangular2' | 'expRange';
const MODES: readonly CyclicMode[] = ['triangular', 'triangular2', 'expRange'];

export interface CyclicOptions {
  /** The bottom of each cycle (the value at step 0). */
  min: number;
  /** The top of the first cycle (>= min). */
  max: number;
  /** Steps from bottom to top, and again from top to bottom (an integer >= 1): a cycle is 2·stepSize. */
  stepSize: number;
  /** Amplitude policy. Default 'triangular'. */
  mode?: CyclicMode;
  /** For 'expRange': the amplitude is multiplied by gamma^t, in (0, 1]. Default 1 (unused by the other modes). */
  gamma?: number;
}

/**
 * Cyclical learning rates (Smith 2017, "Cyclical Learning Rates for Training Neural Networks"): a
 * triangle wave between `min` and `max`. With cycle `c = ⌊1 + t/(2s)⌋` and `x = |t/s − 2c + 1|`,
 * `η_t = min + (max − min) · max(0, 1 − x) · scale`, where scale is 1 ('triangular'),
 * `1/2^(c−1)` ('triangular2': the amplitude halves every cycle) or `gamma^t` ('expRange').
 * Matches torch `CyclicLR(base_lr=min, max_lr=max, step_size_up=stepSize, mode, gamma)` (mode
 * 'exp_range' there), computed the way torch computes it.
 *
 * @example
 * const lr = cyclic({ min: 0.001, max: 0.1, stepSize: 25 });
 * lr(0); // 0.001
 * lr(25); // 0.1
 * lr(50); // 0.001
 */
export function cyclic(options: CyclicOptions): Schedule {
  const o = mergeOptions<Required<CyclicOptions>>('cyclic', options, { mode: 'triangular', gamma: 1 }, [
    'min',
    'max',
    'stepSize',
    'mode',
    'gamma',
  ]);
  const min = checkRate('cyclic', 'min', o.min);
  const max = checkRate('cyclic', 'max', o.max);
  if (max < min) throw new InvalidArgumentError('cyclic.max', max, `a number >= min (${min})`);
  const stepSize = checkSteps('cyclic', 'stepSize', o.stepSize);
  if (!MODES.includes(o.mode)) throw new InvalidArgumentError('cyclic.mode', o.mode, `one of ${MODES.join(', ')}`);
  const gamma = checkNumber('cyclic.gamma', o.gamma, { min: 0, max: 1, minExclusive: true });
  const total = 2 * stepSize;
  const ratio = stepSize / total;
  return (step) => {
    checkStep(step);
    // torch's arithmetic, kept as is so the values agree to the last bits.
    const cycle = Math.floor(1 + step / total);
    const x = 1 + step / total - cycle;
    const height = (max - min) * (x <= ratio ? x / ratio : (x - 1) / (ratio - 1));
    const scale = o.mode === 'triangular' ? 1 : o.mode === 'triangular2' ? 1 / 2 ** (cycle - 1) : gamma ** step;
    return min + height * scale;
  };
}
