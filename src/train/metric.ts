/**
 * The two metric contracts (see metrics.ts for what each is for): a mean-style `Metric`, and an
 * accumulating `AggregateMetric`, with the predicates that tell them apart. A module of their own,
 * so that metrics.ts, aggregate-metric.ts, confusion.ts and auc.ts import it and not each other.
 */
import type * as tf from '@tensorflow/tfjs-core';

/** A mean of a per-example value over a batch: the loop sums mean × batch size on the device. */
export interface Metric {
  /** The key it is logged under ('accuracy', 'top5'; validation adds the prefix 'val_'). */
  readonly name: string;
  /** Mean over the batch, a scalar tensor (no host sync). */
  compute(logits: tf.Tensor, targets: tf.Tensor): tf.Scalar;
}

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
 * True for a mean-style Metric (one with `compute`).
 *
 * @example
 * isMeanMetric(accuracy()); // true; isMeanMetric(f1()) is false
 */
export function isMeanMetric(m: Metric | AggregateMetric): m is Metric {
  return typeof (m as Metric).compute === 'function';
}
