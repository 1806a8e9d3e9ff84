/**
 * The confusion matrix, and the metrics read from it: macro precision, recall and F1 (as
 * scikit-learn's `average='macro'`). Accumulated over batches on the device as a [C, C] count
 * (rows: true class, columns: predicted class), read once at the end.
 *
 * Predicted class: the argmax of the logits; a model with one output per example ([b] or [b, 1])
 * is binary, class 1 when its logit is > 0 (probability > ½). True class: int32 labels as they
 * are, probability rows by argmax, one float target per example as 1 when > ½.
 */
import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError } from '../errors.js';
import type { AggregateMetric } from './metric.js';

/** True for a model with one output per example ([b] or [b, 1]): a binary classifier of its logit's sign. */
const isBinaryOutput = (logits: tf.Tensor): boolean => logits.rank <= 1 || logits.shape[logits.rank - 1] === 1;

/** The number of classes a model's outputs stand for: 2 for one output per example, else the last axis. */
const classCount = (logits: tf.Tensor): number => (isBinaryOutput(logits) ? 2 : logits.shape[logits.rank - 1]);

/**
 * True and predicted classes of a batch ([n] int32 each, owned by the caller) and the class count.
 *
 * @example
 * const { truth, predicted, numClasses } = batchClasses(tf.tensor2d([[2, 1]]), tf.tensor1d([1], 'int32')); // [1], [0], 2
 */
export function batchClasses(logits: tf.Tensor, targets: tf.Tensor): { truth: tf.Tensor; predicted: tf.Tensor; numClasses: number } {
  return tf.tidy(() => {
    const numClasses = classCount(logits);
    const binary = isBinaryOutput(logits);
    const predicted = binary ? tf.cast(tf.greater(logits, 0), 'int32') : tf.argMax(logits, -1);
    let truth: tf.Tensor;
    if (targets.dtype === 'int32') truth = targets;
    else if (!binary && tf.util.arraysEqual(targets.shape, logits.shape)) truth = tf.argMax(targets, -1);
    else if (binary) truth = tf.cast(tf.greater(targets, 0.5), 'int32');
    else truth = tf.cast(targets, 'int32');
    if (truth.size !== predicted.size)
      throw new InvalidArgumentError('targets', `[${targets.shape}]`, `one class (or probability row) per example of the logits [${logits.shape}]`);
    return { truth: tf.reshape(truth, [-1]), predicted: tf.reshape(predicted, [-1]), numClasses };
  });
}

/**
 * Counts of (true, predicted) class pairs of one batch: [C, C] float32 (exact below 2^24).
 *
 * @example
 * batchConfusion(tf.tensor2d([[2, 1], [0, 3]]), tf.tensor1d([1, 1], 'int32')); // [[0, 0], [1, 1]]
 */
export function batchConfusion(logits: tf.Tensor, targets: tf.Tensor): tf.Tensor {
  const { truth, predicted, numClasses } = batchClasses(logits, targets);
  return tf.tidy(() => {
    const t = tf.oneHot(truth, numClasses, 1, 0, 'float32');
    const p = tf.oneHot(predicted, numClasses, 1, 0, 'float32');
    tf.dispose([truth, predicted]);
    return tf.matMul(t, p, true, false);
  });
}

function confusionAggregate<V>(name: string, value: (matrix: number[][]) => V): AggregateMetric<tf.Tensor, V> {
  return {
    name,
    init: (logits) => tf.zeros([classCount(logits), classCount(logits)]),
    accumulate(state, logits, targets) {
      const batch = batchConfusion(logits, targets);
      const next = tf.add(state, batch);
      tf.dispose([state, batch]);
      return next;
    },
    async result(state) {
      return value((await state.array()) as number[][]);
    },
  };
}

/** Per-class and macro precision, recall and F1 of a confusion matrix. */
export interface ClassScores {
  /** Per class: tp / predicted (0 when nothing was predicted as it). */
  precision: number[];
  /** Per class: tp / actual (0 when it never occurs). */
  recall: number[];
  /** Per class: 2PR / (P + R) (0 when both are 0). */
  f1: number[];
  /** Classes that occur as truth or prediction: the ones the macro means average over. */
  present: boolean[];
  macroPrecision: number;
  macroRecall: number;
  macroF1: number;
}

/**
 * Precision, recall and F1 per class and their unweighted (macro) means over the classes that occur
 * in the truth or the predictions — scikit-learn's `average='macro'` with its default for an
 * undefined ratio (0, with a warning there). A matrix of all zeros gives NaN means.
 *
 * @example
 * classScores([[3, 1], [0, 2]]).macroF1; // (6/7 + 4/5) / 2
 */
export function classScores(matrix: readonly (readonly number[])[]): ClassScores {
  const c = matrix.length;
  const ratio = (a: number, b: number): number => (b === 0 ? 0 : a / b);
  const actual = matrix.map((row) => row.reduce((s, v) => s + v, 0));
  const predicted = Array.from({ length: c }, (_, j) => matrix.reduce((s, row) => s + row[j], 0));
  const precision = matrix.map((row, i) => ratio(row[i], predicted[i]));
  const recall = matrix.map((row, i) => ratio(row[i], actual[i]));
  const f1 = precision.map((p, i) => ratio(2 * p * recall[i], p + recall[i]));
  const present = actual.map((a, i) => a + predicted[i] > 0);
  const macro = (v: number[]): number => {
    const kept = v.filter((_, i) => present[i]);
    return kept.length === 0 ? Number.NaN : kept.reduce((s, x) => s + x, 0) / kept.length;
  };
  return { precision, recall, f1, present, macroPrecision: macro(precision), macroRecall: macro(recall), macroF1: macro(f1) };
}

/**
 * The confusion matrix, rows = true class, columns = predicted class (scikit-learn's
 * `confusion_matrix(y_true, y_pred)` with every class listed); its value is a matrix, so read it
 * with `evaluateMetric`, not through `evaluate`'s logs.
 *
 * @example
 * const m = await evaluateMetric(model, test, confusionMatrix()); // number[][], m[i][j] = #(true i, predicted j)
 */
export function confusionMatrix(): AggregateMetric<tf.Tensor, number[][]> {
  return confusionAggregate('confusionMatrix', (m) => m);
}

/**
 * Macro precision: the mean over classes of tp / (tp + fp) (scikit-learn's
 * `precision_score(average='macro')`; a class never predicted counts 0). Logged as 'precision'.
 *
 * @example
 * await evaluate(model, test, { metrics: ['accuracy', precision()] });
 */
export function precision(): AggregateMetric<tf.Tensor, number> {
  return confusionAggregate('precision', (m) => classScores(m).macroPrecision);
}

/**
 * Macro recall: the mean over classes of tp / (tp + fn) (`recall_score(average='macro')`, the
 * balanced accuracy when every class occurs). Logged as 'recall'.
 *
 * @example
 * await evaluate(model, test, { metrics: [recall()] });
 */
export function recall(): AggregateMetric<tf.Tensor, number> {
  return confusionAggregate('recall', (m) => classScores(m).macroRecall);
}

/**
 * Macro F1: the mean over classes of each class's 2PR / (P + R) (`f1_score(average='macro')`; not
 * the F1 of the macro precision and recall). Logged as 'f1'.
 *
 * @example
 * await evaluate(model, test, { metrics: ['f1'] });
 */
export function f1(): AggregateMetric<tf.Tensor, number> {
  return confusionAggregate('f1', (m) => classScores(m).macroF1);
}
