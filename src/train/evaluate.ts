/** Evaluation of a model on a dataset: mean loss and metrics, one host read at the end. */
import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, checkNumber } from '../errors.js';
import { checkTrainData, epochBatches, type TrainData } from './batch-stream.js';
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
 * The result has keys 'loss' and each metric's name. `data` is an ArrayDataset, a BatchSource
 * (one unshuffled stream, epoch 0) or an (async) iterable of batches (iterated once; its
 * batches' size is theirs, not `batchSize`); every batch is disposed after use.
 *
 * @example
 * const { loss, accuracy } = await evaluate(model, test, { metrics: ['accuracy'] });
 */
export async function evaluate(model: Model | ModelAdapter, data: TrainData, options: EvaluateOptions = {}): Promise<Logs> {
  const o = { ...DEFAULTS, ...options };
  checkNumber('batchSize', o.batchSize, { min: 1, integer: true });
  checkTrainData('data', data);
  const adapter = 'lossAndGrads' in model ? model : adaptModel(model);
  return evaluateWith(adapter, data, o.batchSize, resolveLoss(o.loss), o.metrics.map(resolveMetric));
}

/** `evaluate` with resolved loss and metrics (the loop's route). */
export async function evaluateWith(
  model: ModelAdapter,
  data: TrainData,
  batchSize: number,
  loss: Loss,
  metrics: readonly Metric[],
  option = 'data',
): Promise<Logs> {
  // Evaluation must not advance the training generator: a throwaway one for functional models
  // that draw in inference mode anyway.
  const rng = new Rng(0);
  let sums = tf.zeros([1 + metrics.length]);
  let examples = 0;
  const request = { batchSize, shuffle: false, seed: 0, epoch: 0, startBatch: 0, dropRemainder: false };
  try {
    for await (const b of epochBatches(data, request, option)) {
      try {
        const next = tf.tidy(() => {
          const logits = model.forward(b.x, false, rng);
          const values = [loss(logits, b.y), ...metrics.map((m) => m.compute(logits, b.y))];
          return tf.add(sums, tf.mul(tf.stack(values), b.size));
        });
        sums.dispose();
        sums = next;
        examples += b.size;
      } finally {
        tf.dispose([b.x, b.y, b.weight ?? []]);
      }
    }
    if (examples === 0) throw new InvalidArgumentError(option, 'a source that gave no example', 'at least one example to evaluate on');
    const totals = await sums.data();
    const logs: Logs = {};
    ['loss', ...metrics.map((m) => m.name)].forEach((name, i) => (logs[name] = totals[i] / examples));
    return logs;
  } finally {
    sums.dispose();
  }
}
