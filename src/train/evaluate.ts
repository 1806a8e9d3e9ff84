/**
 * Evaluation of a model on a dataset: the loss, mean-style metrics (sums on the device, one host
 * read at the end) and accumulating metrics (state on the device, one read each at the end).
 */
import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, checkNumber } from '../errors.js';
import { Rng } from '../engine/rng.js';
import { type AggregateMetric } from './aggregate-metric.js';
import { yieldToEventLoop } from '../engine/event-loop.js';
import { inferenceBatches, type InferenceData } from './inference-batches.js';
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
 * `data` is an ArrayDataset, a BatchSource (its epoch-0, unshuffled stream) or an (async) iterable
 * of batches. The result has keys 'loss' and each metric's name. The loss is the mean over
 * examples, or with per-example weights (`data.weight`, `StreamBatch.weight`) the weighted mean
 * Σ w_i·l_i / Σ w_i over the whole set; metrics are unweighted. Mean-style metrics (accuracy,
 * top-k) are means over examples; accumulating ones ('precision', 'recall', 'f1' macro over
 * classes, 'auc') are computed from the whole set.
 *
 * @example
 * const { loss, accuracy, f1 } = await evaluate(model, test, { metrics: ['accuracy', 'f1'] });
 */
export async function evaluate(model: Model | ModelAdapter, data: InferenceData, options: EvaluateOptions = {}): Promise<Logs> {
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
  data: InferenceData,
  batchSize: number,
  loss: Loss,
  metrics: ReadonlyArray<Metric | AggregateMetric<any, number>>,
): Promise<Logs> {
  const means = metrics.filter(isMeanMetric);
  const aggregates = metrics.filter((m): m is AggregateMetric<any, number> => !isMeanMetric(m));
  // Evaluation must not advance the training generator: a throwaway one for functional models
  // that draw in inference mode anyway.
  const rng = new Rng(0);
  // [Σ loss × batch weight, Σ batch weight, Σ examples, Σ metric × batch size ...], on the device.
  let sums = tf.zeros([3 + means.length]);
  const states: Array<tf.TensorContainer | undefined> = aggregates.map(() => undefined);
  try {
    for await (const b of inferenceBatches(data, batchSize)) {
      try {
        const logits = tf.tidy(() => model.forward(b.x, false, rng));
        try {
          const next = tf.tidy(() => {
            const n = logits.shape[0] ?? 1;
            const w = b.weight === undefined ? tf.scalar(n) : tf.sum(b.weight);
            const values = means.map((m) => tf.mul(m.compute(logits, b.y), n));
            return tf.add(sums, tf.stack([tf.mul(loss(logits, b.y, b.weight), w), w, tf.scalar(n), ...values]));
          });
          sums.dispose();
          sums = next;
          aggregates.forEach((m, i) => (states[i] = m.accumulate(states[i] ?? m.init(logits, b.y), logits, b.y)));
        } finally {
          logits.dispose();
        }
      } finally {
        tf.dispose([b.x, b.y, ...(b.weight === undefined ? [] : [b.weight])]);
      }
      await yieldToEventLoop();
    }
    const [lossSum, weightSum, examples, ...metricSums] = await sums.data();
    if (examples === 0) throw new InvalidArgumentError('data', 'no batches', 'at least one example to evaluate');
    const logs: Logs = { loss: lossSum / weightSum };
    means.forEach((m, i) => (logs[m.name] = metricSums[i] / examples));
    for (const [i, m] of aggregates.entries()) logs[m.name] = await m.result(states[i]);
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
  data: InferenceData,
  metric: AggregateMetric<any, V>,
  options: { batchSize?: number } = {},
): Promise<V> {
  const { batchSize } = { batchSize: DEFAULTS.batchSize, ...options };
  checkNumber('batchSize', batchSize, { min: 1, integer: true });
  const adapter = asAdapter(model);
  const rng = new Rng(0);
  let state: tf.TensorContainer | undefined;
  try {
    for await (const b of inferenceBatches(data, batchSize)) {
      try {
        const logits = tf.tidy(() => adapter.forward(b.x, false, rng));
        try {
          state = metric.accumulate(state ?? metric.init(logits, b.y), logits, b.y);
        } finally {
          logits.dispose();
        }
      } finally {
        tf.dispose([b.x, b.y, ...(b.weight === undefined ? [] : [b.weight])]);
      }
    }
    if (state === undefined) throw new InvalidArgumentError('data', 'no batches', 'at least one example to evaluate');
    return await metric.result(state);
  } finally {
    if (state !== undefined) tf.dispose(state);
  }
}
