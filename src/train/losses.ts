/**
 * Losses of the course, each a function `(logits, targets) => mean loss over the batch` (a scalar
 * tensor, no host sync). Class targets are int32 indices [b] (hard labels) or float32 probability
 * vectors [b, C] (soft labels, e.g. from mixup). All softmax losses go through `tf.logSoftmax`,
 * which subtracts the row maximum first, so large logits never overflow.
 */
import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, checkNumber } from '../errors.js';

/** A loss: mean over the batch of a per-example loss, as a scalar tensor. */
export type Loss = (logits: tf.Tensor, targets: tf.Tensor) => tf.Scalar;

/** Named losses `fit` accepts instead of a function. */
export type LossName = 'softmaxCrossEntropy' | 'hinge' | 'mse';

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
  return (logits, targets) =>
    tf.tidy(() => {
      let y = targetProbabilities(logits, targets);
      if (labelSmoothing > 0) {
        const c = logits.shape[logits.rank - 1];
        y = tf.add(tf.mul(y, 1 - labelSmoothing), labelSmoothing / c);
      }
      const perExample = tf.neg(tf.sum(tf.mul(y, tf.logSoftmax(logits)), -1));
      return tf.mean(perExample) as tf.Scalar;
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
  return (scores, targets) =>
    tf.tidy(() => {
      if (targets.dtype !== 'int32')
        throw new InvalidArgumentError('targets', `${targets.dtype} [${targets.shape}]`, 'int32 class indices (hinge takes hard labels)');
      const y = targetProbabilities(scores, targets);
      const correct = tf.sum(tf.mul(scores, y), -1, true);
      const margins = tf.mul(tf.relu(tf.add(tf.sub(scores, correct), margin)), tf.sub(1, y));
      return tf.mean(tf.sum(margins, -1)) as tf.Scalar;
    });
}

/**
 * Mean squared error over every element, mean((ŷ − y)²) (torch.nn.MSELoss, reduction 'mean').
 *
 * @example
 * mse()(tf.tensor1d([1, 2]), tf.tensor1d([0, 0])); // 2.5
 */
export function mse(): Loss {
  return (pred, targets) =>
    tf.tidy(() => {
      if (!tf.util.arraysEqual(pred.shape, targets.shape))
        throw new InvalidArgumentError('targets', `[${targets.shape}]`, `the prediction's shape [${pred.shape}]`);
      return tf.mean(tf.square(tf.sub(pred, tf.cast(targets, 'float32')))) as tf.Scalar;
    });
}

/** A loss given by name or as a function, resolved once. */
export function resolveLoss(loss: Loss | LossName): Loss {
  if (typeof loss === 'function') return loss;
  if (loss === 'softmaxCrossEntropy') return softmaxCrossEntropy();
  if (loss === 'hinge') return hinge();
  if (loss === 'mse') return mse();
  throw new InvalidArgumentError('loss', loss, "a loss function or one of 'softmaxCrossEntropy', 'hinge', 'mse'");
}
