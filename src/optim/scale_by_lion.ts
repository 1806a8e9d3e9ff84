/** Lion's update direction: the sign of an interpolation between momentum and gradient. */
import * as tf from '@tensorflow/tfjs-core';
import type { ParamTree } from '../tree/tree.js';
import { treeZerosLike } from '../tree/ops.js';
import type { ScalarOrSchedule } from './hyperparameter.js';
import type { GradientTransformation } from './transform.js';
import { hyperparameter, RANGES } from './hyperparameter.js';
import { mapLeaves, withScalars } from './leafwise.js';
import { fusedLion } from '../engine/kernels/fused_lion.js';

export interface ScaleByLionOptions {
  /** Interpolation used for the sign, in [0, 1). Default 0.9. */
  b1?: ScalarOrSchedule;
  /** Decay of the momentum kept across steps, in [0, 1). Default 0.99. */
  b2?: ScalarOrSchedule;
}

export interface ScaleByLionState {
  count: number;
  /** The momentum m. */
  mu: ParamTree;
}

/**
 * Emits sign(β₁m + (1−β₁)g), then updates m ← β₂m + (1−β₂)g (Chen et al. 2023, "Symbolic
 * Discovery of Optimization Algorithms", Algorithm 2). Every coordinate moves by exactly ±1 before
 * the learning rate (0 where the interpolation is exactly 0). On the cpu and wasm backends each
 * leaf is one fused kernel (engine's `fusedLion`, same float32 results); elsewhere tf ops.
 *
 * @example
 * const lion = chain(scaleByLion(), scaleByLearningRate(1e-4));
 */
export function scaleByLion(options: ScaleByLionOptions = {}): GradientTransformation<ScaleByLionState> {
  const o = { b1: 0.9, b2: 0.99, ...options };
  const b1 = hyperparameter('b1', o.b1, RANGES.beta);
  const b2 = hyperparameter('b2', o.b2, RANGES.beta);
  return {
    init: (params) => ({ count: 0, mu: treeZerosLike(params) }),
    update(grads, state) {
      const t = state.count;
      const [beta1, beta2] = [b1.at(t), b2.at(t)];
      const scalars = { b1: beta1, a1: 1 - beta1, b2: beta2, a2: 1 - beta2 };
      const [u, mu] =
        fusedLion(grads, state.mu, { b1: beta1, b2: beta2 }) ??
        withScalars(scalars, (s) =>
          mapLeaves(
            2,
            (g, m) => [
              tf.sign(tf.add(tf.mul(m, s.b1), tf.mul(g, s.a1))),
              tf.add(tf.mul(m, s.b2), tf.mul(g, s.a2)),
            ],
            grads,
            state.mu,
          ),
        );
      return [u, { count: t + 1, mu }];
    },
  };
}
