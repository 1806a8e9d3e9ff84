/** Evaluation of a model on a dataset: mean loss and metrics, one host read at the end. */
import * as tf from '@tensorflow/tfjs-core';
import { batches, type ArrayDataset } from '../data/dataset.js';
import { checkNumber } from '../errors.js';
import { Rng } from '../engine/rng.js';
import { type Loss, type LossName, resolveLoss } from './losses.js';
import { type Metric, type MetricName, resolveMetric } from './metrics.js';
import { adaptModel, type Model, type ModelAdapter } from './model.js';
import type { Logs } from './callbacks.js';

export interface EvaluateOptions {
  /** Default 256. */
  batchSize?: number;
  /** Default 'softmaxCrossEntropy'. */
  loss?: Loss | LossName;
  /** Default ['accuracy']. */
  metrics?: Array<Metric | MetricName>;
}

const DEFAULTS = { batchSize: 256, loss: 'softmaxCrossEntropy' as Loss | LossName, metrics: ['accuracy'] as Array<Metric | MetricName> };

/**
 * Mean loss and metrics over every example of `data` (in order, inference mode: dropout off,
 * batch-norm running statistics). Sums stay on the device; the host reads them once.
 * The result has keys 'loss' and each metric's name.
 *
 * @example
 * const { loss, accuracy } = await evaluate(model, test, { metrics: ['accuracy'] });
 */
export async function evaluate(model: Model | ModelAdapter, data: ArrayDataset, options: EvaluateOptions = {}): Promise<Logs> {
  const o = { ...DEFAULTS, ...options };
  checkNumber('batchSize', o.batchSize, { min: 1, integer: true });
  const adapter = 'lossAndGrads' in model ? model : adaptModel(model);
  return evaluateWith(adapter, data, o.batchSize, resolveLoss(o.loss), o.metrics.map(resolveMetric));
}

/** `evaluate` with resolved loss and metrics (the loop's route). */
export async function evaluateWith(
  model: ModelAdapter,
  data: ArrayDataset,
  batchSize: number,
  loss: Loss,
  metrics: readonly Metric[],
): Promise<Logs> {
  // Evaluation must not advance the training generator: a throwaway one for functional models
  // that draw in inference mode anyway.
  const rng = new Rng(0);
  let sums = tf.zeros([1 + metrics.length]);
  try {
    for (const b of batches(data, { batchSize, shuffle: false })) {
      const next = tf.tidy(() => {
        const logits = model.forward(b.x, false, rng);
        const values = [loss(logits, b.y), ...metrics.map((m) => m.compute(logits, b.y))];
        return tf.add(sums, tf.mul(tf.stack(values), b.indices.length));
      });
      tf.dispose([b.x, b.y, sums]);
      sums = next;
    }
    const totals = await sums.data();
    const logs: Logs = {};
    ['loss', ...metrics.map((m) => m.name)].forEach((name, i) => (logs[name] = totals[i] / data.size));
    return logs;
  } finally {
    sums.dispose();
  }
}
