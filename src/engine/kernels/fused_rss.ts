/**
 * AdaGrad's per-leaf arithmetic as one fused kernel, `TrainkitRssUpdate`: G ← G + g², update
 * g / (√G + ε), from one read of g and G.
 */
import type { ParamTree } from '../../tree/tree.js';
import { defineFusedKernel, runFusedTree } from './fused_elementwise.js';
import { lanes as L } from './fused_simd.js';

const f = Math.fround;

/** AdaGrad's number for one step. */
export interface RssUpdateAttrs {
  /** Added to the root (outside it). */
  eps: number;
}

export const RSS_UPDATE = defineFusedKernel({
  flushSubnormals: true,
  name: 'TrainkitRssUpdate',
  inputs: ['g', 's'],
  outputs: 2,
  constants: ['e'],
  resolve: (attrs) => [f((attrs as unknown as RssUpdateAttrs).eps)],
  body([g, s], [u, s1], [e]) {
    for (let i = 0; i < g.length; i++) {
      const gi = g[i];
      const si = f(s[i] + f(gi * gi));
      s1[i] = si;
      u[i] = gi / f(f(Math.sqrt(si)) + e);
    }
  },
  lanes([g, s], [e]) {
    const s1 = L.add(s, L.mul(g, g));
    return [L.div(g, L.add(L.sqrt(s1), e)), s1];
  },
});

/**
 * One AdaGrad step on whole trees through the fused kernel (see optim's `scaleByRss`): returns
 * [updates, sumOfSquares], or `undefined` when the fused route does not apply (backend without the
 * kernel, a leaf not float32): take the tf-op route then.
 *
 * @example
 * const out = fusedRss(grads, sumOfSquares, { eps: 1e-10 });
 */
export function fusedRss(grads: ParamTree, sumOfSquares: ParamTree, attrs: RssUpdateAttrs): ParamTree[] | undefined {
  return runFusedTree(RSS_UPDATE.name, { ...attrs }, grads, sumOfSquares);
}
