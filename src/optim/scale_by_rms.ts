/** RMSProp's preconditioner ("leaky AdaGrad"): divide by a running root-mean-square of the gradients. */
import * as tf from '@tensorflow/tfjs-core';
import type { ParamTree } from '../tree/tree.js';
import { treeFullLike, treeZerosLike } from '../tree/ops.js';
import type { ScalarOrSchedule } from './hyperparameter.js';
import { checkNumber } from '../errors.js';
import type { GradientTransformation } from './transform.js';
import { hyperparameter, RANGES } from './hyperparameter.js';
import { mapLeaves, withScalars } from './leafwise.js';
import { fusedRms } from '../engine/kernels/fused_rms.js';

export interface ScaleByRmsOptions {
  /** Decay α of the running average of g², in [0, 1). Default 0.99 (PyTorch's `alpha`). */
  decay?: ScalarOrSchedule;
  /** Added to the root (outside it), > 0. Default 1e-8. */
  eps?: ScalarOrSchedule;
  /** Divide by the running standard deviation √(E[g²] − E[g]²) instead. Default false. */
  centered?: boolean;
  /** Initial value of the running average of g². Default 0 (PyTorch). */
  initialScale?: number;
}

export interface ScaleByRmsState {
  count: number;
  /** Running average of g². */
  nu: ParamTree;
  /** Running average of g (centered only; an empty array otherwise). */
  mu: ParamTree;
}

/**
 * s ← αs + (1−α)g², emits g / (√s + ε); centered: ḡ ← αḡ + (1−α)g, emits g / (√(s − ḡ²) + ε).
 * Hinton's lecture 6e (2012); centered form from Graves (2013). Numerics of torch.optim.RMSprop.
 * On the cpu and wasm backends each leaf is one fused kernel (engine's `fusedRms`, same float32
 * results); elsewhere tf ops.
 *
 * @example
 * const rmsprop = chain(scaleByRms({ decay: 0.9 }), scaleByLearningRate(1e-3));
 */
export function scaleByRms(options: ScaleByRmsOptions = {}): GradientTransformation<ScaleByRmsState> {
  const o = { decay: 0.99, eps: 1e-8, centered: false, initialScale: 0, ...options };
  const decay = hyperparameter('decay', o.decay, RANGES.beta);
  const eps = hyperparameter('eps', o.eps, RANGES.eps);
  const initialScale = checkNumber('initialScale', o.initialScale, RANGES.nonNegative);
  const centered = o.centered;
  return {
    init: (params) => ({
      count: 0,
      nu: treeFullLike(params, initialScale),
      mu: centered ? treeZerosLike(params) : [],
    }),
    update(grads, state): [ParamTree, ScaleByRmsState] {
      const t = state.count;
      const a = decay.at(t);
      const e = eps.at(t);
      const fused = fusedRms(grads, state.nu, centered ? state.mu : undefined, { decay: a, eps: e });
      if (fused !== undefined) {
        const [u, nu, mu] = fused;
        return [u, { count: t + 1, nu, mu: centered ? mu : state.mu }];
      }
      return withScalars({ a, b: 1 - a, e }, ({ a, b, e }) => {
        if (!centered) {
          const [u, nu] = mapLeaves(
            2,
            (g, s) => {
              const s1 = tf.add(tf.mul(s, a), tf.mul(tf.square(g), b));
              return [tf.div(g, tf.add(tf.sqrt(s1), e)), s1];
            },
            grads,
            state.nu,
          );
          return [u, { count: t + 1, nu, mu: state.mu }];
        }
        const [u, nu, mu] = mapLeaves(
          3,
          (g, s, m) => {
            const s1 = tf.add(tf.mul(s, a), tf.mul(tf.square(g), b));
            const m1 = tf.add(tf.mul(m, a), tf.mul(g, b));
            return [tf.div(g, tf.add(tf.sqrt(tf.sub(s1, tf.square(m1))), e)), s1, m1];
          },
          grads,
          state.nu,
          state.mu,
        );
        return [u, { count: t + 1, nu, mu }];
      });
    },
  };
}
