/**
 * Adam's per-leaf arithmetic as one fused kernel, `TrainkitAdamUpdate`: reads g, m, v once and
 * writes the update and the new moments, where the tf-op route runs 10–11 kernels per leaf. And
 * Adam's whole step (update, decay, learning rate and the parameter's add) as one kernel per kind
 * of decay, `TrainkitAdamStep`, `TrainkitAdamL2Step`, `TrainkitAdamWStep`, which `adam` and `adamw`
 * take for a whole optimizer step (their `fusedStep`).
 */
import * as tf from '@tensorflow/tfjs-core';
import { EngineError } from '../../errors.js';
import { type ParamTree, treeLeaves, treeMap, treeUnflatten } from '../../tree/tree.js';
import { defineFusedKernel, FLUSH_CONSTANTS, flushLane, flushSubnormal, runFusedTree } from './fused_elementwise.js';
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

/** Where a fused Adam step applies weight decay (see `AdamStepAttrs`). */
export type AdamStepDecay = 'none' | 'coupled' | 'decoupled';

/** `AdamUpdateAttrs`, plus what turns the update into the step. */
export interface AdamStepAttrs extends AdamUpdateAttrs {
  /** The learning-rate link's factor: −α (α the rate of this step). */
  k: number;
  /** The weight-decay factor λ of this step (read by the 'coupled' and 'decoupled' kernels). */
  wd: number;
}

/**
 * Adam's whole step on one leaf as one kernel: reads θ, g, m, v once and writes θ', m', v', where
 * the chain of transforms runs the update kernel, then one pass per further link (decay, the
 * learning rate's multiply, the add of `applyUpdates`), each reading and writing the whole leaf.
 * The arithmetic is the chain's, link by link, in float32 and in its order, the update flushed as
 * TrainkitAdamUpdate flushes it, so θ', m', v' are the bits the chain gives:
 * - 'none': θ' = θ + k·u with u = c₁·m' / (√v' + c₂) (`adam` without decay);
 * - 'coupled': the same on g + λθ (`adam`'s L2 decay, before the moments);
 * - 'decoupled': θ' = θ + k·(u + λθ) (`adamw`).
 * θ' is not flushed (the chain's add does not flush either).
 */
function adamStepKernel(name: string, decay: AdamStepDecay) {
  return defineFusedKernel({
    name,
    inputs: ['p', 'g', 'm', 'v'],
    outputs: 3,
    constants: ['b1', 'a1', 'b2', 'a2', 'c1', 'c2', 'k', 'wd', 'infinity', 'zero'],
    resolve: (attrs) => {
      const { b1, b2, c1, c2, k, wd } = attrs as unknown as AdamStepAttrs;
      return [...[b1, 1 - b1, b2, 1 - b2, c1, c2, k, wd].map(f), ...FLUSH_CONSTANTS];
    },
    body([p, g, m, v], [p1, m1, v1], [b1, a1, b2, a2, c1, c2, k, wd]) {
      for (let i = 0; i < g.length; i++) {
        const pi = p[i];
        const gi = decay === 'coupled' ? f(g[i] + f(pi * wd)) : g[i];
        const mi = f(f(m[i] * b1) + f(gi * a1));
        const vi = f(f(v[i] * b2) + f(f(gi * gi) * a2));
        m1[i] = flushSubnormal(mi);
        v1[i] = flushSubnormal(vi);
        let u = flushSubnormal(f(f(mi / f(f(Math.sqrt(vi)) + c2)) * c1));
        if (decay === 'decoupled') u = f(u + f(pi * wd));
        p1[i] = pi + f(u * k);
      }
    },
    lanes([p, g0, m, v], [b1, a1, b2, a2, c1, c2, k, wd, inf, zero]) {
      const g = decay === 'coupled' ? L.add(g0, L.mul(p, wd)) : g0;
      const m1 = L.add(L.mul(m, b1), L.mul(g, a1));
      const v1 = L.add(L.mul(v, b2), L.mul(L.mul(g, g), a2));
      const u0 = flushLane(L.mul(L.div(m1, L.add(L.sqrt(v1), c2)), c1), inf, zero);
      const u = decay === 'decoupled' ? L.add(u0, L.mul(p, wd)) : u0;
      return [L.add(p, L.mul(u, k)), flushLane(m1, inf, zero), flushLane(v1, inf, zero)];
    },
  });
}

export const ADAM_STEP = adamStepKernel('TrainkitAdamStep', 'none');
export const ADAM_L2_STEP = adamStepKernel('TrainkitAdamL2Step', 'coupled');
export const ADAMW_STEP = adamStepKernel('TrainkitAdamWStep', 'decoupled');

const STEP_KERNELS: Record<AdamStepDecay, string> = { none: ADAM_STEP.name, coupled: ADAM_L2_STEP.name, decoupled: ADAMW_STEP.name };

/**
 * Adam's whole step on whole trees (see `adamStepKernel`): returns [θ', m', v'], or `undefined`,
 * having allocated nothing, when the fused route does not apply (backend without the kernels, a
 * leaf not float32). `decay[i]` is the decay of the i-th leaf in treeLeaves order (a mask makes
 * some 'none'); a single value applies to every leaf.
 *
 * @example
 * const out = fusedAdamStep(params, grads, mu, nu, { b1: 0.9, b2: 0.999, c1, c2, k: -1e-3, wd: 0.01 }, 'decoupled');
 */
export function fusedAdamStep(
  params: ParamTree,
  grads: ParamTree,
  mu: ParamTree,
  nu: ParamTree,
  attrs: AdamStepAttrs,
  decay: AdamStepDecay | readonly AdamStepDecay[],
): [params: ParamTree, mu: ParamTree, nu: ParamTree] | undefined {
  if (typeof decay === 'string') return runFusedTree(STEP_KERNELS[decay], { ...attrs }, params, grads, mu, nu) as [ParamTree, ParamTree, ParamTree] | undefined;
  treeMap((leaf) => leaf, params, grads, mu, nu); // structure and shape check, before anything is allocated
  const leaves = [params, grads, mu, nu].map(treeLeaves);
  if (decay.length !== leaves[0].length) throw new EngineError(`fusedAdamStep: ${decay.length} decay kinds for ${leaves[0].length} leaves`);
  // One call per kind of decay, on the leaves of that kind (as arrays), then back in leaf order.
  const outputs: tf.Tensor[][] = [[], [], []];
  for (const kind of new Set(decay)) {
    const at = decay.flatMap((d, i) => (d === kind ? [i] : []));
    const out = runFusedTree(STEP_KERNELS[kind], { ...attrs }, ...leaves.map((ls) => at.map((i) => ls[i])));
    if (out === undefined) {
      tf.dispose(outputs.flat().filter((t) => t !== undefined));
      return undefined;
    }
    out.forEach((tree, o) => treeLeaves(tree).forEach((t, j) => (outputs[o][at[j]] = t)));
  }
  return outputs.map((ls) => treeUnflatten(params, ls)) as [ParamTree, ParamTree, ParamTree];
}
