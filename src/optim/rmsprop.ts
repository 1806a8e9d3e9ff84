/** RMSProp: AdaGrad with a leaky (exponentially decaying) sum of squares. */
import { InvalidArgumentError } from '../errors.js';
import type { ScalarOrSchedule } from './hyperparameter.js';
import { chain, type GradientTransformation } from './transform.js';
import { hyperparameter, isConstant, passOn, RANGES } from './hyperparameter.js';
import { scaleByLearningRate } from './scale.js';
import { scaleByRms } from './scale_by_rms.js';
import { trace } from './trace.js';

export interface RmspropOptions {
  /** Step size α ≥ 0, a number or a schedule. Required. */
  learningRate: ScalarOrSchedule;
  /** Decay of the running average of g², in [0, 1). Default 0.99 (PyTorch's `alpha`). */
  decay?: ScalarOrSchedule;
  /** Added to the root, > 0. Default 1e-8. */
  eps?: ScalarOrSchedule;
  /** Momentum ρ ≥ 0 on the preconditioned gradient. Default 0. */
  momentum?: ScalarOrSchedule;
  /** Divide by the running standard deviation instead of the RMS. Default false. */
  centered?: boolean;
}

/**
 * RMSProp (Hinton, lecture 6e, 2012), "leaky AdaGrad", exactly torch.optim.RMSprop:
 *   s ← δs + (1−δ)g²;  d ← √s + ε   (centered: ḡ ← δḡ + (1−δ)g;  d ← √(s − ḡ²) + ε)
 *   without momentum: θ ← θ − α·g/d;   with momentum ρ: b ← ρb + g/d;  θ ← θ − α·b
 * = `chain(scaleByRms({ decay, eps, centered }), trace({ decay: ρ }), scaleByLearningRate(α))`.
 *
 * @example
 * const opt = rmsprop({ learningRate: 1e-3, decay: 0.9, momentum: 0.9, centered: true });
 */
export function rmsprop(options: RmspropOptions): GradientTransformation {
  const o = { decay: 0.99, eps: 1e-8, momentum: 0, centered: false, ...options };
  const lr = hyperparameter('learningRate', o.learningRate, RANGES.learningRate);
  const decay = hyperparameter('decay', o.decay, RANGES.beta);
  const eps = hyperparameter('eps', o.eps, RANGES.eps);
  const momentum = hyperparameter('momentum', o.momentum, RANGES.nonNegative);
  if (typeof o.centered !== 'boolean') throw new InvalidArgumentError('centered', o.centered, 'a boolean');
  return chain(
    scaleByRms({ decay: passOn(decay), eps: passOn(eps), centered: o.centered }),
    ...(isConstant(momentum, 0) ? [] : [trace({ decay: passOn(momentum) })]),
    scaleByLearningRate(passOn(lr)),
  );
}
