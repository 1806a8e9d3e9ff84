/**
 * The course's rule of thumb for the learning rate: the ratio of the update's norm to the weights'
 * norm, ‖Δθ‖/‖θ‖, should be about 1e-3 for each layer. Much lower: the rate is too low (or the layer
 * is stuck); much higher: too high. `fit` logs the ratio of every weight at each logging step; this
 * callback watches those numbers and warns when one stays out of range.
 */
import { InvalidArgumentError, checkNumber } from '../errors.js';
import type { Callback, StepLogs } from './callbacks.js';

/** One warning, as passed to the logger. */
export interface UpdateRatioWarning {
  /** The weight's name, as in `StepLogs.updateRatio`. */
  weight: string;
  /** The step that completed the streak. */
  step: number;
  /** The ratio at that step. */
  ratio: number;
  /** 'low' (below `low`) or 'high' (above `high`). */
  side: 'low' | 'high';
  /** Consecutive logging steps out of range. */
  streak: number;
  /** A readable sentence. */
  message: string;
}

export interface UpdateRatioMonitorOptions {
  /** Lower bound of the healthy range. Default 1e-4. */
  low?: number;
  /** Upper bound of the healthy range. Default 1e-2. */
  high?: number;
  /** Warn after this many consecutive logging steps out of range (on the same side). Default 5. */
  patience?: number;
  /** Which weights to watch, by name. Default: all but biases (names ending in 'bias'), which start at 0. */
  include?: (weight: string) => boolean;
  /** Where warnings go. Default: `console.warn(w.message)`. */
  logger?: (warning: UpdateRatioWarning) => void;
}

/** The monitor callback; `warnings` lists what it reported. */
export interface UpdateRatioMonitor extends Callback {
  readonly warnings: readonly UpdateRatioWarning[];
}

const DEFAULTS = {
  low: 1e-4,
  high: 1e-2,
  patience: 5,
  include: (weight: string): boolean => !/bias$/i.test(weight),
  logger: (w: UpdateRatioWarning): void => console.warn(w.message),
};

/**
 * Warns (once per streak, through `logger`) when a weight's update/parameter ratio ‖Δθ‖/‖θ‖ stays
 * outside [`low`, `high`] for `patience` consecutive logging steps; a streak ends when the ratio comes
 * back in range or crosses to the other side. Non-finite ratios (a weight whose norm is 0) are
 * skipped. It reads only what `fit` already logs (no extra host sync): ratios exist at logging steps
 * (`logEvery`). Its streaks are part of `fit`'s checkpoints (name 'updateRatioMonitor').
 *
 * @example
 * const monitor = updateRatioMonitor({ patience: 3, logger: (w) => log.push(w.message) });
 * await fit(model, data, { optimizer, logEvery: 20, callbacks: [monitor] });
 * monitor.warnings; // e.g. [{ weight: 'dense_Dense1/kernel', side: 'low', ratio: 2e-6, ... }]
 */
export function updateRatioMonitor(options: UpdateRatioMonitorOptions = {}): UpdateRatioMonitor {
  const o = { ...DEFAULTS, ...options };
  checkNumber('low', o.low, { min: 0 });
  checkNumber('high', o.high, { min: 0 });
  if (!(o.high > o.low)) throw new InvalidArgumentError('high', o.high, `a number above low (${o.low})`);
  checkNumber('patience', o.patience, { min: 1, integer: true });
  if (typeof o.include !== 'function') throw new InvalidArgumentError('include', o.include, 'a function (weight name) => boolean');
  if (typeof o.logger !== 'function') throw new InvalidArgumentError('logger', o.logger, 'a function (warning) => void');
  /**
   * Per weight, by its position in the logged ratios (names change between processes; positions do
   * not, so the streaks resume): the side of the current streak and its length.
   */
  let streaks: Array<{ side: 'low' | 'high'; length: number } | null> = [];
  const warnings: UpdateRatioWarning[] = [];
  return {
    name: 'updateRatioMonitor',
    warnings,
    onTrainBegin() {
      streaks = [];
      warnings.length = 0;
    },
    saveState: () => ({ streaks: Array.from(streaks, (s) => (s == null ? null : { ...s })) }),
    loadState(state) {
      streaks = (state as { streaks: typeof streaks }).streaks;
    },
    onBatchEnd(step: number, logs: StepLogs) {
      if (logs.updateRatio === undefined) return;
      for (const [i, [weight, ratio]] of Object.entries(logs.updateRatio).entries()) {
        if (!o.include(weight) || !Number.isFinite(ratio)) continue;
        const side: 'low' | 'high' | undefined = ratio < o.low ? 'low' : ratio > o.high ? 'high' : undefined;
        if (side === undefined) {
          streaks[i] = null;
          continue;
        }
        const s = streaks[i]?.side === side ? (streaks[i] as { side: 'low' | 'high'; length: number }) : { side, length: 0 };
        s.length += 1;
        streaks[i] = s;
        if (s.length !== o.patience) continue;
        const w: UpdateRatioWarning = {
          weight,
          step,
          ratio,
          side,
          streak: s.length,
          message:
            `update/parameter ratio of ${weight} has been ${side === 'low' ? 'below' : 'above'} ` +
            `${side === 'low' ? o.low : o.high} for ${s.length} logging steps (${ratio.toExponential(2)} at step ${step}; ` +
            `the rule of thumb is ~1e-3): the learning rate is probably too ${side}`,
        };
        warnings.push(w);
        o.logger(w);
      }
    },
  };
}
