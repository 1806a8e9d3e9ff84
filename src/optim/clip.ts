/** Gradient clipping: by the global norm of the whole tree, or element by element. */
import * as tf from '@tensorflow/tfjs-core';
import { treeLeaves } from '../tree/tree.js';
import { InvalidArgumentError } from '../errors.js';
import type { ScalarOrSchedule } from './hyperparameter.js';
import { EMPTY_STATE, type EmptyState, type GradientTransformation } from './transform.js';
import { hyperparameter, RANGES } from './hyperparameter.js';
import { mapLeaf } from './leafwise.js';
import type { CountState } from './scale.js';

/**
 * Rescales the whole tree so its global L2 norm is at most `maxNorm`: g ← g · min(1, maxNorm /
 * (‖g‖ + 1e-6)), the rule and the 1e-6 of torch.nn.utils.clip_grad_norm_ (Pascanu et al. 2013).
 * The direction is kept; the norm is computed on the device (no sync).
 *
 * @example
 * const tx = chain(clipByGlobalNorm(1), adamw({ learningRate: 1e-3 }));
 */
export function clipByGlobalNorm(maxNorm: ScalarOrSchedule): GradientTransformation<CountState> {
  const max = hyperparameter('maxNorm', maxNorm, RANGES.nonNegative);
  return {
    init: () => ({ count: 0 }),
    update(grads, state) {
      const m = max.at(state.count);
      const factor = tf.tidy(() => {
        const squares = treeLeaves(grads).map((g) => tf.sum(tf.square(g)));
        const norm = tf.sqrt(squares.length === 1 ? squares[0] : tf.addN(squares));
        return tf.minimum(tf.div(m, tf.add(norm, 1e-6)), 1);
      });
      try {
        return [mapLeaf((g) => tf.mul(g, factor), grads), { count: state.count + 1 }];
      } finally {
        factor.dispose();
      }
    },
  };
}

/**
 * Clamps every element of every gradient to [−limit, limit] (torch.nn.utils.clip_grad_value_), or
 * to [min, max] when given `{ min, max }`.
 *
 * @example
 * const tx = chain(clipByValue(0.5), sgd({ learningRate: 0.1 }));
 */
export function clipByValue(limit: number | { min: number; max: number }): GradientTransformation<EmptyState> {
  let lo: number;
  let hi: number;
  if (typeof limit === 'number') {
    if (!(Number.isFinite(limit) && limit >= 0)) throw new InvalidArgumentError('limit', limit, 'a finite number >= 0');
    [lo, hi] = [-limit, limit];
  } else {
    const { min, max } = limit ?? ({} as { min: number; max: number });
    if (!(Number.isFinite(min) && Number.isFinite(max) && min <= max))
      throw new InvalidArgumentError('limit', limit, 'a number >= 0 or { min, max } with finite min <= max');
    [lo, hi] = [min, max];
  }
  return {
    init: () => EMPTY_STATE,
    update: (grads, state) => [mapLeaf((g) => tf.clipByValue(g, lo, hi), grads), state],
  };
}
