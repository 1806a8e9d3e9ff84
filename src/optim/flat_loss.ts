/**
 * A loss over a parameter tree, seen by the full-batch minimisers (lbfgs, bfgs, newton) as a function
 * of one flat vector: the tensor engine computes the loss and its gradient (`tf.valueAndGrads` over
 * the leaves); the minimiser reads them into float64 on the host. The point evaluated is kept as
 * float32, exactly the values the tensors hold, so a loss reported is the loss of the params returned.
 * Reads are asynchronous (`await tensor.data()`), so it runs on every backend.
 */
import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError } from '../errors.js';
import { type ParamTree, isTensor, treeLeavesWithPaths, treeUnflatten } from '../tree/tree.js';

export interface FlatLoss {
  /** Number of parameters (the length of every flat vector). */
  readonly n: number;
  /** The caller's params, flattened (read only; a copy). */
  start(): Promise<Float32Array>;
  /** Loss and gradient at x (float64 copies); g is null when either is not finite. Counts an evaluation. */
  evaluate(x: Float32Array): Promise<{ f: number; g: Float64Array | null }>;
  /** Loss-and-gradient evaluations so far. */
  readonly evaluations: number;
  /** New float32 tensors holding x, one per leaf (copies: x is never aliased). */
  toTensors(x: Float32Array): tf.Tensor[];
  /** A tree shaped like the caller's params holding the given leaves. */
  toTree(leaves: tf.Tensor[]): ParamTree;
  /** The loss as a function of the leaves (checked to be a scalar), for further differentiation. */
  lossOfLeaves(...leaves: tf.Tensor[]): tf.Scalar;
}

/** Number of parameters in `params` (throws InvalidArgumentError unless it holds float32 leaves). */
export function countParams(params: ParamTree): number {
  const leaves = treeLeavesWithPaths(params);
  if (leaves.length === 0) throw new InvalidArgumentError('params', params, 'a tree with at least one tensor');
  for (const [path, leaf] of leaves)
    if (leaf.dtype !== 'float32')
      throw new InvalidArgumentError(`params${path ? '.' + path : ''}`, `${leaf.dtype} tensor`, 'float32 tensors');
  return leaves.reduce((a, [, leaf]) => a + leaf.size, 0);
}

/**
 * `loss` over the tree `params`, flattened. `loss` is called with a tree of the same structure
 * holding temporary float32 tensors and must return a scalar that depends on every leaf.
 *
 * @example
 * const problem = flatLoss((p) => tf.sum(tf.square(p as tf.Tensor)) as tf.Scalar, tf.tensor1d([1, 2]));
 * const { f, g } = await problem.evaluate(await problem.start()); // 5, [2, 4]
 */
export function flatLoss(loss: (params: ParamTree) => tf.Scalar, params: ParamTree): FlatLoss {
  if (typeof loss !== 'function') throw new InvalidArgumentError('loss', loss, 'a function (params) => scalar tensor');
  const n = countParams(params);
  const leaves = treeLeavesWithPaths(params).map(([, leaf]) => leaf);
  const shapes = leaves.map((leaf) => leaf.shape);
  const sizes = leaves.map((leaf) => leaf.size);

  const lossOfLeaves = (...xs: tf.Tensor[]): tf.Scalar => {
    const value = loss(treeUnflatten(params, xs));
    if (!isTensor(value) || value.rank !== 0)
      throw new InvalidArgumentError(
        'loss',
        isTensor(value) ? `a tensor of shape [${value.shape}]` : value,
        'a function returning a scalar tensor',
      );
    return value;
  };
  const valueAndGrads = tf.valueAndGrads(lossOfLeaves);

  const toTensors = (x: Float32Array): tf.Tensor[] => {
    let offset = 0;
    return shapes.map((shape, i) => {
      const t = tf.tensor(x.slice(offset, offset + sizes[i]), shape, 'float32');
      offset += sizes[i];
      return t;
    });
  };

  let evaluations = 0;
  const evaluate = async (x: Float32Array): Promise<{ f: number; g: Float64Array | null }> => {
    evaluations++;
    const inputs = toTensors(x);
    let result: { value: tf.Scalar; grads: tf.Tensor[] } | undefined;
    try {
      result = valueAndGrads(inputs);
      const [fv, ...gs] = await Promise.all([result.value.data(), ...result.grads.map((g) => g.data())]);
      const f = fv[0];
      const g = new Float64Array(n);
      let offset = 0;
      let finite = Number.isFinite(f);
      for (const part of gs) {
        for (let i = 0; i < part.length; i++) {
          const v = part[i];
          if (!Number.isFinite(v)) finite = false;
          g[offset + i] = v;
        }
        offset += part.length;
      }
      return { f, g: finite ? g : null };
    } finally {
      tf.dispose(inputs);
      if (result) tf.dispose([result.value, ...result.grads]);
    }
  };

  const start = async (): Promise<Float32Array> => {
    const x = new Float32Array(n);
    let offset = 0;
    for (const leaf of leaves) {
      x.set(await leaf.data(), offset);
      offset += leaf.size;
    }
    return x;
  };

  return {
    n,
    start,
    evaluate,
    get evaluations() {
      return evaluations;
    },
    toTensors,
    toTree: (xs) => treeUnflatten(params, xs),
    lossOfLeaves,
  };
}
