/** The weighted batch mean every trainkit loss reduces with. */
import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError } from '../errors.js';

/**
 * Σ w_i·l_i / Σ w_i over a batch of per-example values l [b] and weights w [b]; the plain mean
 * without weights. The normalisation of `torch.nn.CrossEntropyLoss(weight=...)`: scaling every
 * weight by a constant leaves the loss unchanged. A batch whose weights sum to 0 gives NaN (as torch).
 *
 * @example
 * weightedMean(tf.tensor1d([1, 3]), tf.tensor1d([3, 1])); // (3 + 3) / 4 = 1.5
 */
export function weightedMean(values: tf.Tensor, weights?: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    if (weights === undefined) return tf.mean(values) as tf.Scalar;
    if (!tf.util.arraysEqual(weights.shape, [values.shape[0]]))
      throw new InvalidArgumentError('weights', `[${weights.shape}]`, `one weight per example, shape [${values.shape[0]}]`);
    return tf.div(tf.sum(tf.mul(values, weights)), tf.sum(weights)) as tf.Scalar;
  });
}
