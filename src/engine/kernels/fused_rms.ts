/**
 * RMSProp's per-leaf arithmetic as fused kernels: `TrainkitRmsUpdate` (s ← αs + (1−α)g², update
 * g / (√s + ε)) and `TrainkitCenteredRmsUpdate` (also ḡ ← αḡ + (1−α)g, update g / (√(s − ḡ²) + ε)).
 */
import type { ParamTree } from '../../tree/tree.js';
import { defineFusedKernel, runFusedTree } from './fused_elementwise.js';
import { lanes as L } from './fused_simd.js';

const f = Math.fround;

/** RMSProp's numbers for one step. */
export interface RmsUpdateAttrs {
  /** Decay α of the running averages. */
  decay: number;
  /** Added to the root (outside it). */
  eps: number;
}

const constants = ['a', 'b', 'e'] as const;
const resolve = (attrs: object) => {
  const { decay, eps } = attrs as RmsUpdateAttrs;
  return [decay, 1 - decay, eps].map(f);
};

export const RMS_UPDATE = defineFusedKernel({
  flushSubnormals: true,
  name: 'TrainkitRmsUpdate',
  inputs: ['g', 's'],
  outputs: 2,
  constants,
  resolve,
  body([g, s], [u, s1], [a, b, e]) {
    for (let i = 0; i < g.length; i++) {
      const gi = g[i];
      const si = f(f(s[i] * a) + f(f(gi * gi) * b));
      s1[i] = si;
      u[i] = gi / f(f(Math.sqrt(si)) + e);
    }
  },
  lanes([g, s], [a, b, e]) {
    const s1 = L.add(L.mul(s, a), L.mul(L.mul(g, g), b));
    return [L.div(g, L.add(L.sqrt(s1), e)), s1];
  },
});

export const CENTERED_RMS_UPDATE = defineFusedKernel({
  flushSubnormals: true,
  name: 'TrainkitCenteredRmsUpdate',
  inputs: ['g', 's', 'm'],
  outputs: 3,
  constants,
  resolve,
  body([g, s, m], [u, s1, m1], [a, b, e]) {
    for (let i = 0; i < g.length; i++) {
      const gi = g[i];
      const si = f(f(s[i] * a) + f(f(gi * gi) * b));
      const mi = f(f(m[i] * a) + f(gi * b));
      s1[i] = si;
      m1[i] = mi;
      u[i] = gi / f(f(Math.sqrt(f(si - f(mi * mi)))) + e);
    }
  },
  lanes([g, s, m], [a, b, e]) {
    const s1 = L.add(L.mul(s, a), L.mul(L.mul(g, g), b));
    const m1 = L.add(L.mul(m, a), L.mul(g, b));
    return [L.div(g, L.add(L.sqrt(L.sub(s1, L.mul(m1, m1))), e)), s1, m1];
  },
});

/**
 * One RMSProp step on whole trees through a fused kernel (see optim's `scaleByRms`): returns
 * [updates, s] or, when `mu` (the running mean of g) is given, [updates, s, mu]; `undefined` when
 * the fused route does not apply (backend without the kernel, a leaf not float32): take the tf-op
 * route then.
 *
 * @example
 * const out = fusedRms(grads, nu, undefined, { decay: 0.99, eps: 1e-8 });
 */
export function fusedRms(
  grads: ParamTree,
  nu: ParamTree,
  mu: ParamTree | undefined,
  attrs: RmsUpdateAttrs,
): ParamTree[] | undefined {
  return mu === undefined
    ? runFusedTree(RMS_UPDATE.name, { ...attrs }, grads, nu)
    : runFusedTree(CENTERED_RMS_UPDATE.name, { ...attrs }, grads, nu, mu);
}
