/**
 * Lion's per-leaf arithmetic as one fused kernel, `TrainkitLionUpdate`: update sign(β₁m + (1−β₁)g)
 * and m ← β₂m + (1−β₂)g, from one read of g and m.
 */
import type { ParamTree } from '../../tree/tree.js';
import { defineFusedKernel, runFusedTree } from './fused_elementwise.js';
import { lanes as L } from './fused_simd.js';

const f = Math.fround;

/** Lion's numbers for one step. */
export interface LionUpdateAttrs {
  /** Interpolation used for the sign. */
  b1: number;
  /** Decay of the momentum. */
  b2: number;
}

/**
 * The sign is cpu's and PyTorch's: ±1 unless exactly 0 (0 for ±0 and NaN). tfjs-wasm's own Sign
 * kernel returns 0 for |x| < 2⁻²³; the fused kernel does not copy that on wasm.
 */
export const LION_UPDATE = defineFusedKernel({
  flushSubnormals: true,
  name: 'TrainkitLionUpdate',
  inputs: ['g', 'm'],
  outputs: 2,
  constants: ['b1', 'a1', 'b2', 'a2'],
  resolve: (attrs) => {
    const { b1, b2 } = attrs as unknown as LionUpdateAttrs;
    return [b1, 1 - b1, b2, 1 - b2].map(f);
  },
  body([g, m], [u, m1], [b1, a1, b2, a2]) {
    for (let i = 0; i < g.length; i++) {
      const gi = g[i];
      const mi = m[i];
      const c = f(f(mi * b1) + f(gi * a1));
      u[i] = c > 0 ? 1 : c < 0 ? -1 : 0;
      m1[i] = f(mi * b2) + f(gi * a2);
    }
  },
  lanes: ([g, m], [b1, a1, b2, a2]) => [
    L.sign(L.add(L.mul(m, b1), L.mul(g, a1))),
    L.add(L.mul(m, b2), L.mul(g, a2)),
  ],
});

/**
 * One Lion step on whole trees through the fused kernel (see optim's `scaleByLion`): returns
 * [updates, mu], or `undefined` when the fused route does not apply (backend without the kernel, a
 * leaf not float32): take the tf-op route then.
 *
 * @example
 * const out = fusedLion(grads, mu, { b1: 0.9, b2: 0.99 });
 */
export function fusedLion(grads: ParamTree, mu: ParamTree, attrs: LionUpdateAttrs): ParamTree[] | undefined {
  return runFusedTree(LION_UPDATE.name, { ...attrs }, grads, mu);
}
