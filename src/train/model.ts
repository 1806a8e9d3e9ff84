/**
 * The two kinds of model `fit` trains, behind one small interface:
 * - a `tf.LayersModel` (tfjs-layers): its trainable variables are updated in place with
 *   `stepVariables`; gradients come from `tf.variableGrads` over a ParamTree of those variables
 *   keyed by weight name;
 * - a functional model `{ params, state?, apply(params, x, { training, rng, state }) }`: `params` is
 *   an immutable ParamTree replaced after each step (`step` disposes the old tensors), so
 *   `model.params` always holds the current weights. `state` holds what is not trained by the
 *   optimizer but changes in training (batch-norm running statistics): a training call of `apply`
 *   returns `{ logits, state }` with the new state, which replaces `model.state` after the step;
 *   inference calls read `ctx.state`. The state is part of `weights()` (after the parameters, named
 *   `state.<path>`), so checkpoints save and restore it; the optimizer never sees it.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { type ParamTree, treeLeaves, treeLeavesWithPaths, treeMap, treeUnflatten } from '../tree/tree.js';
import { disposeTree } from '../tree/ops.js';
import { InvalidArgumentError, TreeMismatchError } from '../errors.js';
import type { Rng } from '../engine/rng.js';
import { step, stepVariables, type GradientTransformation } from '../optim/transform.js';

/** What a functional model's `apply` receives besides params and input. */
export interface ApplyContext {
  /** True while training (dropout on, batch statistics), false for evaluation. */
  training: boolean;
  /** The run's seeded generator for dropout masks and the like (saved in checkpoints). */
  rng: Rng;
  /** The model's current non-trainable state (`model.state`), when it has one. */
  state?: ParamTree;
}

/** What `apply` may return instead of bare logits: the logits and, in training, the new state. */
export interface ApplyResult {
  logits: tf.Tensor;
  /** The state after this batch (training calls); `fit` stores it in `model.state`. */
  state?: ParamTree;
}

/**
 * A model as plain data and a pure function: logits = apply(params, x, ctx), or `{ logits, state }`
 * for a model with non-trainable state (see the module comment).
 *
 * @example
 * // batch norm's running mean as state: updated in training, used in inference
 * const model: FunctionalModel = {
 *   params: { w: tf.randomNormal([4, 3]) },
 *   state: { mean: tf.zeros([3]) },
 *   apply(params, x, { training, state }) {
 *     const h = tf.matMul(x, params.w as tf.Tensor);
 *     const running = (state as { mean: tf.Tensor }).mean;
 *     if (!training) return tf.sub(h, running);
 *     const mean = tf.mean(h, 0);
 *     return { logits: tf.sub(h, mean), state: { mean: tf.add(tf.mul(running, 0.9), tf.mul(mean, 0.1)) } };
 *   },
 * };
 */
export interface FunctionalModel {
  params: ParamTree;
  /** Non-trainable state (running statistics), replaced by what training calls of `apply` return. */
  state?: ParamTree;
  apply(params: ParamTree, x: tf.Tensor, ctx: ApplyContext): tf.Tensor | ApplyResult;
}

/** The logits and new state of an `apply` result, whichever form it took. */
export function applyResult(out: tf.Tensor | ApplyResult): ApplyResult {
  return out instanceof tf.Tensor ? { logits: out } : out;
}

/** Either model kind `fit` accepts. */
export type Model = LayersModel | FunctionalModel;

/** The uniform view of a model that the loop, callbacks and checkpoints use. */
export interface ModelAdapter {
  readonly kind: 'layers' | 'functional';
  /** The model it wraps (e.g. for callbacks that need the LayersModel's layers). */
  readonly source: Model;
  /** The trainable parameters as a ParamTree (live tensors: do not dispose). */
  trainable(): ParamTree;
  /** Every weight to save or restore (trainable and not, e.g. batch-norm statistics), by position. */
  weights(): Array<[name: string, value: tf.Tensor]>;
  /** Overwrites every weight, by position, with copies of `values` (the caller keeps its tensors). */
  setWeights(values: tf.Tensor[]): void;
  /** Logits for a batch. */
  forward(x: tf.Tensor, training: boolean, rng: Rng): tf.Tensor;
  /**
   * Loss value and gradients of the trainable tree; `logits` is kept for metrics. The caller
   * disposes all three.
   */
  lossAndGrads(
    lossOf: (logits: tf.Tensor) => tf.Scalar,
    x: tf.Tensor,
    rng: Rng,
  ): { loss: tf.Scalar; grads: ParamTree; logits: tf.Tensor };
  /** One optimizer update of the trainable weights; returns the new optimizer state. */
  update<S>(tx: GradientTransformation<S>, grads: ParamTree, state: S): S;
}

/** True for a functional model `{ params, apply }`. */
export function isFunctionalModel(m: unknown): m is FunctionalModel {
  return m !== null && typeof m === 'object' && 'params' in m && typeof (m as FunctionalModel).apply === 'function';
}

