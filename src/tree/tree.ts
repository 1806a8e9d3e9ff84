/**
 * ParamTree: the nested structure (tensor, array, or object of them) that holds a model's parameters,
 * its gradients and an optimizer's per-parameter state. Every tree function walks leaves in the same
 * order (arrays by index, objects by sorted key), so trees with the same structure line up leaf by leaf.
 */
import * as tf from '@tensorflow/tfjs-core';
import { TreeMismatchError } from '../errors.js';

export type Tensor = tf.Tensor;
export type ParamTree = tf.Tensor | ParamTree[] | { [key: string]: ParamTree };

/** True for a TensorFlow.js tensor (including tf.Variable). */
export function isTensor(x: unknown): x is tf.Tensor {
  return x instanceof tf.Tensor;
}

function keysOf(node: { [key: string]: ParamTree }): string[] {
  return Object.keys(node).sort();
}

function describe(node: unknown): string {
  if (isTensor(node)) return `tensor[${node.shape.join(',')}]`;
  if (Array.isArray(node)) return `array(${node.length})`;
  if (node !== null && typeof node === 'object') return `object{${Object.keys(node).sort().join(',')}}`;
  return String(node);
}

/** The leaves of a tree, depth first, arrays by index and objects by sorted key. */
export function treeLeaves(tree: ParamTree): tf.Tensor[] {
  const out: tf.Tensor[] = [];
  const walk = (node: ParamTree): void => {
    if (isTensor(node)) out.push(node);
    else if (Array.isArray(node)) node.forEach(walk);
    else if (node !== null && typeof node === 'object') for (const k of keysOf(node)) walk(node[k]);
    else throw new TreeMismatchError(`A ParamTree leaf must be a tensor, got ${describe(node)}`);
  };
  walk(tree);
  return out;
}

/** The leaves with their paths ("dense1.kernel", "layers[0].bias"), in treeLeaves order. */
export function treeLeavesWithPaths(tree: ParamTree): Array<[path: string, leaf: tf.Tensor]> {
  const out: Array<[string, tf.Tensor]> = [];
  const walk = (node: ParamTree, path: string): void => {
    if (isTensor(node)) out.push([path, node]);
    else if (Array.isArray(node)) node.forEach((c, i) => walk(c, `${path}[${i}]`));
    else for (const k of keysOf(node)) walk(node[k], path ? `${path}.${k}` : k);
  };
  walk(tree, '');
  return out;
}

/**
 * Applies `fn` leaf by leaf over one or more trees of the same structure and builds a tree of the
 * results. A structure or shape mismatch throws a TreeMismatchError naming the path.
 */
export function treeMap<T extends ParamTree = ParamTree>(
  fn: (leaf: tf.Tensor, ...others: tf.Tensor[]) => tf.Tensor,
  tree: T,
  ...others: ParamTree[]
): T {
  const walk = (node: ParamTree, rest: ParamTree[], path: string): ParamTree => {
    if (isTensor(node)) {
      rest.forEach((o, i) => {
        if (!isTensor(o))
          throw new TreeMismatchError(`Trees differ at ${path || '<root>'}: tensor vs ${describe(o)} (tree ${i + 1})`);
        if (!tf.util.arraysEqual(o.shape, node.shape))
          throw new TreeMismatchError(
            `Trees differ at ${path || '<root>'}: shape [${node.shape}] vs [${o.shape}] (tree ${i + 1})`,
          );
      });
      return fn(node, ...(rest as tf.Tensor[]));
    }
    if (Array.isArray(node)) {
      rest.forEach((o, i) => {
        if (!Array.isArray(o) || o.length !== node.length)
          throw new TreeMismatchError(
            `Trees differ at ${path || '<root>'}: ${describe(node)} vs ${describe(o)} (tree ${i + 1})`,
          );
      });
      return node.map((c, j) => walk(c, rest.map((o) => (o as ParamTree[])[j]), `${path}[${j}]`));
    }
    if (node === null || typeof node !== 'object')
      throw new TreeMismatchError(`A ParamTree leaf must be a tensor, got ${describe(node)} at ${path || '<root>'}`);
    const keys = keysOf(node);
    rest.forEach((o, i) => {
      if (o === null || typeof o !== 'object' || isTensor(o) || Array.isArray(o) || keysOf(o).join() !== keys.join())
        throw new TreeMismatchError(
          `Trees differ at ${path || '<root>'}: ${describe(node)} vs ${describe(o)} (tree ${i + 1})`,
        );
    });
    const out: { [key: string]: ParamTree } = {};
    for (const k of keys)
      out[k] = walk(
        node[k],
        rest.map((o) => (o as { [key: string]: ParamTree })[k]),
        path ? `${path}.${k}` : k,
      );
    return out;
  };
  return walk(tree, others, '') as T;
}

/** Rebuilds a tree of `like`'s structure from a flat list of leaves (the inverse of treeLeaves). */
export function treeUnflatten<T extends ParamTree>(like: T, leaves: tf.Tensor[]): T {
  let i = 0;
  const out = treeMap(() => {
    if (i >= leaves.length) throw new TreeMismatchError(`treeUnflatten: only ${leaves.length} leaves given`);
    return leaves[i++];
  }, like);
  if (i !== leaves.length)
    throw new TreeMismatchError(`treeUnflatten: ${leaves.length} leaves given for a tree of ${i}`);
  return out;
}
