/**
 * Momentum's per-leaf arithmetic as fused kernels: `TrainkitMomentumUpdate` (v ← ρ·v + g, which is
 * also the update) and `TrainkitNesterovUpdate` (the same v and the update g + ρ·v), from one read
 * of g and v.
 */
import type { ParamTree } from '../../tree/tree.js';
import { defineFusedKernel, runFusedTree } from './fused_elementwise.js';
import { lanes as L } from './fused_simd.js';

const f = Math.fround;

/** The momentum's numbers for one step. */
export interface MomentumUpdateAttrs {
  /** The decay ρ of the velocity. */
  decay: number;
  /** Nesterov's look-ahead: also emit g + ρ·v. */
  nesterov: boolean;
}

const resolve = (attrs: object) => [f((attrs as MomentumUpdateAttrs).decay)];

export const MOMENTUM_UPDATE = defineFusedKernel({
  flushSubnormals: true,
  name: 'TrainkitMomentumUpdate',
  inputs: ['g', 'v'],
  outputs: 1,
  constants: ['decay'],
  resolve,
  body([g, v], [v1], [r]) {
    for (let i = 0; i < g.length; i++) v1[i] = f(v[i] * r) + g[i];
  },
  lanes: ([g, v], [r]) => [L.add(L.mul(v, r), g)],
});

export const NESTEROV_UPDATE = defineFusedKernel({
  flushSubnormals: true,
  name: 'TrainkitNesterovUpdate',
  inputs: ['g', 'v'],
  outputs: 2,
  constants: ['decay'],
  resolve,
  body([g, v], [u, v1], [r]) {
    for (let i = 0; i < g.length; i++) {
      const gi = g[i];
      const vi = f(f(v[i] * r) + gi);
      v1[i] = vi;
      u[i] = gi + f(vi * r);
    }
  },
  lanes([g, v], [r]) {
    const v1 = L.add(L.mul(v, r), g);
    return [L.add(g, L.mul(v1, r)), v1];
  },
});

/**
 * One momentum step on whole trees through a fused kernel (see optim's `trace`): returns
 * [velocity] (which is also the update) or, with `nesterov`, [updates, velocity]; `undefined` when
 * the fused route does not apply (backend without the kernel, a leaf not float32): take the tf-op
 * route then.
 *
 * @example
 * const out = fusedMomentum(grads, velocity, { decay: 0.9, nesterov: false });
 */
export function fusedMomentum(grads: ParamTree, velocity: ParamTree, attrs: MomentumUpdateAttrs): ParamTree[] | undefined {
  const kernel = attrs.nesterov ? NESTEROV_UPDATE : MOMENTUM_UPDATE;
  return runFusedTree(kernel.name, { decay: attrs.decay }, grads, velocity);
}
