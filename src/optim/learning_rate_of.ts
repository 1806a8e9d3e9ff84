/**
 * Reading the learning rate an optimizer used from its state, without asking the caller for it:
 * `scaleByLearningRate` (the last link of every named optimizer) and `injectHyperparams` keep the
 * rate of their last update in their state as a plain number, under the key `learningRate`.
 */
import * as tf from '@tensorflow/tfjs-core';

/**
 * The learning rate reported anywhere in an optimizer state (a chain's tuple, a wrapper's inner
 * state, ...): the value of every `learningRate` number found, when they agree. `undefined` when
 * the state reports none (a hand-written transform) or several that differ (per-group rates: no
 * single rate exists). Reads plain numbers only: no device sync.
 *
 * @example
 * const opt = chain(clipByGlobalNorm(1), adamw({ learningRate: cosineDecay({ init: 1e-3, decaySteps: 100 }) }));
 * let state = opt.init(params);
 * ({ params, state } = step(opt, params, grads, state));
 * learningRateOf(state); // 1e-3: the rate of update 1 (step 0 of the schedule)
 */
export function learningRateOf(state: unknown): number | undefined {
  const found = new Set<number>();
  const walk = (node: unknown): void => {
    if (node === null || typeof node !== 'object' || node instanceof tf.Tensor) return;
    if (Array.isArray(node)) return node.forEach(walk);
    for (const [key, value] of Object.entries(node)) {
      if (key === 'learningRate' && typeof value === 'number') found.add(value);
      else walk(value);
    }
  };
  walk(state);
  return found.size === 1 ? [...found][0] : undefined;
}
