/**
 * Evaluation of a model on a dataset: the loss, mean-style metrics (sums on the device, one host
 * read at the end) and accumulating metrics (state on the device, one read each at the end).
 */
import * as tf from '@tensorflow/tfjs-core';
import { batches, type ArrayDataset } from '../data/dataset.js';
import { InvalidArgumentError, checkNumber } from '../errors.js';
import { Rng } from '../engine/rng.js';
import { type AggregateMetric } from './aggregate-metric.js';
import { type Loss, type LossName, resolveLoss } from './losses.js';
import { type Metric, type MetricName, isMeanMetric, resolveMetric } from './metrics.js';
import { adaptModel, type Model, type ModelAdapter } from './model.js';
import type { Logs } from './callbacks.js';

export interface EvaluateOptions {
  /** Default 256. */
  batchSize?: number;
  /** Default 'softmaxCrossEntropy'. */
  loss?: Loss | LossName;
  /** Default ['accuracy']. */
  metrics?: Array<Metric | AggregateMetric<any, number> | MetricName>;
}

const DEFAULTS = {
  batchSize: 256,
  loss: 'softmaxCrossEntropy' as Loss | LossName,
  metrics: ['accuracy'] as Array<Metric | AggregateMetric<any, number> | MetricName>,
};

const asAdapter = (model: Model | ModelAdapter): ModelAdapter => ('lossAndGrads' in model ? model : adaptModel(model));

/**
 * Loss and metrics over every example of `data` (in order, inference mode: dropout off,
 * batch-norm running statistics), for either model kind (tf.LayersModel or `{ params, apply }`).
 * The result has keys 'loss' and each metric's name. The loss is the mean over examples, or with
 * per-example weights (`data.weight`) the weighted mean Σ w_i·l_i / Σ w_i over the whole set;
 * metrics are unweighted. Mean-style metrics (accuracy, top-k) are means over examples; accumulating
 * ones ('precision', 'recall', 'f1' macro over classes, 'auc') are computed from the whole set.
 *
 * @example
 * const { loss, accuracy, f1 } = await evaluate(model, test, { metrics: ['accuracy', 'f1'] });
 */
export async function evaluate(model: Model | ModelAdapter, data: ArrayDataset, options: EvaluateOptions = {}): Promise<Logs> {
  const o = { ...DEFAULTS, ...options };
  checkNumber('batchSize', o.batchSize, { min: 1, integer: true });
  return evaluateWith(asAdapter(model), data, o.batchSize, resolveLoss(o.loss), o.metrics.map(resolveMetric) as Array<Metric | AggregateMetric<any, number>>);
}

/**
 * `evaluate` with resolved loss and metrics (the loop's route: fit validates through it).
 *
 * @example
 * const logs = await evaluateWith(adaptModel(model), validation, 256, softmaxCrossEntropy(), [accuracy(), f1()]);
 */
export async function evaluateWith(
  model: ModelAdapter,
  data: ArrayDataset,
  batchSize: number,
  loss: Loss,
  metrics: ReadonlyArray<Metric | AggregateMetric<any, number>>,
): Promise<Logs> {
  const means = metrics.filter(isMeanMetric);
  const aggregates = metrics.filter((m): m is AggregateMetric<any, number> => !isMeanMetric(m));
  // Evaluation must not advance the training generator: a throwaway one for functional models
  // that draw in inference mode anyway.
  const rng = new Rng(0);
  // [Σ loss × batch weight, Σ metric × batch size ...]
  let sums = tf.zeros([1 + means.length]);
  const states: Array<tf.TensorContainer | undefined> = aggregates.map(() => undefined);
  let totalWeight = 0;
  try {
    for (const b of batches(data, { batchSize, shuffle: false })) {
      const w = data.weight === undefined ? undefined : Float32Array.from(b.indices, (i) => data.weight![i]);
      const batchWeight = w === undefined ? b.indices.length : w.reduce((s, v) => s + v, 0);
      totalWeight += batchWeight;
      try {
        const logits = tf.tidy(() => model.forward(b.x, false, rng));
        try {
          const next = tf.tidy(() => {
            const weights = w === undefined ? undefined : tf.tensor1d(w);
            const l = tf.mul(loss(logits, b.y, weights), batchWeight);
            const values = means.map((m) => tf.mul(m.compute(logits, b.y), b.indices.length));
            return tf.add(sums, tf.stack([l, ...values]));
          });
          sums.dispose();
          sums = next;
          aggregates.forEach((m, i) => (states[i] = m.accumulate(states[i] ?? m.init(logits, b.y), logits, b.y)));
        } finally {
          logits.dispose();
        }
      } finally {
        tf.dispose([b.x, b.y]);
      }
    }
    const totals = await sums.data();
    const logs: Logs = { loss: totals[0] / totalWeight };
    means.forEach((m, i) => (logs[m.name] = totals[1 + i] / data.size));
    for (const [i, m] of aggregates.entries()) logs[m.name] = states[i] === undefined ? Number.NaN : await m.result(states[i]);
    return logs;
  } finally {
    sums.dispose();
    tf.dispose(states.filter((s) => s !== undefined) as tf.TensorContainer[]);
  }
}

/**
 * Accumulates one AggregateMetric over every example of `data` (in order, inference mode) and
 * returns its value, whatever its type: the route for values that are not numbers, such as
 * `confusionMatrix()`.
 *
 * @example
 * const matrix = await evaluateMetric(model, test, confusionMatrix()); // rows: true class
 */
export async function evaluateMetric<V>(
  model: Model | ModelAdapter,
  data: ArrayDataset,
  metric: AggregateMetric<any, V>,
  options: { batchSize?: number } = {},
): Promise<V> {
  const { batchSize } = { batchSize: DEFAULTS.batchSize, ...options };
  checkNumber('batchSize', batchSize, { min: 1, integer: true });
  const adapter = asAdapter(model);
  const rng = new Rng(0);
  let state: tf.TensorContainer | undefined;
  try {
    for (const b of batches(data, { batchSize, shuffle: false })) {
      try {
        const logits = tf.tidy(() => adapter.forward(b.x, false, rng));
        try {
          state = metric.accumulate(state ?? metric.init(logits, b.y), logits, b.y);
        } finally {
          logits.dispose();
        }
      } finally {
        tf.dispose([b.x, b.y]);
      }
    }
    if (state === undefined) throw new InvalidArgumentError('data.size', 0, 'at least one example');
    return await metric.result(state);
  } finally {
    if (state !== undefined) tf.dispose(state);
  }
}
