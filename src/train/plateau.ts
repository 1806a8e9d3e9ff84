/**
 * ReduceLROnPlateau without mutating an optimizer or wiring a controller: `fit` keeps a
 * learning-rate scale in the optimizer state (`withLearningRateScale`: every update is multiplied
 * by it), and this callback, watching a validation metric, lowers it through the training context
 * (`ctx.scaleLearningRate`). The scale is plain data in the optimizer state, so checkpoints keep it
 * and a resumed run continues with it; the logged `lr` includes it.
 *
 * Multiplying the final update by s is the same as multiplying the learning rate by s for every
 * optimizer whose update is linear in the learning rate (all of trainkit's named ones).
 */
import { checkNumber } from '../errors.js';
import type { Callback } from './callbacks.js';
import { createMonitor, readMonitored, type MonitorOptions } from './monitor.js';

export interface ReduceLROnPlateauOptions extends MonitorOptions {
  /** Multiply the learning rate by this, in (0, 1). Default 0.1 (Keras and PyTorch). */
  factor?: number;
  /** Epochs without improvement before a reduction. Default 10 (PyTorch). */
  patience?: number;
  /** Epochs to wait after a reduction before counting again. Default 0. */
  cooldown?: number;
  /** Lower bound of the scale (a fraction of the optimizer's own rate), ≥ 0. Default 0. */
  minScale?: number;
}

/**
 * Reduces the learning rate by `factor` once `monitor` (default 'val_loss') has not improved for
 * more than `patience` epochs (torch.optim.lr_scheduler.ReduceLROnPlateau's rule, absolute
 * threshold `minDelta`), with any optimizer: the reduction multiplies the learning-rate scale `fit`
 * keeps in the optimizer state, from the next update on. The counters and the best value are part of
 * `fit`'s checkpoints (name 'reduceLROnPlateau'), the scale is part of the optimizer state, so a
 * resumed run reduces when the uninterrupted one would.
 *
 * @example
 * await fit(model, { train, validation }, { optimizer: adamw({ learningRate: 1e-3 }), epochs: 50,
 *   callbacks: [reduceLROnPlateau({ patience: 3 })] });
 */
export function reduceLROnPlateau(options: ReduceLROnPlateauOptions = {}): Callback {
  const o = { factor: 0.1, patience: 10, cooldown: 0, minScale: 0, ...options };
  checkNumber('factor', o.factor, { min: 0, max: 1, minExclusive: true, maxExclusive: true });
  checkNumber('patience', o.patience, { min: 0, integer: true });
  checkNumber('cooldown', o.cooldown, { min: 0, integer: true });
  checkNumber('minScale', o.minScale, { min: 0 });
  let monitor = createMonitor(o);
  let bad = 0;
  let cooldown = 0;
  return {
    name: 'reduceLROnPlateau',
    saveState: () => ({ best: monitor.best, bad, cooldown }),
    loadState(state) {
      const s = state as { best: number; bad: number; cooldown: number };
      monitor = createMonitor({ ...o, initialBest: s.best });
      bad = s.bad;
      cooldown = s.cooldown;
    },
    onTrainBegin() {
      monitor = createMonitor(o);
      bad = 0;
      cooldown = 0;
    },
    onEpochEnd(_epoch, logs, ctx) {
      const value = readMonitored(logs, monitor.monitor, 'reduceLROnPlateau');
      if (monitor.update(value)) bad = 0;
      else bad += 1;
      if (cooldown > 0) {
        cooldown -= 1;
        bad = 0;
      }
      if (bad > o.patience) {
        ctx.scaleLearningRate(o.factor, o.minScale);
        cooldown = o.cooldown;
        bad = 0;
      }
    },
  };
}
