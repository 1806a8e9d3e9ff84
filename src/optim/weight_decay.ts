/** Weight decay: add wd·θ to the updates. */
import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError } from '../errors.js';
import type { ScalarOrSchedule } from './hyperparameter.js';
import type { GradientTransformation } from './transform.js';
import { hyperparameter, RANGES } from './hyperparameter.js';
import { mapLeaf, withScalars } from './leafwise.js';
import { type Mask, masked } from './masked.js';
import type { CountState } from './scale.js';
import { fusedDecay } from '../engine/kernels/fused_decay.js';

/**
 * Adds `weightDecay`·θ to every update. Where it sits in a chain decides which weight decay it is:
 * - first, before the preconditioner: coupled L2 regularisation (the gradient of ½·wd·‖θ‖²), what
 *   `weight_decay` means in torch.optim.SGD / Adam: `chain(addDecayedWeights(wd), scaleByAdam(), …)`;
 * - after it, just before the learning rate: decoupled weight decay, θ ← θ − lr·wd·θ (Loshchilov &
 *   Hutter 2019, AdamW): `chain(scaleByAdam(), addDecayedWeights(wd), scaleByLearningRate(lr))`.
 * `mask` limits it to some leaves (see `masked`, `decayMask`). Needs the params in `update`.
 *
 * @example
 * const tx = chain(scaleByAdam(), addDecayedWeights(0.01, { mask: decayMask }), scaleByLearningRate(1e-3));
 */
export function addDecayedWeights(
  weightDecay: ScalarOrSchedule,
  options: { mask?: Mask } = {},
): GradientTransformation<any> {
  const wd = hyperparameter('weightDecay', weightDecay, RANGES.nonNegative);
  const plain: GradientTransformation<CountState> = {
    init: () => ({ count: 0 }),
    update(grads, state, params) {
      if (params === undefined)
        throw new InvalidArgumentError('params', params, 'the parameters (addDecayedWeights needs them in update)');
      const k = wd.at(state.count);
      // One fused pass on cpu and wasm (engine's fusedDecay, same float32 results), else tf ops.
      const updates = fusedDecay(grads, params, k) ?? withScalars({ k }, (s) => mapLeaf((g, p) => tf.add(g, tf.mul(p, s.k)), grads, params));
      return [updates, { count: state.count + 1 }];
    },
  };
  return options.mask === undefined ? plain : masked(plain, options.mask);
}
