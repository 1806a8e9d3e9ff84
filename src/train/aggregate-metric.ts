/**
 * The accumulating metric: for values that are not means of per-example values (precision,
 * recall, F1, AUC), the contract `evaluate` and fit's validation fold batches through —
 * Keras's `update_state`/`result`, but pure: `accumulate` returns the next state instead of
 * mutating a variable.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { AggregateMetric, Metric } from './metric.js';

export { isAggregateMetric, type AggregateMetric } from './metric.js';

/**
 * A mean-style Metric as an AggregateMetric: the state is [Σ batch mean × batch size, examples],
 * the result their ratio (what `evaluate` reports for it).
 *
 * @example
 * const m = meanAggregate(accuracy());   // the same number as accuracy() through evaluate
 */
export function meanAggregate(metric: Metric): AggregateMetric<tf.Tensor, number> {
  return {
    name: metric.name,
    init: () => tf.zeros([2]),
    accumulate(state, logits, targets) {
      const next = tf.tidy(() => {
        const n = logits.shape[0] ?? 1;
        return tf.add(state, tf.stack([tf.mul(metric.compute(logits, targets), n), tf.scalar(n)]));
      });
      state.dispose();
      return next;
    },
    async result(state) {
      const [sum, n] = await state.data();
      return sum / n;
    },
  };
}
