/** LAMB: AdamW with a layer-wise trust ratio, for very large batches. */
import type { ScalarOrSchedule } from './hyperparameter.js';
import { chain, type GradientTransformation } from './transform.js';
import { adamHyperparameters, isConstant, passOn } from './hyperparameter.js';
import type { Mask } from './masked.js';
import { scaleByLearningRate } from './scale.js';
import { scaleByAdam } from './scale_by_adam.js';
import { scaleByTrustRatio } from './scale_by_trust_ratio.js';
import { addDecayedWeights } from './weight_decay.js';

export interface LambOptions {
  /** Step size α ≥ 0, a number or a schedule. Required. */
  learningRate: ScalarOrSchedule;
  /** First-moment decay, in [0, 1). Default 0.9. */
  b1?: ScalarOrSchedule;
  /** Second-moment decay, in [0, 1). Default 0.999. */
  b2?: ScalarOrSchedule;
  /** Added to √v̂, > 0. Default 1e-6 (the paper's). */
  eps?: ScalarOrSchedule;
  /** Decoupled weight decay λ ≥ 0, inside the trust ratio. Default 0. */
  weightDecay?: ScalarOrSchedule;
  /** Which leaves to decay. Default: all. */
  mask?: Mask;
}

/**
 * LAMB (You et al. 2019, "Large Batch Optimization for Deep Learning", Algorithm 2), per layer
 * (= per leaf):  r = m̂/(√v̂ + ε) + λθ;  θ ← θ − α·(‖θ‖/‖r‖)·r  (ratio 1 when a norm is 0).
 * = `chain(scaleByAdam(o), addDecayedWeights(λ), scaleByTrustRatio(), scaleByLearningRate(α))`.
 * No PyTorch reference exists; it is tested against the paper's formula.
 *
 * @example
 * const opt = lamb({ learningRate: 2e-3, weightDecay: 0.01 });
 */
export function lamb(options: LambOptions): GradientTransformation {
  const o = { b1: 0.9, b2: 0.999, eps: 1e-6, weightDecay: 0, ...options };
  const { lr, wd, b1, b2, eps } = adamHyperparameters(o);
  return chain(
    scaleByAdam({ b1: passOn(b1), b2: passOn(b2), eps: passOn(eps) }),
    ...(isConstant(wd, 0) ? [] : [addDecayedWeights(passOn(wd), { mask: o.mask })]),
    scaleByTrustRatio(),
    scaleByLearningRate(passOn(lr)),
  );
}
