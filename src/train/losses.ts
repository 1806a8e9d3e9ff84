/**
 * Losses of the course, each a function `(logits, targets, weights?) => mean loss over the batch`
 * (a scalar tensor, no host sync). Class targets are int32 indices [b] (hard labels) or float32
 * probability vectors [b, C] (soft labels, e.g. from mixup). All softmax losses go through
 * `tf.logSoftmax`, which subtracts the row maximum first, so large logits never overflow (on cpu
 * and wasm, softmax cross-entropy on class labels is one fused kernel that does the same per row).
 *
 * Weights: with per-example weights w [b] the loss is the weighted mean Σ w_i·l_i / Σ w_i, the
 * normalisation of `torch.nn.CrossEntropyLoss(weight=...)` (which divides by the summed weights of
 * the batch's targets) — so a constant weight changes nothing. Element-wise losses (mse, l1, huber,
 * binary cross-entropy) first average over each example's elements.
 */
import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, checkNumber } from '../errors.js';
import { weightedMean } from './weighted-mean.js';
import { fusedSoftmaxCrossEntropy } from '../engine/kernels/softmax_cross_entropy.js';

/**
 * A loss: the mean over the batch of a per-example loss, as a scalar tensor; with `weights` ([b],
 * float32) the weighted mean Σ w_i·l_i / Σ w_i (see `weightedMean`). A custom loss that ignores
 * its third argument ignores per-example and class weights.
 */
export type Loss = (logits: tf.Tensor, targets: tf.Tensor, weights?: tf.Tensor) => tf.Scalar;

/** Named losses `fit` accepts instead of a function. */
export type LossName = 'softmaxCrossEntropy' | 'hinge' | 'mse' | 'l1' | 'huber' | 'binaryCrossEntropy';

const LOSS_NAMES: readonly LossName[] = ['softmaxCrossEntropy', 'hinge', 'mse', 'l1', 'huber', 'binaryCrossEntropy'];

/**
 * Class targets as float32 probability rows [b, C]: int32 indices become one-hot rows, float rows
 * pass through (their shape must match the logits).
 */
export function targetProbabilities(logits: tf.Tensor, targets: tf.Tensor): tf.Tensor {
  const numClasses = logits.shape[logits.rank - 1];
  if (targets.dtype === 'int32') {
    if (targets.rank !== logits.rank - 1)
      throw new InvalidArgumentError('targets', `int32 [${targets.shape}]`, `class indices of shape [${logits.shape.slice(0, -1)}]`);
    return tf.cast(tf.oneHot(targets, numClasses), 'float32');
  }
  if (!tf.util.arraysEqual(targets.shape, logits.shape))
    throw new InvalidArgumentError('targets', `float [${targets.shape}]`, `probability rows of shape [${logits.shape}]`);
  return targets;
}

export interface CrossEntropyOptions {
  /** ε in [0, 1): targets become (1 − ε)·y + ε/C (Szegedy et al. 2016). Default 0. */
  labelSmoothing?: number;
}

/**
 * Softmax cross-entropy, L = −Σ_c y_c · log softmax(s)_c, averaged over the batch; y is one-hot
 * (int32 labels) or a probability row (soft labels), optionally smoothed. Equals
 * `torch.nn.CrossEntropyLoss(label_smoothing=ε)` for both label kinds.
 *
 * @example
 * const loss = softmaxCrossEntropy({ labelSmoothing: 0.1 });
 * loss(tf.tensor2d([[2, 0, 0]]), tf.tensor1d([0], 'int32')); // ≈ 0.3729 (as torch)
 */
