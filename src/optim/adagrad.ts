/** AdaGrad: per-parameter steps shrinking with the sum of past squared gradients. */
import type { ScalarOrSchedule } from './hyperparameter.js';
import { checkNumber } from '../errors.js';
import { chain, type GradientTransformation } from './transform.js';
import { hyperparameter, passOn, RANGES } from './hyperparameter.js';
import { scaleByLearningRate } from './scale.js';
import { scaleByRss } from './scale_by_rss.js';

export interface AdagradOptions {
  /** Step size α ≥ 0, a number or a schedule. Required. */
  learningRate: ScalarOrSchedule;
  /** Added to √G, > 0. Default 1e-10 (PyTorch). */
  eps?: ScalarOrSchedule;
  /** Starting value of G, ≥ 0. Default 0. */
  initialAccumulatorValue?: number;
}

/**
 * AdaGrad (Duchi, Hazan & Singer 2011), numerics of torch.optim.Adagrad:
 *   G ← G + g²;  θ ← θ − α·g / (√G + ε)
 * = `chain(scaleByRss({ eps, initialAccumulatorValue }), scaleByLearningRate(α))`.
 *
 * @example
 * const opt = adagrad({ learningRate: 0.01 });
 */
export function adagrad(options: AdagradOptions): GradientTransformation {
  const o = { eps: 1e-10, initialAccumulatorValue: 0, ...options };
  const lr = hyperparameter('learningRate', o.learningRate, RANGES.learningRate);
  const eps = hyperparameter('eps', o.eps, RANGES.eps);
  checkNumber('initialAccumulatorValue', o.initialAccumulatorValue, RANGES.nonNegative);
  return chain(
    scaleByRss({ eps: passOn(eps), initialAccumulatorValue: o.initialAccumulatorValue }),
    scaleByLearningRate(passOn(lr)),
  );
}