/** Wraps either model kind; throws InvalidArgumentError for anything else. */
export function adaptModel(model: Model): ModelAdapter {
  if (isFunctionalModel(model)) return functionalAdapter(model);
  if (model !== null && typeof model === 'object' && Array.isArray((model as LayersModel).trainableWeights))
    return layersAdapter(model as LayersModel);
  throw new InvalidArgumentError('model', model, 'a tf.LayersModel or a functional model { params, apply }');
}

function checkCount(values: tf.Tensor[], names: Array<[string, tf.Tensor]>): void {
  if (values.length !== names.length)
    throw new TreeMismatchError(`setWeights: ${values.length} tensors given for a model of ${names.length} weights`);
  values.forEach((v, i) => {
    if (!tf.util.arraysEqual(v.shape, names[i][1].shape))
      throw new TreeMismatchError(`setWeights: weight ${i} (${names[i][0]}) has shape [${names[i][1].shape}], got [${v.shape}]`);
  });
}

function functionalAdapter(model: FunctionalModel): ModelAdapter {
  const stateLeaves = (): Array<[string, tf.Tensor]> =>
    model.state === undefined ? [] : treeLeavesWithPaths(model.state).map(([p, t]) => [p === '' ? 'state' : `state.${p}`, t]);
  /** Frees the tensors of a state `apply` returned that are not the model's own. */
  const dropState = (state: ParamTree | undefined): void => {
    if (state !== undefined) disposeTree(state, model.state ?? []);
  };
  return {
    kind: 'functional',
    source: model,
    trainable: () => model.params,
    weights: () => [...treeLeavesWithPaths(model.params), ...stateLeaves()],
    setWeights(values) {
      checkCount(values, [...treeLeavesWithPaths(model.params), ...stateLeaves()]);
      const nParams = treeLeaves(model.params).length;
      const oldParams = treeLeaves(model.params);
      model.params = treeUnflatten(model.params, values.slice(0, nParams).map((v) => tf.clone(v)));
      oldParams.forEach((t) => t.dispose());
      if (model.state !== undefined) {
        const oldState = treeLeaves(model.state);
        model.state = treeUnflatten(model.state, values.slice(nParams).map((v) => tf.clone(v)));
        oldState.forEach((t) => t.dispose());
      }
    },
    forward(x, training, rng) {
      const out = applyResult(model.apply(model.params, x, { training, rng, state: model.state }));
      dropState(out.state);
      return out.logits;
    },
    lossAndGrads(lossOf, x, rng) {
      const leaves = treeLeaves(model.params);
      let logits: tf.Tensor | undefined;
      let state: ParamTree | undefined;
      const f = (...ls: tf.Tensor[]): tf.Scalar => {
        const out = applyResult(model.apply(treeUnflatten(model.params, ls), x, { training: true, rng, state: model.state }));
        logits = tf.keep(out.logits);
        if (out.state !== undefined) state = treeMap((t) => tf.keep(t), out.state);
        return lossOf(logits);
      };
      const { value, grads } = tf.valueAndGrads(f)(leaves);
      if (state !== undefined) {
        if (model.state === undefined) {
          disposeTree([value, grads, logits ?? [], state]);
          throw new InvalidArgumentError('model.state', undefined, 'a ParamTree when apply returns { logits, state } (the initial state)');
        }
        const old = model.state;
        model.state = state;
        disposeTree(old, state);
      }
      return { loss: value as tf.Scalar, grads: treeUnflatten(model.params, grads), logits: logits as tf.Tensor };
    },
    update(tx, grads, state) {
      const next = step(tx, model.params, grads, state);
      model.params = next.params;
      return next.state;
    },
  };
}

function layersAdapter(model: LayersModel): ModelAdapter {
  const trainableTree = (): { [name: string]: tf.Variable } => {
    const tree: { [name: string]: tf.Variable } = {};
    for (const w of model.trainableWeights) tree[w.name] = w.read() as tf.Variable;
    return tree;
  };
  const weights = (): Array<[string, tf.Tensor]> => model.weights.map((w) => [w.name, w.read()]);
  return {
    kind: 'layers',
    source: model,
    trainable: trainableTree,
    weights,
    setWeights(values) {
      checkCount(values, weights());
      model.weights.forEach((w, i) => (w.read() as tf.Variable).assign(values[i]));
    },
    forward: (x, training) => model.apply(x, { training }) as tf.Tensor,
    lossAndGrads(lossOf, x) {
      const vars = trainableTree();
      let logits: tf.Tensor | undefined;
      const { value, grads } = tf.variableGrads(() => {
        logits = tf.keep(model.apply(x, { training: true }) as tf.Tensor);
        return lossOf(logits);
      }, Object.values(vars));
      return { loss: value, grads, logits: logits as tf.Tensor };
    },
    update: (tx, grads, state) => stepVariables(tx, trainableTree(), grads, state),
  };
}
