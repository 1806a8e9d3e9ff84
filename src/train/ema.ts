/**
 * Polyak averaging / exponential moving average of the weights (the course's
 * x_test = 0.995·x_test + 0.005·x): shadow copies updated on the device after every step, kept
 * apart from the trained weights, evaluated and saved on their own.
 */
import * as tf from '@tensorflow/tfjs-core';
import { checkNumber, TrainkitError } from '../errors.js';
import type { ArrayDataset } from '../data/dataset.js';
import type { Callback, Logs } from './callbacks.js';
import { evaluate, type EvaluateOptions } from './evaluate.js';
import { adaptModel, type Model, type ModelAdapter } from './model.js';

export interface EmaOptions {
  /** The averaging factor β: ema ← β·ema + (1 − β)·x. Default 0.995. */
  decay?: number;
  /** Update every N steps. Default 1. */
  every?: number;
}

/** An EMA callback; after (or during) training, read, evaluate or install the averaged weights. */
export interface Ema extends Callback {
  /** The averaged weights, in model order (live tensors owned by the callback; undefined before training). */
  values(): tf.Tensor[] | undefined;
  /** Evaluates `model` with the averaged weights swapped in, then puts its own weights back. */
  evaluate(model: Model, data: ArrayDataset, options?: EvaluateOptions): Promise<Logs>;
  /** Copies the averaged weights into `model` (e.g. a clone to save with model.save()). */
  copyTo(model: Model): void;
  /** Frees the averaged weights. */
  dispose(): void;
}

/**
 * Keeps an exponential moving average of every weight of the model (trainable and not: batch-norm
 * statistics are averaged too), starting from the weights at the start of training. No host sync.
 * The average is part of `fit`'s checkpoints (under the name 'ema'): a resumed run continues it exactly.
 *
 * @example
 * const avg = ema({ decay: 0.995 });
 * await fit(model, data, { optimizer, callbacks: [avg] });
 * const { accuracy } = await avg.evaluate(model, test);
 */
export function ema(options: EmaOptions = {}): Ema {
  const { decay, every } = { decay: 0.995, every: 1, ...options };
  checkNumber('decay', decay, { min: 0, max: 1, maxExclusive: true });
  checkNumber('every', every, { min: 1, integer: true });
  let shadow: tf.Tensor[] | undefined;
  const drop = (): void => {
    shadow?.forEach((t) => t.dispose());
    shadow = undefined;
  };
  const need = (): tf.Tensor[] => {
    if (shadow === undefined) throw new TrainkitError('ema: no averaged weights yet (train with the callback first)');
    return shadow;
  };
  const swap = (adapter: ModelAdapter, values: tf.Tensor[]): tf.Tensor[] => {
    const saved = adapter.weights().map(([, t]) => tf.clone(t));
    adapter.setWeights(values);
    return saved;
  };
  return {
    name: 'ema',
    values: () => shadow,
    saveState: () => ({ shadow }),
    loadState(state) {
      const s = state as { shadow?: tf.Tensor[] };
      drop();
      shadow = s.shadow;
    },
    onTrainBegin(ctx) {
      drop();
      shadow = ctx.model.weights().map(([, t]) => tf.clone(t));
    },
    onBatchEnd(step, _logs, ctx) {
      if (step % every !== 0 || shadow === undefined) return;
      const weights = ctx.model.weights();
      const s = shadow;
      const next = tf.tidy(() => s.map((e, i) => (e.dtype === 'float32' ? tf.add(tf.mul(e, decay), tf.mul(weights[i][1], 1 - decay)) : tf.clone(weights[i][1]))));
      s.forEach((t) => t.dispose());
      shadow = next;
    },
    async evaluate(model, data, evalOptions) {
      const adapter = adaptModel(model);
      const saved = swap(adapter, need());
      try {
        return await evaluate(adapter, data, evalOptions);
      } finally {
        adapter.setWeights(saved);
        saved.forEach((t) => t.dispose());
      }
    },
    copyTo(model) {
      adaptModel(model).setWeights(need());
    },
    dispose: drop,
  };
}
