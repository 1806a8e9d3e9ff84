/**
 * Model ensembles (the course: "train multiple independent models; at test time average their
 * results"): the ensemble's prediction is the mean of the members' predicted probability
 * distributions, p̄ = (1/M) Σ_m softmax(s_m), and its class the argmax of p̄.
 *
 * Computed in log space: log p̄ = logsumexp_m(logSoftmax(s_m)) − log M, so no probability is rounded
 * to 0 before the logarithm. log p̄ is a valid logit vector (softmax(log p̄) = p̄), so the ensemble's
 * loss and accuracy are the ordinary softmax cross-entropy and accuracy of log p̄: a one-member
 * ensemble scores as the member does.
 *
 * By Jensen's inequality (−log is convex) the ensemble's cross-entropy is never above the mean of
 * its members'; its accuracy usually beats the members' mean but is not bound to.
 */
import * as tf from '@tensorflow/tfjs-core';
import { batches, type ArrayDataset } from '../data/dataset.js';
import { InvalidArgumentError, checkNumber } from '../errors.js';
import { Rng } from '../engine/rng.js';
import { softmaxCrossEntropy } from './losses.js';
import { accuracy } from './metrics.js';
import { adaptModel, type Model, type ModelAdapter } from './model.js';

/** Loss (cross-entropy of the averaged distribution) and accuracy (of its argmax). */
export interface EnsembleScore {
  loss: number;
  accuracy: number;
}

/** An ensemble's score, with each member's own score, in member order. */
export interface EnsembleEvaluation extends EnsembleScore {
  members: EnsembleScore[];
}

export interface EnsembleOptions {
  /** Batch size of the forward passes. Default 256. */
  batchSize?: number;
}

const DEFAULTS = { batchSize: 256 };

function checkMembers(members: readonly Model[]): ModelAdapter[] {
  if (!Array.isArray(members) || members.length === 0)
    throw new InvalidArgumentError('members', members, 'a non-empty array of models (tf.LayersModel or { params, apply })');
  return members.map((m) => adaptModel(m));
}

/** log((exp(a) + exp(b))), element-wise and stable. */
function logAddExp(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const m = tf.maximum(a, b);
    return tf.add(m, tf.log(tf.add(tf.exp(tf.sub(a, m)), tf.exp(tf.sub(b, m)))));
  });
}

/**
 * log p̄ for a batch: the log of the mean of the members' softmax distributions, [b, C].
 * Members run in inference mode (dropout off, batch-norm moving statistics).
 */
export function ensembleLogProbabilities(members: readonly Model[], x: tf.Tensor): tf.Tensor {
  const adapters = checkMembers(members);
  const rng = new Rng(0); // inference draws nothing; a throwaway generator for the interface
  return tf.tidy(() => {
    let acc: tf.Tensor | undefined;
    for (const a of adapters) {
      const ls = tf.logSoftmax(a.forward(x, false, rng));
      acc = acc === undefined ? ls : logAddExp(acc, ls);
    }
    return tf.sub(acc as tf.Tensor, Math.log(adapters.length));
  });
}

/**
 * The ensemble's predicted distribution for a batch: the mean of the members' softmax
 * probabilities, [b, C]. Its argmax (`tf.argMax(p, -1)`, or `ensembleClasses`) is the ensemble's class.
 *
 * @example
 * const p = ensemblePredict([modelA, modelB, modelC], x); // [b, 10], rows sum to 1
 */
export function ensemblePredict(members: readonly Model[], x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.exp(ensembleLogProbabilities(members, x)));
}

/**
 * The ensemble's class for each example of a batch: argmax of the averaged distribution, int32 [b].
 *
 * @example
 * const classes = await ensembleClasses([modelA, modelB], x).data();
 */
export function ensembleClasses(members: readonly Model[], x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.argMax(ensembleLogProbabilities(members, x), -1));
}

/**
 * Log-softmax of one model over every example of `data`, in order, [N, C] (inference mode). The
 * caller disposes it.
 */
