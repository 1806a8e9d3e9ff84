/**
 * The whole step of `adam` and `adamw` at once: their `fusedStep`.
 *
 * As a chain, an Adam step is a pass over each leaf per link, and one more to add the updates to
 * the parameters: the moments and the update (one fused kernel), the weight decay, the learning
 * rate's multiply, the add — four to five reads and writes of every parameter, and as many kernel
 * dispatches and allocations per leaf. `fusedStep` does it all in one kernel per leaf (engine's
 * `fusedAdamStep`), from the chain's own state, and returns the chain's own next state: the same
 * numbers, bit for bit (src/optim/adam_step.test.ts), so a run may switch between the routes at
 * any step (a checkpoint written by one resumes on the other). Where the fused kernels do not run
 * (a GPU backend, a leaf not float32), `fusedStep` returns `undefined` and the chain runs.
 */
import { type AdamStepDecay, fusedAdamStep } from '../engine/kernels/fused_adam.js';
import type { Hyperparameter } from './hyperparameter.js';
import { isConstant } from './hyperparameter.js';
import { type Mask, maskFlags } from './masked.js';
import type { LearningRateState } from './scale.js';
import { adamCoefficients, type ScaleByAdamState } from './scale_by_adam.js';
import type { GradientTransformation } from './transform.js';

/** What the chain of `adam` / `adamw` was built from. */
export interface AdamStepOptions {
  lr: Hyperparameter;
  wd: Hyperparameter;
  b1: Hyperparameter;
  b2: Hyperparameter;
  eps: Hyperparameter;
  biasCorrection: boolean;
  /**
   * Where the chain's decay link sits: before `scaleByAdam` ('coupled', `adam`'s L2) or after it
   * ('decoupled', `adamw`). A weight decay that is the constant 0 has no link.
   */
  decay: 'coupled' | 'decoupled';
  /** The decay link's mask (`adamw`'s `mask`): leaves outside it take the step without decay. */
  mask?: Mask;
}

/** A decay link's state: `addDecayedWeights`' `{ count }`, or `masked`'s `{ inner }` around it. */
type DecayState = { count: number } | { inner: DecayState };

const decayCount = (s: DecayState): number => ('inner' in s ? decayCount(s.inner) : s.count);
const nextDecayState = (s: DecayState): DecayState => ('inner' in s ? { inner: nextDecayState(s.inner) } : { count: s.count + 1 });

/**
 * `chain` (the chain `adam` or `adamw` built from `o`: `[decay?, scaleByAdam, scaleByLearningRate]`
 * or `[scaleByAdam, decay?, scaleByLearningRate]`) with a `fusedStep` that computes the chain's
 * step in one fused kernel per leaf. Hyperparameters are read at the steps the chain's links would
 * read them, in the links' order (a bad scheduled value is named as the chain names it).
 *
 * @example
 * return withAdamStep(chain(scaleByAdam(...), scaleByLearningRate(...)), { lr, wd, b1, b2, eps, biasCorrection: true, decay: 'decoupled' });
 */
export function withAdamStep(chain: GradientTransformation<unknown[]>, o: AdamStepOptions): GradientTransformation<unknown[]> {
  const hasDecay = !isConstant(o.wd, 0);
  const decayAt = !hasDecay ? -1 : o.decay === 'coupled' ? 0 : 1;
  const adamAt = hasDecay && o.decay === 'coupled' ? 1 : 0;
  return {
    init: chain.init,
    update: chain.update,
    fusedStep(params, grads, state) {
      const decayState = decayAt < 0 ? undefined : (state[decayAt] as DecayState);
      const adamState = state[adamAt] as ScaleByAdamState;
      const lrState = state[state.length - 1] as LearningRateState;
      const wdNow = () => (decayState === undefined ? 0 : o.wd.at(decayCount(decayState)));
      const wdCoupled = o.decay === 'coupled' ? wdNow() : 0;
      const c = adamCoefficients(adamState, o, o.biasCorrection);
      const wd = o.decay === 'coupled' ? wdCoupled : wdNow();
      const rate = o.lr.at(lrState.count);
      const kind: AdamStepDecay = hasDecay ? o.decay : 'none';
      const kinds = hasDecay && o.mask !== undefined ? maskFlags(o.mask, params).map((on): AdamStepDecay => (on ? kind : 'none')) : kind;
      const attrs = { b1: c.beta1, b2: c.beta2, c1: c.c1, c2: c.c2, k: -rate, wd };
      const out = fusedAdamStep(params, grads, adamState.mu, adamState.nu, attrs, kinds);
      if (out === undefined) return undefined;
      const [newParams, mu, nu] = out;
      const next = [...state];
      next[adamAt] = { count: adamState.count + 1, b1Product: c.b1Product, b2Product: c.b2Product, mu, nu } satisfies ScaleByAdamState;
      if (decayState !== undefined) next[decayAt] = nextDecayState(decayState);
      next[next.length - 1] = { count: lrState.count + 1, learningRate: rate } satisfies LearningRateState;
      return [newParams, next];
    },
  };
}
