/** Adam, with optional coupled L2 weight decay (torch.optim.Adam's `weight_decay`). */
import { InvalidArgumentError } from '../errors.js';
import type { ScalarOrSchedule } from './hyperparameter.js';
import { chain, type GradientTransformation } from './transform.js';
import { adamHyperparameters, isConstant, passOn } from './hyperparameter.js';
import { scaleByLearningRate } from './scale.js';
import { scaleByAdam } from './scale_by_adam.js';
import { addDecayedWeights } from './weight_decay.js';
import { withAdamStep } from './adam_step.js';

export interface AdamOptions {
  /** Step size α ≥ 0, a number or a schedule. Required. */
  learningRate: ScalarOrSchedule;
  /** First-moment decay, in [0, 1). Default 0.9. */
  b1?: ScalarOrSchedule;
  /** Second-moment decay, in [0, 1). Default 0.999. */
  b2?: ScalarOrSchedule;
  /** Added to √v̂ (outside the root), > 0. Default 1e-8. */
  eps?: ScalarOrSchedule;
  /** Coupled L2 weight decay: g ← g + wd·θ before the moments. Default 0 (see `adamw` for decoupled). */
  weightDecay?: ScalarOrSchedule;
  /** Bias-correct the moments. Default true; false is the lecture's "almost Adam". */
  biasCorrection?: boolean;
}

/**
 * Adam (Kingma & Ba 2015), numerics of torch.optim.Adam:
 *   g ← g + wd·θ;  m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²;  θ ← θ − α·m̂/(√v̂ + ε)
 * with m̂ = m/(1−β₁ᵗ), v̂ = v/(1−β₂ᵗ) — momentum (m) plus RMSProp's scaling (v). See `scaleByAdam`
 * for why the bias correction matters. = `chain(addDecayedWeights(wd), scaleByAdam(o), scaleByLearningRate(α))`.
 * Coupled decay is also divided by √v̂, so heavily-updated weights are barely decayed: prefer `adamw`.
 *
 * @example
 * const opt = adam({ learningRate: 1e-3 });
 */
export function adam(options: AdamOptions): GradientTransformation {
  const o = { b1: 0.9, b2: 0.999, eps: 1e-8, weightDecay: 0, biasCorrection: true, ...options };
  const { lr, wd, b1, b2, eps } = adamHyperparameters(o);
  if (typeof o.biasCorrection !== 'boolean')
    throw new InvalidArgumentError('biasCorrection', o.biasCorrection, 'a boolean');
  const steps = chain(
    ...(isConstant(wd, 0) ? [] : [addDecayedWeights(passOn(wd))]),
    scaleByAdam({ b1: passOn(b1), b2: passOn(b2), eps: passOn(eps), biasCorrection: o.biasCorrection }),
    scaleByLearningRate(passOn(lr)),
  );
  // The same step in one fused kernel per leaf where the engine has one (adam_step.ts).
  return withAdamStep(steps, { lr, wd, b1, b2, eps, biasCorrection: o.biasCorrection, decay: 'coupled' });
}
