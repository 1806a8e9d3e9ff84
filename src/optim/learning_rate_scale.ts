/**
 * A multiplier of the learning rate that lives in the optimizer state: what `reduceLROnPlateau`
 * lowers. Keeping it in the state (not in a closure) means a checkpoint saves it and a resumed run
 * continues with it, and nothing outside the state has to be wired to the optimizer.
 *
 * Multiplying the final update by s is the same as multiplying the learning rate by s for every
 * optimizer whose update is linear in the learning rate (all of trainkit's named ones).
 */
import * as tf from '@tensorflow/tfjs-core';
import { checkNumber } from '../errors.js';
import { disposeTree } from '../tree/ops.js';
import { type ParamTree, treeMap } from '../tree/tree.js';
import type { GradientTransformation } from './transform.js';

/** The state of `withLearningRateScale`. */
export interface ScaledState<S = unknown> {
  /** The wrapped optimizer's state. */
  optimizer: S;
  /** The multiplier of the wrapped optimizer's updates (1: untouched). A plain number. */
  lrScale: number;
}

/**
 * Wraps `tx` so its updates are multiplied by `state.lrScale` (1 at init: the updates pass through
 * bit for bit). Change the scale between updates with `scaleLearningRate`. At scale 1 it keeps
 * `tx`'s `fusedStep` (adam's and adamw's whole step in one kernel); at any other scale it runs `update`.
 *
 * @example
 * const opt = withLearningRateScale(adamw({ learningRate: 1e-3 }));
 * let state = opt.init(params);
 * state = scaleLearningRate(state, 0.1); // the next updates use 1e-4
 */
export function withLearningRateScale<S>(tx: GradientTransformation<S>): GradientTransformation<ScaledState<S>> {
  return {
    init: (params) => ({ optimizer: tx.init(params), lrScale: 1 }),
    update(grads, state, params) {
      const [updates, inner] = tx.update(grads, state.optimizer, params);
      const next = { optimizer: inner, lrScale: state.lrScale };
      if (state.lrScale === 1) return [updates, next];
      const s = tf.scalar(state.lrScale);
      const scaled = treeMap((u) => tf.mul(u, s), updates);
      s.dispose();
      // The inner updates are consumed; keep the caller's grads and anything the state holds.
      disposeTree(updates, [grads, inner, params ?? []]);
      return [scaled, next];
    },
    // At scale 1 the updates pass through, so the inner optimizer's whole-step fusion still applies.
    ...(tx.fusedStep === undefined
      ? {}
      : {
          fusedStep(params: ParamTree, grads: ParamTree, state: ScaledState<S>): [ParamTree, ScaledState<S>] | undefined {
            if (state.lrScale !== 1) return undefined;
            const out = tx.fusedStep!(params, grads, state.optimizer);
            return out === undefined ? undefined : [out[0], { optimizer: out[1], lrScale: 1 }];
          },
        }),
  };
}

/**
 * A new state whose scale is `state.lrScale × factor`, floored at `minScale` (default 0). Plain
 * data in, plain data out: the tensors are shared with `state`, not copied.
 *
 * @example
 * state = scaleLearningRate(state, 0.5, 0.01);
 */
export function scaleLearningRate<S>(state: ScaledState<S>, factor: number, minScale = 0): ScaledState<S> {
  checkNumber('factor', factor, { min: 0 });
  checkNumber('minScale', minScale, { min: 0 });
  return { optimizer: state.optimizer, lrScale: Math.max(minScale, state.lrScale * factor) };
}