export function softmaxCrossEntropy(options: CrossEntropyOptions = {}): Loss {
  const { labelSmoothing } = { labelSmoothing: 0, ...options };
  checkNumber('labelSmoothing', labelSmoothing, { min: 0, max: 1, maxExclusive: true });
  return (logits, targets, weights) =>
    tf.tidy(() => {
      // Class labels on cpu / wasm: one kernel forward and one backward (engine's fusedSoftmaxCrossEntropy).
      const fused = targets.dtype === 'int32' && targets.rank === logits.rank - 1 ? fusedSoftmaxCrossEntropy(logits, targets, labelSmoothing) : undefined;
      if (fused !== undefined) return weightedMean(fused, weights);
      let y = targetProbabilities(logits, targets);
      if (labelSmoothing > 0) {
        const c = logits.shape[logits.rank - 1];
        y = tf.add(tf.mul(y, 1 - labelSmoothing), labelSmoothing / c);
      }
      const perExample = tf.neg(tf.sum(tf.mul(y, tf.logSoftmax(logits)), -1));
      return weightedMean(perExample, weights);
    });
}

export interface HingeOptions {
  /** Δ > 0, the margin the correct class must win by. Default 1 (the course's value). */
  margin?: number;
}

/**
 * Multiclass SVM hinge loss (Weston & Watkins; the course's loss):
 * L_i = Σ_{j ≠ y_i} max(0, s_j − s_{y_i} + Δ), averaged over the batch. Hard (int32) labels only.
 *
 * @example
 * hinge()(tf.tensor2d([[3.2, 5.1, -1.7]]), tf.tensor1d([0], 'int32')); // 2.9
 */
export function hinge(options: HingeOptions = {}): Loss {
  const { margin } = { margin: 1, ...options };
  checkNumber('margin', margin, { min: 0, minExclusive: true });
  return (scores, targets, weights) =>
    tf.tidy(() => {
      if (targets.dtype !== 'int32')
        throw new InvalidArgumentError('targets', `${targets.dtype} [${targets.shape}]`, 'int32 class indices (hinge takes hard labels)');
      const y = targetProbabilities(scores, targets);
      const correct = tf.sum(tf.mul(scores, y), -1, true);
      const margins = tf.mul(tf.relu(tf.add(tf.sub(scores, correct), margin)), tf.sub(1, y));
      return weightedMean(tf.sum(margins, -1), weights);
    });
}

/** Checks that a prediction and its targets have the same shape; returns the targets as float32. */
function sameShapeTargets(pred: tf.Tensor, targets: tf.Tensor): tf.Tensor {
  if (!tf.util.arraysEqual(pred.shape, targets.shape))
    throw new InvalidArgumentError('targets', `[${targets.shape}]`, `the prediction's shape [${pred.shape}]`);
  return tf.cast(targets, 'float32');
}

/** An element-wise loss: the mean over each example's elements, then the (weighted) batch mean. */
function elementwise(perElement: (pred: tf.Tensor, y: tf.Tensor) => tf.Tensor): Loss {
  return (pred, targets, weights) =>
    tf.tidy(() => {
      const l = perElement(pred, sameShapeTargets(pred, targets));
      const perExample = l.rank <= 1 ? l : tf.mean(l, Array.from({ length: l.rank - 1 }, (_, i) => i + 1));
      return weightedMean(perExample, weights);
    });
}

/**
 * Mean squared error over every element, mean((ŷ − y)²) (torch.nn.MSELoss, reduction 'mean').
 *
 * @example
 * mse()(tf.tensor1d([1, 2]), tf.tensor1d([0, 0])); // 2.5
 */
export function mse(): Loss {
  return elementwise((pred, y) => tf.square(tf.sub(pred, y)));
}

/**
 * Mean absolute error over every element, mean(|ŷ − y|) (torch.nn.L1Loss, reduction 'mean'):
 * robust to outliers, a constant gradient ±1 away from the target.
 *
 * @example
 * l1()(tf.tensor1d([1, -2]), tf.tensor1d([0, 0])); // 1.5
 */
export function l1(): Loss {
  return elementwise((pred, y) => tf.abs(tf.sub(pred, y)));
}

export interface HuberOptions {
  /** δ > 0: quadratic for |ŷ − y| ≤ δ, linear beyond. Default 1 (torch's). */
  delta?: number;
}

