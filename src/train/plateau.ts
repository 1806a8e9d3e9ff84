/**
 * ReduceLROnPlateau without mutating an optimizer: a `plateauScale` transform (put it last in the
 * chain) multiplies every update by a scale that lives in the optimizer state — so checkpoints
 * keep it and a resumed run continues with it — and a `reduceLROnPlateau` callback, watching a
 * validation metric, asks for a reduction through a shared `PlateauController`. The request is a
 * message, not a write into the optimizer: the transform applies it at its next update
 * (scale ← max(minScale, scale·factor)), and reports the scale back on the controller.
 *
 * Multiplying the final update by s is the same as multiplying the learning rate by s for every
 * optimizer whose update is linear in the learning rate (all of trainkit's named ones).
 */
import * as tf from '@tensorflow/tfjs-core';
import { checkNumber } from '../errors.js';
import type { GradientTransformation } from '../optim/transform.js';
import { treeMap } from '../tree/tree.js';
import type { Callback } from './callbacks.js';
import { createMonitor, readMonitored, type MonitorOptions } from './monitor.js';

/** The channel between the callback and the transform. */
export interface PlateauController {
  /** The scale the transform used at its last update (1 before any). Read-only for users. */
  scale: number;
  /** Reductions asked for and not yet applied: their product multiplies the scale at the next update. */
  pending: number;
  /** Lower bound of the scale. */
  readonly minScale: number;
}

/** A controller for one plateauScale/reduceLROnPlateau pair. `minScale` ≥ 0 (default 0). */
export function plateauController(options: { minScale?: number } = {}): PlateauController {
  const { minScale } = { minScale: 0, ...options };
  checkNumber('minScale', minScale, { min: 0 });
  return { scale: 1, pending: 1, minScale };
}

export interface PlateauState {
  /** The current multiplier of the updates (plain number, checkpointed). */
  scale: number;
}

/**
 * Multiplies every update by the plateau scale (see the module comment).
 *
 * @example
 * const plateau = plateauController();
 * const optimizer = chain(adamw({ learningRate: 1e-3 }), plateauScale(plateau));
 * await fit(model, data, { optimizer, callbacks: [reduceLROnPlateau(plateau, { patience: 3 })],
 *   learningRate: () => 1e-3 * plateau.scale });
 */
export function plateauScale(controller: PlateauController): GradientTransformation<PlateauState> {
  return {
    init: () => ({ scale: 1 }),
    update(grads, state) {
      const scale = Math.max(controller.minScale, state.scale * controller.pending);
      controller.pending = 1;
      controller.scale = scale;
      if (scale === 1) return [grads, { scale }]; // passed through, as `chain` allows
      const s = tf.scalar(scale);
      const updates = treeMap((g) => tf.mul(g, s), grads);
      s.dispose();
      return [updates, { scale }];
    },
  };
}

export interface ReduceLROnPlateauOptions extends MonitorOptions {
  /** Multiply the learning rate by this, in (0, 1). Default 0.1 (Keras and PyTorch). */
  factor?: number;
  /** Epochs without improvement before a reduction. Default 10 (PyTorch). */
  patience?: number;
  /** Epochs to wait after a reduction before counting again. Default 0. */
  cooldown?: number;
}

/**
 * Reduces the learning rate by `factor` once `monitor` (default 'val_loss') has not improved for
 * more than `patience` epochs (torch.optim.lr_scheduler.ReduceLROnPlateau's rule, absolute
 * threshold `minDelta`), through `controller` and its `plateauScale` transform. The scale lives in
 * the optimizer state; the counters, the best value and a reduction not yet applied are part of
 * `fit`'s checkpoints (name 'reduceLROnPlateau'), so a resumed run reduces when the uninterrupted
 * one would.
 */
export function reduceLROnPlateau(controller: PlateauController, options: ReduceLROnPlateauOptions = {}): Callback {
  const o = { factor: 0.1, patience: 10, cooldown: 0, ...options };
  checkNumber('factor', o.factor, { min: 0, max: 1, minExclusive: true, maxExclusive: true });
  checkNumber('patience', o.patience, { min: 0, integer: true });
  checkNumber('cooldown', o.cooldown, { min: 0, integer: true });
  let monitor = createMonitor(o);
  let bad = 0;
  let cooldown = 0;
  return {
    name: 'reduceLROnPlateau',
    saveState: () => ({ best: monitor.best, bad, cooldown, pending: controller.pending, scale: controller.scale }),
    loadState(state) {
      const s = state as { best: number; bad: number; cooldown: number; pending: number; scale: number };
      monitor = createMonitor({ ...o, initialBest: s.best });
      bad = s.bad;
      cooldown = s.cooldown;
      controller.pending = s.pending;
      controller.scale = s.scale;
    },
    onTrainBegin() {
      monitor = createMonitor(o);
      bad = 0;
      cooldown = 0;
    },
    onEpochEnd(_epoch, logs) {
      const value = readMonitored(logs, monitor.monitor, 'reduceLROnPlateau');
      if (monitor.update(value)) bad = 0;
      else bad += 1;
      if (cooldown > 0) {
        cooldown -= 1;
        bad = 0;
      }
      if (bad > o.patience) {
        controller.pending *= o.factor;
        cooldown = o.cooldown;
        bad = 0;
      }
    },
  };
}
