/**
 * Optax's `inject_hyperparams`: an optimizer whose state holds the current value of each numeric
 * hyperparameter, so a training loop (or a person reading a checkpoint) sees the numbers the last
 * update used. trainkit's named optimizers already report their learning rate (see
 * `scaleByLearningRate`); this wrapper reports every numeric option, of any optimizer factory.
 */
import type { GradientTransformation } from './transform.js';

/** The state of an injected optimizer. */
export interface InjectedState<S = unknown> {
  /** Updates done so far: the step the schedules are read at. */
  count: number;
  /**
   * The value of every numeric (or scheduled) option at the last update (before the first: at
   * step 0), as plain numbers.
   */
  hyperparams: Record<string, number>;
  /** The wrapped optimizer's state. */
  inner: S;
}

/**
 * Wraps an optimizer factory so that its numeric hyperparameters live in the state: at each
 * update, every option that is a schedule is read at the step, the factory builds the optimizer
 * with those numbers, and the numbers are kept in `state.hyperparams`. Options that are neither
 * numbers nor functions (masks, flags) pass through unchanged.
 *
 * As in Optax, the inner optimizer sees constants: a transform that integrates a scheduled value
 * over time (Adam's bias correction with scheduled betas uses the product of the betas seen so far)
 * sees only the current one. The learning rate, a plain multiplier, gives the same updates as when
 * the schedule is handed to the optimizer itself.
 *
 * @example
 * const opt = injectHyperparams(adamw)({ learningRate: warmupCosine({ peak: 1e-3, warmupSteps: 100, decaySteps: 900 }), weightDecay: 0.05 });
 * let state = opt.init(params);
 * ({ params, state } = step(opt, params, grads, state));
 * state.hyperparams.learningRate; // the rate update 1 used
 */
export function injectHyperparams<O extends object>(
  factory: (options: O) => GradientTransformation<any>,
): (options: O) => GradientTransformation<InjectedState> {
  return (options) => {
    const valuesAt = (step: number): Record<string, number> => {
      const values: Record<string, number> = {};
      for (const [key, v] of Object.entries(options)) {
        if (typeof v === 'number') values[key] = v;
        else if (typeof v === 'function') values[key] = (v as (s: number) => number)(step);
      }
      return values;
    };
    const at = (step: number): { values: Record<string, number>; tx: GradientTransformation<any> } => {
      const values = valuesAt(step);
      return { values, tx: factory({ ...options, ...values }) };
    };
    at(0); // checks the options now, as the factory itself would
    return {
      init(params) {
        const { values, tx } = at(0);
        return { count: 0, hyperparams: values, inner: tx.init(params) };
      },
      update(grads, state, params) {
        const { values, tx } = at(state.count);
        const [updates, inner] = tx.update(grads, state.inner, params);
        return [updates, { count: state.count + 1, hyperparams: values, inner }];
      },
    };
  };
}
