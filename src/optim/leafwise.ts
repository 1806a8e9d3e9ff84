/**
 * Leaf-by-leaf arithmetic that produces several trees at once (an update and the new moments, for
 * instance) in one pass: each leaf's arithmetic runs inside one `tf.tidy`, so the intermediate
 * tensors of a step are freed as soon as that leaf is done.
 */
import * as tf from '@tensorflow/tfjs-core';
import { type ParamTree, treeMap, treeUnflatten } from '../tree/tree.js';

/**
 * Applies `fn` to the matching leaves of `trees` (same structure and shapes, else TreeMismatchError
 * naming the path, thrown before any arithmetic) and returns the `n` trees of its outputs.
 * `fn` runs inside `tf.tidy`; the tensors it returns survive and belong to the caller.
 *
 * @example
 * const [sum, diff] = mapLeaves(2, (a, b) => [tf.add(a, b), tf.sub(a, b)], x, y);
 */
export function mapLeaves<N extends number>(
  n: N,
  fn: (...leaves: tf.Tensor[]) => tf.Tensor[],
  ...trees: ParamTree[]
): ParamTree[] {
  const [first, ...others] = trees;
  treeMap((leaf) => leaf, first, ...others); // structure check: throws before anything is allocated
  const outputs: tf.Tensor[][] = Array.from({ length: n }, () => []);
  try {
    treeMap(
      (...leaves) => {
        const out = tf.tidy(() => fn(...leaves));
        out.forEach((t, i) => outputs[i].push(t));
        return leaves[0];
      },
      first,
      ...others,
    );
  } catch (e) {
    outputs.flat().forEach((t) => t.dispose());
    throw e;
  }
  return outputs.map((leaves) => treeUnflatten(first, leaves));
}

/** One output tree: `treeMap` with `fn` inside `tf.tidy`. */
export function mapLeaf(fn: (...leaves: tf.Tensor[]) => tf.Tensor, ...trees: ParamTree[]): ParamTree {
  return mapLeaves(1, (...leaves) => [fn(...leaves)], ...trees)[0];
}

/**
 * Runs `fn` with this step's hyperparameters as float32 scalar tensors, made once per step and
 * shared by every leaf, then disposes them. (`tf.mul(x, 0.9)` would upload a new scalar for every
 * leaf and every op: tens of microseconds each on wasm, a visible cost for trees of many small
 * leaves.) The numbers are the same either way: a JS number is cast to float32 in both routes.
 *
 * @example
 * const out = withScalars({ rho: 0.9 }, (s) => mapLeaf((v, g) => tf.add(tf.mul(v, s.rho), g), trace, grads));
 */
export function withScalars<K extends string, R>(values: Record<K, number>, fn: (s: Record<K, tf.Scalar>) => R): R {
  const scalars = {} as Record<K, tf.Scalar>;
  for (const key of Object.keys(values) as K[]) scalars[key] = tf.scalar(values[key], 'float32');
  try {
    return fn(scalars);
  } finally {
    for (const key of Object.keys(scalars) as K[]) scalars[key].dispose();
  }
}
