/** AdaGrad's preconditioner: divide by the root of the sum of all past squared gradients. */
import * as tf from '@tensorflow/tfjs-core';
import type { ParamTree } from '../tree/tree.js';
import { treeFullLike } from '../tree/ops.js';
import type { ScalarOrSchedule } from './hyperparameter.js';
import { checkNumber } from '../errors.js';
import type { GradientTransformation } from './transform.js';
import { hyperparameter, RANGES } from './hyperparameter.js';
import { mapLeaves, withScalars } from './leafwise.js';
import { fusedRss } from '../engine/kernels/fused_rss.js';

export interface ScaleByRssOptions {
  /** Added to the root (outside it), > 0. Default 1e-10 (PyTorch). */
  eps?: ScalarOrSchedule;
  /** Starting value of the sum of squares, ≥ 0. Default 0. */
  initialAccumulatorValue?: number;
}

export interface ScaleByRssState {
  count: number;
  /** Σ g² per parameter. */
  sumOfSquares: ParamTree;
}

/**
 * G ← G + g², emits g / (√G + ε) (Duchi, Hazan & Singer 2011; numerics of torch.optim.Adagrad).
 * The per-parameter step only shrinks: good for sparse features, stalls on long non-convex runs.
 * On the cpu and wasm backends each leaf is one fused kernel (engine's `fusedRss`, same float32
 * results); elsewhere tf ops.
 *
 * @example
 * const adagrad = chain(scaleByRss(), scaleByLearningRate(0.01));
 */
export function scaleByRss(options: ScaleByRssOptions = {}): GradientTransformation<ScaleByRssState> {
  const o = { eps: 1e-10, initialAccumulatorValue: 0, ...options };
  const eps = hyperparameter('eps', o.eps, RANGES.eps);
  const initial = checkNumber('initialAccumulatorValue', o.initialAccumulatorValue, RANGES.nonNegative);
  return {
    init: (params) => ({ count: 0, sumOfSquares: treeFullLike(params, initial) }),
    update(grads, state) {
      const e = eps.at(state.count);
      const [u, sumOfSquares] =
        fusedRss(grads, state.sumOfSquares, { eps: e }) ??
        withScalars({ e }, ({ e }) =>
          mapLeaves(
            2,
            (g, s) => {
              const s1 = tf.add(s, tf.square(g));
              return [tf.div(g, tf.add(tf.sqrt(s1), e)), s1];
            },
            grads,
            state.sumOfSquares,
          ),
        );
      return [u, { count: state.count + 1, sumOfSquares }];
    },
  };
}