export function predictLogProbabilities(model: Model | ModelAdapter, data: ArrayDataset, options: EnsembleOptions = {}): tf.Tensor {
  const { batchSize } = { ...DEFAULTS, ...options };
  checkNumber('batchSize', batchSize, { min: 1, integer: true });
  if (data.size === 0) throw new InvalidArgumentError('data.size', 0, 'at least one example');
  const adapter = 'lossAndGrads' in model ? model : adaptModel(model);
  const rng = new Rng(0);
  const parts: tf.Tensor[] = [];
  try {
    for (const b of batches(data, { batchSize, shuffle: false })) {
      parts.push(tf.tidy(() => tf.logSoftmax(adapter.forward(b.x, false, rng))));
      tf.dispose([b.x, b.y]);
    }
    return parts.length === 1 ? tf.clone(parts[0]) : tf.concat(parts, 0);
  } finally {
    tf.dispose(parts);
  }
}

function targetsOf(data: ArrayDataset): tf.Tensor {
  return tf.tensor(data.y, [data.size, ...data.yShape], data.y instanceof Int32Array ? 'int32' : 'float32');
}

/**
 * Scores an ensemble whose members are given as functions that each return their log-softmax over
 * every example of `data` ([N, C], the caller of the function owns it; `predictLogProbabilities`
 * makes one). Members are run one at a time, so only two [N, C] tensors live at once. This is the
 * route of `evaluateEnsemble` and of snapshot ensembles (whose members are one model with
 * different weights swapped in).
 */
export async function evaluateLogProbabilitySources(
  sources: ReadonlyArray<() => tf.Tensor | Promise<tf.Tensor>>,
  data: ArrayDataset,
): Promise<EnsembleEvaluation> {
  if (sources.length === 0) throw new InvalidArgumentError('members', 0, 'at least one member');
  const loss = softmaxCrossEntropy();
  const acc = accuracy();
  const y = targetsOf(data);
  let sum: tf.Tensor | undefined;
  const scores: tf.Tensor[] = [];
  try {
    for (const source of sources) {
      const ls = await source();
      scores.push(tf.tidy(() => tf.stack([loss(ls, y), acc.compute(ls, y)])));
      const next = sum === undefined ? ls : logAddExp(sum, ls);
      if (sum !== undefined) tf.dispose([sum, ls]);
      sum = next;
    }
    const s = sum as tf.Tensor;
    scores.push(
      tf.tidy(() => {
        const logMean = tf.sub(s, Math.log(sources.length));
        return tf.stack([loss(logMean, y), acc.compute(logMean, y)]);
      }),
    );
    const all = tf.stack(scores);
    const values = (await all.array()) as number[][];
    all.dispose();
    const [ensemble] = values.splice(-1);
    return { loss: ensemble[0], accuracy: ensemble[1], members: values.map(([l, a]) => ({ loss: l, accuracy: a })) };
  } finally {
    tf.dispose([y, ...scores, ...(sum === undefined ? [] : [sum])]);
  }
}

/**
 * Evaluates the ensemble of `members` on `data`: the softmax cross-entropy and the accuracy of the
 * averaged distribution, and each member's own (in inference mode). Targets are class indices or
 * probability rows, as in `fit`.
 *
 * @example
 * const { loss, accuracy, members } = await evaluateEnsemble([a, b, c], test);
 * console.log(accuracy, members.map((m) => m.accuracy));
 */
export async function evaluateEnsemble(
  members: readonly Model[],
  data: ArrayDataset,
  options: EnsembleOptions = {},
): Promise<EnsembleEvaluation> {
  const o = { ...DEFAULTS, ...options };
  checkNumber('batchSize', o.batchSize, { min: 1, integer: true });
  const adapters = checkMembers(members);
  return evaluateLogProbabilitySources(
    adapters.map((a) => () => predictLogProbabilities(a, data, o)),
    data,
  );
}
