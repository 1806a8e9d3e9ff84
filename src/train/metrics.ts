/**
 * Metrics of two kinds:
 * - a mean-style `Metric` computes the mean of a per-example value over a batch, as a scalar
 *   tensor, so the loop can sum them on the device (mean × batch size) and read the total once per
 *   epoch (accuracy, top-k);
 * - an `AggregateMetric` is not a mean of per-example values (precision, recall, F1, AUC): it
 *   folds each batch into a state that stays on the device (a confusion matrix, the scores seen)
 *   and computes its value from the whole state at the end (aggregate-metric.ts; confusion.ts, auc.ts).
 * `evaluate` and fit's validation take both; fit's training batches report the mean-style ones only.
 */
import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, checkNumber } from '../errors.js';
import { type AggregateMetric, type Metric, isAggregateMetric, isMeanMetric } from './metric.js';

export { isMeanMetric, type Metric } from './metric.js';
import { f1, precision, recall } from './confusion.js';
import { auc } from './auc.js';

/** Named metrics `fit` and `evaluate` accept instead of objects ('precision', 'recall', 'f1': macro over classes; 'auc': binary ROC AUC). */
export type MetricName = 'accuracy' | 'precision' | 'recall' | 'f1' | 'auc';

/** The class index of each target: int32 labels as they are, probability rows by argmax. */
function targetClasses(targets: tf.Tensor): tf.Tensor {
  return targets.dtype === 'int32' ? targets : tf.argMax(targets, -1);
}

/**
 * Fraction of examples whose largest logit is the target class (soft targets: their argmax).
 *
 * @example
 * accuracy().compute(tf.tensor2d([[1, 2], [3, 0]]), tf.tensor1d([1, 1], 'int32')); // 0.5
 */
export function accuracy(): Metric {
  return {
    name: 'accuracy',
    compute: (logits, targets) =>
      tf.tidy(() => tf.mean(tf.cast(tf.equal(tf.argMax(logits, -1), targetClasses(targets)), 'float32')) as tf.Scalar),
  };
}

/**
 * Fraction of examples whose target class is among the k largest logits. Ties count in the
 * example's favour: the target is in the top k when fewer than k classes score strictly higher.
 * Logged as `top${k}`.
 *
 * @example
 * topKAccuracy(2).compute(tf.tensor2d([[3, 2, 1]]), tf.tensor1d([1], 'int32')); // 1
 */
export function topKAccuracy(k: number): Metric {
  checkNumber('k', k, { min: 1, integer: true });
  return {
    name: `top${k}`,
    compute: (logits, targets) =>
      tf.tidy(() => {
        const c = logits.shape[logits.rank - 1];
        const onehot = tf.oneHot(targetClasses(targets), c);
        const correct = tf.sum(tf.mul(logits, tf.cast(onehot, logits.dtype)), -1, true);
        const higher = tf.sum(tf.cast(tf.greater(logits, correct), 'float32'), -1);
        return tf.mean(tf.cast(tf.less(higher, k), 'float32')) as tf.Scalar;
      }),
  };
}

/** A metric given by name or as an object, resolved once. */
export function resolveMetric(metric: Metric | AggregateMetric | MetricName): Metric | AggregateMetric {
  if (metric === 'accuracy') return accuracy();
  if (metric === 'precision') return precision();
  if (metric === 'recall') return recall();
  if (metric === 'f1') return f1();
  if (metric === 'auc') return auc();
  if (metric !== null && typeof metric === 'object' && typeof metric.name === 'string' && (isMeanMetric(metric) || isAggregateMetric(metric)))
    return metric;
  throw new InvalidArgumentError(
    'metric',
    metric,
    "'accuracy', 'precision', 'recall', 'f1', 'auc', a Metric { name, compute } or an AggregateMetric { name, init, accumulate, result }",
  );
}
