/** AdamW: Adam with decoupled weight decay. */
import type { ScalarOrSchedule } from './hyperparameter.js';
import { chain, type GradientTransformation } from './transform.js';
import { adamHyperparameters, isConstant, passOn } from './hyperparameter.js';
import type { Mask } from './masked.js';
import { scaleByLearningRate } from './scale.js';
import { scaleByAdam } from './scale_by_adam.js';
import { addDecayedWeights } from './weight_decay.js';
import { withAdamStep } from './adam_step.js';

export interface AdamwOptions {
  /** Step size α ≥ 0, a number or a schedule. Required. */
  learningRate: ScalarOrSchedule;
  /** First-moment decay, in [0, 1). Default 0.9. */
  b1?: ScalarOrSchedule;
  /** Second-moment decay, in [0, 1). Default 0.999. */
  b2?: ScalarOrSchedule;
  /** Added to √v̂ (outside the root), > 0. Default 1e-8. */
  eps?: ScalarOrSchedule;
  /** Decoupled weight decay λ ≥ 0: θ ← θ − α·λ·θ each step. Default 0.01 (PyTorch). */
  weightDecay?: ScalarOrSchedule;
  /** Which leaves to decay (e.g. `decayMask`: kernels only). Default: all. */
  mask?: Mask;
}

/**
 * AdamW (Loshchilov & Hutter 2019), numerics of torch.optim.AdamW:
 *   θ ← θ − α·(m̂/(√v̂ + ε) + λθ)
 * The decay does not pass through Adam's per-parameter scaling, so every weight shrinks by the
 * same factor 1 − αλ per step (scaled with the learning-rate schedule, as in PyTorch).
 * = `chain(scaleByAdam(o), addDecayedWeights(λ, { mask }), scaleByLearningRate(α))`.
 *
 * @example
 * const opt = adamw({ learningRate: 1e-3, weightDecay: 0.05, mask: decayMask });
 */
export function adamw(options: AdamwOptions): GradientTransformation {
  const o = { b1: 0.9, b2: 0.999, eps: 1e-8, weightDecay: 0.01, ...options };
  const { lr, wd, b1, b2, eps } = adamHyperparameters(o);
  const steps = chain(
    scaleByAdam({ b1: passOn(b1), b2: passOn(b2), eps: passOn(eps) }),
    ...(isConstant(wd, 0) ? [] : [addDecayedWeights(passOn(wd), { mask: o.mask })]),
    scaleByLearningRate(passOn(lr)),
  );
  // The same step in one fused kernel per leaf where the engine has one (adam_step.ts).
  return withAdamStep(steps, { lr, wd, b1, b2, eps, biasCorrection: true, decay: 'decoupled', mask: o.mask });
}
