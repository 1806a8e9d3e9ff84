/** Momentum: an exponentially decaying trace of past gradients (heavy ball or Nesterov). */
import * as tf from '@tensorflow/tfjs-core';
import type { ParamTree } from '../tree/tree.js';
import { treeZerosLike } from '../tree/ops.js';
import type { ScalarOrSchedule } from './hyperparameter.js';
import type { GradientTransformation } from './transform.js';
import { hyperparameter, RANGES } from './hyperparameter.js';
import { mapLeaves, withScalars } from './leafwise.js';
import { fusedMomentum } from '../engine/kernels/fused_momentum.js';

export interface TraceOptions {
  /** The momentum ρ (≥ 0; usually 0.9 or 0.99), a number or a schedule. */
  decay: ScalarOrSchedule;
  /** Nesterov's look-ahead: emit g + ρ·v instead of v. Default false. */
  nesterov?: boolean;
}

export interface TraceState {
  count: number;
  /** The velocity v, one tensor per parameter. */
  trace: ParamTree;
}

/**
 * v ← ρ·v + g, and emits v (or g + ρ·v with `nesterov`), PyTorch's momentum buffer with no
 * dampening (its first step, v = g, is what a zero-initialised buffer gives). Followed by
 * `scaleByLearningRate(lr)` this is SGD with momentum (Polyak 1964; Nesterov 1983 as rewritten by
 * Sutskever et al. 2013). Without `nesterov` the updates it returns are the state's own tensors
 * (`chain`, `step` and `stepVariables` keep them alive). On the cpu and wasm backends each leaf is
 * one fused kernel (engine's `fusedMomentum`, same float32 results); elsewhere tf ops.
 *
 * @example
 * const momentum = chain(trace({ decay: 0.9 }), scaleByLearningRate(0.01));
 */
export function trace(options: TraceOptions): GradientTransformation<TraceState> {
  const { decay, nesterov } = { nesterov: false, ...options };
  const rho = hyperparameter('decay', decay, RANGES.nonNegative);
  return {
    init: (params) => ({ count: 0, trace: treeZerosLike(params) }),
    update(grads, state) {
      const rhoNow = rho.at(state.count);
      const fused = fusedMomentum(grads, state.trace, { decay: rhoNow, nesterov });
      if (fused !== undefined) {
        const [u, v] = nesterov ? fused : [fused[0], fused[0]];
        return [u, { count: state.count + 1, trace: v }];
      }
      return withScalars({ r: rhoNow }, ({ r }) => {
        if (!nesterov) {
          const [v] = mapLeaves(1, (g, v) => [tf.add(tf.mul(v, r), g)], grads, state.trace);
          return [v, { count: state.count + 1, trace: v }];
        }
        const [u, v] = mapLeaves(
          2,
          (g, v) => {
            const nv = tf.add(tf.mul(v, r), g);
            return [tf.add(g, tf.mul(nv, r)), nv];
          },
          grads,
          state.trace,
        );
        return [u, { count: state.count + 1, trace: v }];
      });
    },
  };
}
