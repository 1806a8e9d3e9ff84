/**
 * Binary ROC AUC: the area under the ROC curve of a score that ranks positives above negatives,
 * equal to the probability that a random positive outscores a random negative, ties counting ½
 * (the Mann–Whitney statistic). Accumulated as the scores and labels of every batch, kept on the
 * device until the end, where they are read once and ranked on the host in float64.
 */
import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError } from '../errors.js';
import type { AggregateMetric } from './metric.js';

/**
 * Area under the ROC curve of `scores` for 0/1 `labels` (positive: 1). Tied scores form one step of
 * the curve (a diagonal segment), as in scikit-learn's `roc_auc_score`. NaN when the labels hold
 * only one class (scikit-learn raises).
 *
 * @example
 * rocAuc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]); // 0.75
 */
export function rocAuc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  if (scores.length !== labels.length)
    throw new InvalidArgumentError('labels.length', labels.length, `one label per score (${scores.length})`);
  const order = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[b] - scores[a]);
  let positives = 0;
  for (let i = 0; i < labels.length; i++) positives += labels[i] === 1 ? 1 : 0;
  const negatives = labels.length - positives;
  if (positives === 0 || negatives === 0) return Number.NaN;
  let tp = 0;
  let fp = 0;
  let area = 0;
  for (let k = 0; k < order.length; ) {
    const [tp0, fp0] = [tp, fp];
    const s = scores[order[k]];
    for (; k < order.length && scores[order[k]] === s; k++) labels[order[k]] === 1 ? tp++ : fp++;
    area += ((fp - fp0) * (tp + tp0)) / 2; // trapezoid over this threshold's step
  }
  return area / (positives * negatives);
}

/** One score per example: the logit of a one-output model, logit₁ − logit₀ of a two-class one. */
function binaryScores(logits: tf.Tensor): tf.Tensor {
  const last = logits.rank === 0 ? 1 : logits.shape[logits.rank - 1];
  if (logits.rank <= 1 || last === 1) return tf.reshape(logits, [-1]);
  if (last === 2) {
    const [l0, l1] = tf.split(logits, 2, -1);
    return tf.reshape(tf.sub(l1, l0), [-1]);
  }
  throw new InvalidArgumentError('logits', `[${logits.shape}]`, 'one logit per example ([b] or [b, 1]) or two ([b, 2]) for a binary AUC');
}

/** 1 for a positive example, 0 otherwise: int32 labels equal to 1, float targets > ½, probability rows by argmax. */
function binaryLabels(logits: tf.Tensor, targets: tf.Tensor): tf.Tensor {
  if (targets.dtype === 'int32') return tf.cast(tf.equal(tf.reshape(targets, [-1]), 1), 'float32');
  if (targets.rank >= 2 && targets.shape[targets.rank - 1] === 2 && tf.util.arraysEqual(targets.shape, logits.shape))
    return tf.cast(tf.argMax(targets, -1), 'float32');
  return tf.cast(tf.greater(tf.reshape(targets, [-1]), 0.5), 'float32');
}

/** The scores and labels of every batch so far ([b] float32 each, in batch order). */
export type AucState = { scores: tf.Tensor[]; labels: tf.Tensor[] };

/**
 * Binary ROC AUC over every example (`roc_auc_score`, ties as scikit-learn); a metric of the whole
 * set, so it accumulates. The score is the model's logit (one output) or logit₁ − logit₀ (two
 * outputs): monotone in the predicted probability, so the AUC is that of the probabilities.
 * Logged as 'auc'.
 *
 * @example
 * const { auc } = await evaluate(model, test, { loss: 'binaryCrossEntropy', metrics: ['auc'] });
 */
export function auc(): AggregateMetric<AucState, number> {
  return {
    name: 'auc',
    init: () => ({ scores: [], labels: [] }),
    accumulate(state, logits, targets) {
      const [scores, labels] = tf.tidy(() => [binaryScores(logits), binaryLabels(logits, targets)]);
      if (scores.size !== labels.size) {
        tf.dispose([scores, labels]);
        throw new InvalidArgumentError('targets', `[${targets.shape}]`, `one label per example of the logits [${logits.shape}]`);
      }
      return { scores: [...state.scores, scores], labels: [...state.labels, labels] };
    },
    async result(state) {
      if (state.scores.length === 0) return Number.NaN;
      const both = tf.tidy(() => tf.stack([tf.concat(state.scores), tf.concat(state.labels)]));
      const values = await both.data();
      both.dispose();
      const n = values.length / 2;
      return rocAuc(values.subarray(0, n), values.subarray(n));
    },
  };
}