/**
 * Huber loss (Huber 1964; torch.nn.HuberLoss): with d = |ŷ − y|, ½d² for d ≤ δ and
 * δ·(d − ½δ) beyond, averaged over every element. Like MSE near the target, like δ·L1 far from it.
 *
 * @example
 * huber()(tf.tensor1d([0.5, 3]), tf.tensor1d([0, 0])); // (0.125 + 2.5) / 2 = 1.3125
 */
export function huber(options: HuberOptions = {}): Loss {
  const { delta } = { delta: 1, ...options };
  checkNumber('delta', delta, { min: 0, minExclusive: true });
  return elementwise((pred, y) => {
    const d = tf.abs(tf.sub(pred, y));
    const quadratic = tf.minimum(d, delta); // the part of d inside the quadratic zone
    return tf.add(tf.mul(0.5, tf.square(quadratic)), tf.mul(delta, tf.sub(d, quadratic)));
  });
}

export interface BinaryCrossEntropyOptions {
  /**
   * p > 0, the weight of the positive term (torch's `pos_weight`): p > 1 raises recall, p < 1
   * precision; #negatives / #positives balances the classes. A number, or one per output column.
   * Default 1.
   */
  posWeight?: number | readonly number[];
}

/**
 * Binary cross-entropy on logits (torch.nn.BCEWithLogitsLoss): for a logit s and a target
 * y ∈ [0, 1], l = −[p·y·log σ(s) + (1 − y)·log(1 − σ(s))], averaged over every element. Computed
 * as (1 − y)·s + (1 + (p − 1)·y)·softplus(−s) (torch's formula) with a stable softplus, so no
 * logit overflows; the gradient with respect to s is (σ(s) − y) / n for p = 1. Logits and targets have the same shape ([b] or [b, k]
 * for k independent labels).
 *
 * @example
 * binaryCrossEntropy()(tf.tensor1d([0]), tf.tensor1d([1])); // log 2 ≈ 0.6931
 */
export function binaryCrossEntropy(options: BinaryCrossEntropyOptions = {}): Loss {
  const { posWeight } = { posWeight: 1 as number | readonly number[], ...options };
  const weights = typeof posWeight === 'number' ? [posWeight] : posWeight;
  if (!Array.isArray(weights) || weights.length === 0)
    throw new InvalidArgumentError('posWeight', posWeight, 'a number > 0 or a non-empty array of them');
  weights.forEach((w, i) => checkNumber(typeof posWeight === 'number' ? 'posWeight' : `posWeight[${i}]`, w, { min: 0, minExclusive: true }));
  return elementwise((s, y) => {
    // softplus(−s) = −log σ(s): TensorFlow.js's kernel is stable for any s and its gradient is
    // −σ(−s) everywhere (max(−s, 0) + log1p(e^−|s|) has the same value but a zero gradient at s = 0).
    const softplusNeg = tf.softplus(tf.neg(s));
    if (typeof posWeight !== 'number' && s.shape[s.rank - 1] !== weights.length)
      throw new InvalidArgumentError('posWeight', posWeight, `one weight per output column (${s.shape[s.rank - 1]})`);
    const p = typeof posWeight === 'number' ? posWeight : tf.tensor1d(weights as number[]);
    const logWeight = tf.add(1, tf.mul(tf.sub(p, 1), y));
    return tf.add(tf.mul(tf.sub(1, y), s), tf.mul(logWeight, softplusNeg));
  });
}

/**
 * A loss given by name or as a function, resolved once ('huber' and 'binaryCrossEntropy' with
 * their defaults).
 */
export function resolveLoss(loss: Loss | LossName): Loss {
  if (typeof loss === 'function') return loss;
  if (loss === 'softmaxCrossEntropy') return softmaxCrossEntropy();
  if (loss === 'hinge') return hinge();
  if (loss === 'mse') return mse();
  if (loss === 'l1') return l1();
  if (loss === 'huber') return huber();
  if (loss === 'binaryCrossEntropy') return binaryCrossEntropy();
  throw new InvalidArgumentError('loss', loss, `a loss function or one of ${LOSS_NAMES.map((n) => `'${n}'`).join(', ')}`);
}
