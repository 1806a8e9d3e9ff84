/** LARS/LAMB's layer-wise trust ratio: scale each update to the size of its parameter. */
import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError } from '../errors.js';
import { EMPTY_STATE, type EmptyState, type GradientTransformation } from './transform.js';
import { mapLeaf } from './leafwise.js';
import { l2Norm } from '../tree/ops.js';

/**
 * Multiplies each leaf's update u by ‖θ‖ / ‖u‖ (L2 norms of that leaf, i.e. per layer), or by 1
 * when either norm is 0 (You et al. 2019, "Large Batch Optimization for Deep Learning: Training
 * BERT in 76 minutes", φ = identity). Computed on the device, no sync. Needs the params.
 *
 * @example
 * const lamb = chain(scaleByAdam({ eps: 1e-6 }), addDecayedWeights(0.01), scaleByTrustRatio(), scaleByLearningRate(1e-3));
 */
export function scaleByTrustRatio(): GradientTransformation<EmptyState> {
  return {
    init: () => EMPTY_STATE,
    update(updates, state, params) {
      if (params === undefined)
        throw new InvalidArgumentError('params', params, 'the parameters (scaleByTrustRatio needs them in update)');
      const scaled = mapLeaf(
        (u, p) => {
          const pNorm = l2Norm(p);
          const uNorm = l2Norm(u);
          const zero = tf.logicalOr(tf.equal(pNorm, 0), tf.equal(uNorm, 0));
          return tf.mul(u, tf.where(zero, tf.onesLike(pNorm), tf.div(pNorm, uNorm)));
        },
        updates,
        params,
      );
      return [scaled, state];
    },
  };
}
