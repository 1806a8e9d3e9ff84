/**
 * Adam's per-leaf arithmetic as one fused kernel, `TrainkitAdamUpdate`: reads g, m, v once and
 * writes the update and the new moments, where the tf-op route runs 10–11 kernels per leaf.
 */
import type { ParamTree } from '../../tree/tree.js';
import { defineFusedKernel, runFusedTree } from './fused_elementwise.js';
import { lanes as L } from './fused_simd.js';

const f = Math.fround;

/** Adam's numbers for one step, already resolved from schedules and bias-correction products. */
export interface AdamUpdateAttrs {
  /** Decay of the first moment, β₁. */
  b1: number;
  /** Decay of the second moment, β₂. */
  b2: number;
  /** Multiplier of the ratio: √(1−β₂ᵗ)/(1−β₁ᵗ) with bias correction, else 1. */
  c1: number;
  /** Added to √v: ε·√(1−β₂ᵗ) with bias correction, else ε. */
  c2: number;
}

export const ADAM_UPDATE = defineFusedKernel({
  flushSubnormals: true,
  name: 'TrainkitAdamUpdate',
  inputs: ['g', 'm', 'v'],
  outputs: 3,
  constants: ['b1', 'a1', 'b2', 'a2', 'c1', 'c2'],
  // As the float32 scalars of the op route: 1 − β computed in double first, then rounded.
  resolve: (attrs) => {
    const { b1, b2, c1, c2 } = attrs as unknown as AdamUpdateAttrs;
    return [b1, 1 - b1, b2, 1 - b2, c1, c2].map(f);
  },
  body([g, m, v], [u, m1, v1], [b1, a1, b2, a2, c1, c2]) {
    for (let i = 0; i < g.length; i++) {
      const gi = g[i];
      const mi = f(f(m[i] * b1) + f(gi * a1));
      const vi = f(f(v[i] * b2) + f(f(gi * gi) * a2));
      m1[i] = mi;
      v1[i] = vi;
      u[i] = f(mi / f(f(Math.sqrt(vi)) + c2)) * c1;
    }
  },
  lanes([g, m, v], [b1, a1, b2, a2, c1, c2]) {
    const m1 = L.add(L.mul(m, b1), L.mul(g, a1));
    const v1 = L.add(L.mul(v, b2), L.mul(L.mul(g, g), a2));
    return [L.mul(L.div(m1, L.add(L.sqrt(v1), c2)), c1), m1, v1];
  },
});

/**
 * One Adam step on whole trees through the fused kernel: m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g²,
 * update = c₁·m / (√v + c₂) (see optim's `scaleByAdam`). Returns [updates, m, v], or `undefined`
 * when the fused route does not apply (backend without the kernel, a leaf not float32): take the
 * tf-op route then.
 *
 * @example
 * // The first step (t = 1) with the defaults: c₁ = √(1−β₂)/(1−β₁), c₂ = ε·√(1−β₂).
 * const root = Math.sqrt(1 - 0.999);
 * const out = fusedAdam(grads, mu, nu, { b1: 0.9, b2: 0.999, c1: root / (1 - 0.9), c2: 1e-8 * root });
 */
export function fusedAdam(
  grads: ParamTree,
  mu: ParamTree,
  nu: ParamTree,
  attrs: AdamUpdateAttrs,
): [updates: ParamTree, mu: ParamTree, nu: ParamTree] | undefined {
  return runFusedTree(ADAM_UPDATE.name, { ...attrs }, grads, mu, nu) as [ParamTree, ParamTree, ParamTree] | undefined;
}
