/** Apply a transform to some parameters only (e.g. weight decay on weights but not on biases). */
import type * as tf from '@tensorflow/tfjs-core';
import { type ParamTree, isTensor, treeLeaves, treeLeavesWithPaths, treeUnflatten } from '../tree/tree.js';
import { InvalidArgumentError, TreeMismatchError } from '../errors.js';
import type { GradientTransformation } from './transform.js';

/** A tree of booleans shaped like the params; a boolean at an inner node covers its whole subtree. */
export type MaskTree = boolean | MaskTree[] | { [key: string]: MaskTree };
/** Decides per leaf, from its path ("dense1.kernel", "layers[0].bias") and the leaf itself. */
export type MaskFn = (path: string, leaf: tf.Tensor) => boolean;
export type Mask = MaskTree | MaskFn;

export interface MaskedState<S> {
  /** The inner transform's state, over the array of the selected leaves (in treeLeaves order). */
  inner: S;
}

/**
 * The mask most weight decay wants: true for leaves of rank ≥ 2 (kernels, embeddings), false for
 * vectors and scalars (biases, batch-norm scales and shifts), which are usually not decayed.
 *
 * @example
 * masked(addDecayedWeights(0.05), decayMask)
 */
export const decayMask: MaskFn = (_path, leaf) => leaf.rank >= 2;

/** One boolean per leaf of `tree`, in treeLeaves order. */
export function maskFlags(mask: Mask, tree: ParamTree): boolean[] {
  if (typeof mask === 'function') return treeLeavesWithPaths(tree).map(([path, leaf]) => Boolean(mask(path, leaf)));
  const flags: boolean[] = [];
  const walk = (m: MaskTree, node: ParamTree, path: string): void => {
    if (typeof m === 'boolean') {
      for (let i = treeLeaves(node).length; i > 0; i--) flags.push(m);
      return;
    }
    const where = path || '<root>';
    if (isTensor(node)) throw new TreeMismatchError(`Mask differs from the params at ${where}: expected a boolean`);
    if (Array.isArray(node)) {
      if (!Array.isArray(m) || m.length !== node.length)
        throw new TreeMismatchError(`Mask differs from the params at ${where}: expected an array of ${node.length}`);
      node.forEach((c, i) => walk(m[i], c, `${path}[${i}]`));
      return;
    }
    const keys = Object.keys(node).sort();
    if (m === null || typeof m !== 'object' || Array.isArray(m) || Object.keys(m).sort().join() !== keys.join())
      throw new TreeMismatchError(`Mask differs from the params at ${where}: expected keys {${keys.join(',')}}`);
    for (const k of keys) walk(m[k], node[k], path ? `${path}.${k}` : k);
  };
  walk(mask, tree, '');
  return flags;
}

/**
 * Runs `inner` on the leaves where `mask` is true and passes the other updates through unchanged
 * (Optax's `masked`). `mask` is a tree of booleans (or a prefix of one) or a function of the path
 * and the leaf. The inner transform sees the selected leaves as one array, in treeLeaves order.
 * Pass-through leaves are returned as the very tensors received (no copy).
 *
 * @example
 * const tx = chain(scaleByAdam(), masked(addDecayedWeights(0.01), decayMask), scaleByLearningRate(1e-3));
 */
export function masked<S>(inner: GradientTransformation<S>, mask: Mask): GradientTransformation<MaskedState<S>> {
  if (typeof mask !== 'function' && typeof mask !== 'boolean' && (mask === null || typeof mask !== 'object'))
    throw new InvalidArgumentError('mask', mask, 'a tree of booleans or a function (path, leaf) => boolean');
  const select = (tree: ParamTree, flags: boolean[]): tf.Tensor[] => treeLeaves(tree).filter((_, i) => flags[i]);
  return {
    init: (params) => ({ inner: inner.init(select(params, maskFlags(mask, params))) }),
    update(grads, state, params) {
      const flags = maskFlags(mask, params ?? grads);
      const leaves = treeLeaves(grads);
      if (leaves.length !== flags.length)
        throw new TreeMismatchError(`masked: the mask covers ${flags.length} leaves, the grads have ${leaves.length}`);
      const [u, s] = inner.update(
        select(grads, flags),
        state.inner,
        params === undefined ? undefined : select(params, flags),
      );
      const chosen = treeLeaves(u);
      let j = 0;
      const out = leaves.map((g, i) => (flags[i] ? chosen[j++] : g));
      return [treeUnflatten(grads, out), { inner: s }];
    },
  };
}
