/** Adam's preconditioner: bias-corrected first moment over the root of the second moment. */
import * as tf from '@tensorflow/tfjs-core';
import type { ParamTree } from '../tree/tree.js';
import { treeZerosLike } from '../tree/ops.js';
import type { ScalarOrSchedule } from './hyperparameter.js';
import type { GradientTransformation } from './transform.js';
import { type Hyperparameter, hyperparameter, RANGES } from './hyperparameter.js';
import { mapLeaves, withScalars } from './leafwise.js';
import { fusedAdam } from '../engine/kernels/fused_adam.js';

export interface ScaleByAdamOptions {
  /** Decay of the first moment (momentum), in [0, 1). Default 0.9. */
  b1?: ScalarOrSchedule;
  /** Decay of the second moment, in [0, 1). Default 0.999. */
  b2?: ScalarOrSchedule;
  /** Added to the root of the second moment (outside the square root), > 0. Default 1e-8. */
  eps?: ScalarOrSchedule;
  /** Divide the moments by 1 − βᵗ. Default true; false gives the lecture's "almost Adam". */
  biasCorrection?: boolean;
}

export interface ScaleByAdamState {
  count: number;
  /** Π β₁ and Π β₂ over the steps so far (β^t for constant betas), plain numbers. */
  b1Product: number;
  b2Product: number;
  /** First moment m and second moment v. */
  mu: ParamTree;
  nu: ParamTree;
}

/** Adam's numbers for the step after `state`: this step's betas, the new beta products, c₁ and c₂. */
export interface AdamCoefficients {
  beta1: number;
  beta2: number;
  b1Product: number;
  b2Product: number;
  /** √(1−β₂ᵗ)/(1−β₁ᵗ) with bias correction, else 1. */
  c1: number;
  /** ε·√(1−β₂ᵗ) with bias correction, else ε. */
  c2: number;
}

/**
 * The coefficients of the step after `state` (shared by `scaleByAdam` and the fused whole step of
 * `adam` / `adamw`, so both compute the very same numbers).
 *
 * @example
 * adamCoefficients({ count: 0, b1Product: 1, b2Product: 1 }, { b1, b2, eps }, true).c1; // √(1−β₂)/(1−β₁)
 */
export function adamCoefficients(
  state: Pick<ScaleByAdamState, 'count' | 'b1Product' | 'b2Product'>,
  h: { b1: Hyperparameter; b2: Hyperparameter; eps: Hyperparameter },
  biasCorrection: boolean,
): AdamCoefficients {
  const t = state.count;
  const [beta1, beta2, e] = [h.b1.at(t), h.b2.at(t), h.eps.at(t)];
  const b1Product = state.b1Product * beta1;
  const b2Product = state.b2Product * beta2;
  const root = biasCorrection ? Math.sqrt(1 - b2Product) : 1;
  const c1 = biasCorrection ? root / (1 - b1Product) : 1;
  return { beta1, beta2, b1Product, b2Product, c1, c2: e * root };
}

export const ADAM_DEFAULTS = { b1: 0.9, b2: 0.999, eps: 1e-8, biasCorrection: true } as const;

/**
 * m ← β₁m + (1−β₁)g,  v ← β₂v + (1−β₂)g²,  emits m̂ / (√v̂ + ε) with m̂ = m/(1−β₁ᵗ), v̂ = v/(1−β₂ᵗ)
 * (Kingma & Ba 2015, Algorithm 1; numerics of torch.optim.Adam, ε outside the root).
 *
 * Why bias correction matters: m and v start at zero, so early on they are shrunk towards zero by
 * the factors 1−β₁ᵗ and 1−β₂ᵗ. Without correction ("almost Adam", `biasCorrection: false`) the
 * first step is (1−β₁)g / (√(1−β₂)|g| + ε) ≈ 0.1/0.032 ≈ 3.2 times the step Adam intends (with the
 * defaults), and the second-moment shrinkage persists for ~1/(1−β₂) = 1000 steps: very large
 * early steps that can throw the weights far off. The correction makes the first step ≈ ±lr.
 *
 * For speed the update is computed as c₁·m / (√v + c₂) with c₁ = √(1−β₂ᵗ)/(1−β₁ᵗ) and
 * c₂ = ε·√(1−β₂ᵗ), which equals m̂/(√v̂ + ε) and saves two passes over the parameters.
 * With scheduled betas the corrections use the products of the betas seen so far.
 *
 * On the cpu and wasm backends the whole leaf update runs as one fused kernel (engine's
 * `fusedAdam`, one pass instead of 10–11 kernels, same float32 results); elsewhere as tf ops.
 *
 * @example
 * const adam = chain(scaleByAdam(), scaleByLearningRate(1e-3));
 */
export function scaleByAdam(options: ScaleByAdamOptions = {}): GradientTransformation<ScaleByAdamState> {
  const o = { ...ADAM_DEFAULTS, ...options };
  const b1 = hyperparameter('b1', o.b1, RANGES.beta);
  const b2 = hyperparameter('b2', o.b2, RANGES.beta);
  const eps = hyperparameter('eps', o.eps, RANGES.eps);
  const biasCorrection = o.biasCorrection;
  return {
    init: (params) => ({ count: 0, b1Product: 1, b2Product: 1, mu: treeZerosLike(params), nu: treeZerosLike(params) }),
    update(grads, state) {
      const t = state.count;
      const { beta1, beta2, b1Product, b2Product, c1, c2 } = adamCoefficients(state, { b1, b2, eps }, biasCorrection);
      const fused = fusedAdam(grads, state.mu, state.nu, { b1: beta1, b2: beta2, c1, c2 });
      if (fused !== undefined) {
        const [u, mu, nu] = fused;
        return [u, { count: t + 1, b1Product, b2Product, mu, nu }];
      }
      const scalars = { b1: beta1, a1: 1 - beta1, b2: beta2, a2: 1 - beta2, c1, c2 };
      const [u, mu, nu] = withScalars(scalars, (s) =>
        mapLeaves(
          3,
          (g, m, v) => {
            const m1 = tf.add(tf.mul(m, s.b1), tf.mul(g, s.a1));
            const v1 = tf.add(tf.mul(v, s.b2), tf.mul(tf.square(g), s.a2));
            const ratio = tf.div(m1, tf.add(tf.sqrt(v1), s.c2));
            return [c1 === 1 ? ratio : tf.mul(ratio, s.c1), m1, v1];
          },
          grads,
          state.mu,
          state.nu,
        ),
      );
      return [u, { count: t + 1, b1Product, b2Product, mu, nu }];
    },
  };
}
