/** Gradient accumulation: one optimizer update per k micro-batches. */
import * as tf from '@tensorflow/tfjs-core';
import type { ParamTree } from '../tree/tree.js';
import { disposeTree, treeZerosLike } from '../tree/ops.js';
import { checkNumber } from '../errors.js';
import type { GradientTransformation } from './transform.js';
import { mapLeaf, withScalars } from './leafwise.js';

export interface MultiStepsState<S> {
  /** Micro-batches accumulated since the last real update, 0 … k−1 (plain number). */
  miniStep: number;
  /** Sum of the gradients of those micro-batches. */
  accumulated: ParamTree;
  /** The wrapped transform's state; its counter advances once per real update. */
  inner: S;
}

/**
 * Accumulates the gradients of `k` consecutive calls and runs `inner` once on their mean: calls
 * 1 … k−1 emit zero updates, call k emits `inner`'s update (Optax's MultiSteps). This trains with
 * an effective batch k times the micro-batch when memory allows no larger one; schedules inside
 * `inner` count real updates, not micro-batches.
 *
 * @example
 * const tx = multiSteps(adamw({ learningRate: 1e-3 }), 4); // batch 32 × 4 = 128
 */
export function multiSteps<S>(inner: GradientTransformation<S>, k: number): GradientTransformation<MultiStepsState<S>> {
  checkNumber('k', k, { min: 1, integer: true });
  return {
    init: (params) => ({ miniStep: 0, accumulated: treeZerosLike(params), inner: inner.init(params) }),
    update(grads, state, params) {
      if (state.miniStep + 1 < k) {
        const accumulated = mapLeaf((a, g) => tf.add(a, g), state.accumulated, grads);
        const zeros = mapLeaf((g) => tf.zerosLike(g), grads);
        return [zeros, { miniStep: state.miniStep + 1, accumulated, inner: state.inner }];
      }
      // k = 1 passes the caller's grads straight through (they are not ours to free).
      const mean =
        k === 1
          ? grads
          : withScalars({ f: 1 / k }, ({ f }) => mapLeaf((a, g) => tf.mul(tf.add(a, g), f), state.accumulated, grads));
      let result: [ParamTree, S];
      try {
        result = inner.update(mean, state.inner, params);
      } catch (e) {
        if (mean !== grads) disposeTree(mean);
        throw e;
      }
      const [u, innerState] = result;
      // `inner` may return the mean itself (or keep it in its state): free only what it dropped.
      if (mean !== grads) disposeTree(mean, [u, innerState]);
      // A fresh zero accumulator; the old one is replaced, so `step` frees it.
      const accumulated = k === 1 ? state.accumulated : treeZerosLike(state.accumulated);
      return [u, { miniStep: 0, accumulated, inner: innerState }];
    },
  };
}
