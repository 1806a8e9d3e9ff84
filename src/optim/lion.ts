/** Lion: sign of an interpolated momentum, with decoupled weight decay. */
import type { ScalarOrSchedule } from './hyperparameter.js';
import { chain, type GradientTransformation } from './transform.js';
import { hyperparameter, isConstant, passOn, RANGES } from './hyperparameter.js';
import type { Mask } from './masked.js';
import { scaleByLearningRate } from './scale.js';
import { scaleByLion } from './scale_by_lion.js';
import { addDecayedWeights } from './weight_decay.js';

export interface LionOptions {
  /** Step size α ≥ 0, a number or a schedule; usually 3–10× smaller than AdamW's. Required. */
  learningRate: ScalarOrSchedule;
  /** Interpolation for the sign, in [0, 1). Default 0.9. */
  b1?: ScalarOrSchedule;
  /** Momentum decay, in [0, 1). Default 0.99. */
  b2?: ScalarOrSchedule;
  /** Decoupled weight decay λ ≥ 0 (usually 3–10× AdamW's). Default 0. */
  weightDecay?: ScalarOrSchedule;
  /** Which leaves to decay. Default: all. */
  mask?: Mask;
}

/**
 * Lion (Chen et al. 2023, "Symbolic Discovery of Optimization Algorithms", Algorithm 2):
 *   c = β₁m + (1−β₁)g;  θ ← θ − α·(sign(c) + λθ);  m ← β₂m + (1−β₂)g
 * = `chain(scaleByLion(o), addDecayedWeights(λ), scaleByLearningRate(α))`. One state tensor per
 * parameter (Adam keeps two). No PyTorch reference exists; it is tested against the paper's formula.
 *
 * @example
 * const opt = lion({ learningRate: 1e-4, weightDecay: 0.1 });
 */
export function lion(options: LionOptions): GradientTransformation {
  const o = { b1: 0.9, b2: 0.99, weightDecay: 0, ...options };
  const lr = hyperparameter('learningRate', o.learningRate, RANGES.learningRate);
  const wd = hyperparameter('weightDecay', o.weightDecay, RANGES.nonNegative);
  const [b1, b2] = [hyperparameter('b1', o.b1, RANGES.beta), hyperparameter('b2', o.b2, RANGES.beta)];
  return chain(
    scaleByLion({ b1: passOn(b1), b2: passOn(b2) }),
    ...(isConstant(wd, 0) ? [] : [addDecayedWeights(passOn(wd), { mask: o.mask })]),
    scaleByLearningRate(passOn(lr)),
  );
}
