/** Early stopping with restore of the best weights (TensorFlow.js's own callback cannot restore). */
import * as tf from '@tensorflow/tfjs-core';
import { checkNumber } from '../errors.js';
import type { Callback } from './callbacks.js';
import { createMonitor, readMonitored, type MonitorOptions } from './monitor.js';

export interface EarlyStoppingOptions extends MonitorOptions {
  /**
   * Stop after this many consecutive epochs without improvement (Keras's rule: 0 and 1 both stop at
   * the first). Default 0.
   */
  patience?: number;
  /** At the end of training, put back the weights of the best epoch. Default true. */
  restoreBestWeights?: boolean;
}

/** What an early-stopping callback found; read it after `fit`. */
export interface EarlyStopping extends Callback {
  /** Epoch with the best monitored value, or -1 before any. */
  readonly bestEpoch: number;
  readonly bestValue: number;
  /** Epoch at which it stopped training, or -1 if it did not. */
  readonly stoppedEpoch: number;
}

/**
 * Stops training once `monitor` (default 'val_loss') has not improved by more than `minDelta` for
 * `patience` consecutive epochs (at least one), and (by default) restores the weights the model had at the end
 * of the best epoch — in memory, one copy of the weights, replaced at each improvement. With
 * `restoreBestWeights`, the model `fit` leaves behind is the best epoch's, whether training
 * stopped early or ran all its epochs. The course's rule: "stop training when validation
 * accuracy/loss stops improving, and keep the best model". Its counters, best value and best
 * weights are part of `fit`'s checkpoints (name 'earlyStopping'), so a resumed run stops and
 * restores as the uninterrupted one would.
 *
 * @example
 * const stopper = earlyStopping({ monitor: 'val_accuracy', patience: 3 });
 * await fit(model, data, { optimizer, epochs: 50, callbacks: [stopper] });
 * stopper.bestEpoch;
 */
export function earlyStopping(options: EarlyStoppingOptions = {}): EarlyStopping {
  const o = { patience: 0, restoreBestWeights: true, ...options };
  checkNumber('patience', o.patience, { min: 0, integer: true });
  const { patience, restoreBestWeights } = o;
  let monitor = createMonitor(o);
  let wait = 0;
  let bestEpoch = -1;
  let stoppedEpoch = -1;
  let best: tf.Tensor[] | undefined;
  const drop = (): void => {
    best?.forEach((t) => t.dispose());
    best = undefined;
  };
  return {
    name: 'earlyStopping',
    saveState: () => ({ best: monitor.best, wait, bestEpoch, stoppedEpoch, weights: best }),
    loadState(state) {
      const s = state as { best: number; wait: number; bestEpoch: number; stoppedEpoch: number; weights?: tf.Tensor[] };
      monitor = createMonitor({ ...o, initialBest: s.best });
      wait = s.wait;
      bestEpoch = s.bestEpoch;
      stoppedEpoch = s.stoppedEpoch;
      drop();
      best = s.weights;
    },
    get bestEpoch() {
      return bestEpoch;
    },
    get bestValue() {
      return monitor.best;
    },
    get stoppedEpoch() {
      return stoppedEpoch;
    },
    onTrainBegin() {
      monitor = createMonitor(o);
      wait = 0;
      bestEpoch = -1;
      stoppedEpoch = -1;
      drop();
    },
    onEpochEnd(epoch, logs, ctx) {
      const value = readMonitored(logs, monitor.monitor, 'earlyStopping');
      if (monitor.update(value)) {
        bestEpoch = epoch;
        wait = 0;
        if (restoreBestWeights) {
          drop();
          best = ctx.model.weights().map(([, t]) => tf.clone(t));
        }
        return;
      }
      wait += 1;
      if (wait >= patience) {
        stoppedEpoch = epoch;
        ctx.stop(`earlyStopping: ${monitor.monitor} did not improve on ${monitor.best} for ${wait} epochs (best epoch ${bestEpoch})`);
      }
    },
    onTrainEnd(_logs, ctx) {
      if (best !== undefined) ctx.model.setWeights(best);
      drop();
    },
  };
}
