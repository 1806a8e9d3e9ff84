/**
 * Gradient transformations, the Optax way: an optimizer is a pair of pure functions,
 * `init(params) → state` and `update(grads, state, params) → [updates, state]`, and named optimizers
 * are chains of small transformations.
 *
 * Memory contract (TensorFlow.js tensors are not garbage-collected):
 * - `update` never disposes its inputs and returns tensors the caller owns. The new state may share
 *   tensors with the old one (a stateless transform returns the same state object); use
 *   `disposeTree(oldState, newState)` to free exactly what was replaced, or let `step()` do it.
 * - Per-parameter state lives in tensors; counters live in plain numbers, so reading the step
 *   never syncs with the device and the state serialises as plain data.
 */
import * as tf from '@tensorflow/tfjs-core';
import { type ParamTree, treeMap } from '../tree/tree.js';
import { disposeTree } from '../tree/ops.js';

export interface GradientTransformation<S = unknown> {
  init(params: ParamTree): S;
  update(grads: ParamTree, state: S, params?: ParamTree): [updates: ParamTree, state: S];
  /**
   * Optional: the whole step at once, `applyUpdates(params, update(grads, state, params))` and the
   * new state, as the same numbers, in fewer passes over memory (`adam` and `adamw` have one: a
   * single fused kernel per leaf). Returns `undefined`, having allocated nothing, where it does not
   * apply (e.g. no fused kernel on this backend); `step` and `stepVariables` then run `update`. It
   * disposes nothing; the returned tensors belong to the caller. A wrapper (`masked`, `multiSteps`,
   * `chain`, ...) builds a new object without it, so it never bypasses what a wrapper adds.
   */
  fusedStep?(params: ParamTree, grads: ParamTree, state: S): [params: ParamTree, state: S] | undefined;
}

/** The state of a transformation that keeps none. */
export type EmptyState = Record<string, never>;
export const EMPTY_STATE: EmptyState = Object.freeze({}) as EmptyState;

/** params + updates, leaf by leaf (new tensors; the inputs are not disposed). */
export function applyUpdates(params: ParamTree, updates: ParamTree): ParamTree {
  return treeMap((p, u) => tf.add(p, u), params, updates);
}

/**
 * Composes transformations left to right: the updates of each feed the next. The state is the
 * tuple of the children's states. Intermediate updates are disposed as soon as the next transform
 * has consumed them (the first transform's input, `grads`, belongs to the caller and is kept).
 */
export function chain(...transforms: GradientTransformation<any>[]): GradientTransformation<unknown[]> {
  return {
    init: (params) => transforms.map((t) => t.init(params)),
    update(grads, state, params) {
      const next: unknown[] = [];
      let updates = grads;
      transforms.forEach((t, i) => {
        const [u, s] = t.update(updates, state[i], params);
        next.push(s);
        // The previous updates are consumed; keep anything still referenced (a transform may
        // return a tensor of its own state as its updates, as `trace` does).
        if (updates !== grads && u !== updates) disposeTree(updates, [u, next, grads, params]);
        updates = u;
      });
      return [updates, next];
    },
  };
}

/**
 * One optimizer step on an immutable parameter tree: returns the new params and state, disposing
 * the old params, the intermediate updates and whatever state tensors were replaced. The caller's
 * grads are not disposed.
 *
 * @example
 * let { params, state } = { params: p0, state: opt.init(p0) };
 * ({ params, state } = step(opt, params, grads, state));
 */
export function step<S>(
  transform: GradientTransformation<S>,
  params: ParamTree,
  grads: ParamTree,
  state: S,
): { params: ParamTree; state: S } {
  const fused = transform.fusedStep?.(params, grads, state);
  if (fused !== undefined) {
    const [newParams, newState] = fused;
    disposeTree(state, newState);
    disposeTree(params, [newParams, newState, grads]);
    return { params: newParams, state: newState };
  }
  const [updates, newState] = transform.update(grads, state, params);
  const newParams = applyUpdates(params, updates);
  disposeTree(updates, [grads, newState]);
  disposeTree(state, newState);
  disposeTree(params, [newParams, newState]);
  return { params: newParams, state: newState };
}

/**
 * One step on trainable variables in place (the tfjs-layers route): `v.assign(v + u)`.
 * Disposes the updates and the replaced state tensors; returns the new state.
 */
export function stepVariables<S>(
  transform: GradientTransformation<S>,
  variables: ParamTree,
  grads: ParamTree,
  state: S,
): S {
  const fused = transform.fusedStep?.(variables, grads, state);
  if (fused !== undefined) {
    const [values, newState] = fused;
    // assign takes a reference to the value's buffer; disposing the value then leaves it to the variable.
    treeMap((v, value) => {
      (v as tf.Variable).assign(value);
      value.dispose();
      return v;
    }, variables, values);
    disposeTree(state, [newState, variables]);
    return newState;
  }
  const [updates, newState] = transform.update(grads, state, variables);
  treeMap((v, u) => {
    tf.tidy(() => (v as tf.Variable).assign(tf.add(v, u)));
    return v;
  }, variables, updates);
  disposeTree(updates, [grads, newState, variables]);
  disposeTree(state, [newState, variables]);
  return newState;
}
