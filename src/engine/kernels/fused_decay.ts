/**
 * Weight decay's per-leaf arithmetic as one fused kernel, `TrainkitDecayUpdate`: u + k·θ from one
 * read of u and θ, where the tf-op route runs a multiply and an add (two passes and an
 * intermediate the size of the leaf). Same float32 operations in the same order: the same bits.
 */
import type { ParamTree } from '../../tree/tree.js';
import { defineFusedKernel, runFusedTree } from './fused_elementwise.js';
import { lanes as L } from './fused_simd.js';

const f = Math.fround;

export const DECAY_UPDATE = defineFusedKernel({
  name: 'TrainkitDecayUpdate',
  inputs: ['u', 'p'],
  outputs: 1,
  constants: ['k'],
  resolve: (attrs) => [f(attrs.k as number)],
  body([u, p], [out], [k]) {
    for (let i = 0; i < u.length; i++) out[i] = u[i] + f(p[i] * k);
  },
  lanes: ([u, p], [k]) => [L.add(u, L.mul(p, k))],
});

/**
 * u + k·θ on whole trees through the fused kernel (see optim's `addDecayedWeights`), or `undefined`
 * when the fused route does not apply (backend without the kernel, a leaf not float32).
 *
 * @example
 * const updates = fusedDecay(updates, params, 0.01) ?? opRoute();
 */
export function fusedDecay(updates: ParamTree, params: ParamTree, k: number): ParamTree | undefined {
  return runFusedTree(DECAY_UPDATE.name, { k }, updates, params)?.[0];
}
