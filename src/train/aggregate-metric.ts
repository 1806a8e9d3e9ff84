/**
 * The accumulating metric: for values that are not means of per-example values (precision,
 * recall, F1, AUC), the contract `evaluate` and fit's validation fold batches through —
 * Keras's `update_state`/`result`, but pure: `accumulate` returns the next state instead of
 * mutating a variable.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Metric } from './metrics.js';

/**
 * A metric computed from state accumulated over batches. The loop calls
 * `state = init(logits, targets)` on the first batch's outputs (their shape fixes e.g. the class
 * count), then `state = accumulate(state, logits, targets)` for every batch (the first included),
 * and `await result(state)` once at the end; then it disposes the state (`tf.dispose(state)`).
 *
 * Contract: `accumulate` takes ownership of the state it is given (it disposes or carries over
 * every tensor in it) and returns the next state; it never reads from the device. `result` reads
 * the state (one transfer where possible) and does not dispose it. V is the value: a number for
 * what `evaluate` logs, a matrix for `confusionMatrix()` (read with `evaluateMetric`).
 */
export interface AggregateMetric<S extends tf.TensorContainer = any, V = number> {
  /** The key it is logged under (validation adds the prefix 'val_'). */
  readonly name: string;
  init(logits: tf.Tensor, targets: tf.Tensor): S;
  accumulate(state: S, logits: tf.Tensor, targets: tf.Tensor): S;
  result(state: S): Promise<V>;
}

/**
 * True for an AggregateMetric (an object with `init`, `accumulate` and `result`).
 *
 * @example
 * isAggregateMetric(f1()); // true; isAggregateMetric(accuracy()) is false
 */
export function isAggregateMetric(m: unknown): m is AggregateMetric<tf.TensorContainer, unknown> {
  if (m === null || typeof m !== 'object') return false;
  const a = m as AggregateMetric;
  return typeof a.init === 'function' && typeof a.accumulate === 'function' && typeof a.result === 'function';
}

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
