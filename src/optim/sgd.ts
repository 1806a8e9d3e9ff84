/** Stochastic gradient descent, with optional momentum (heavy ball or Nesterov) and L2 weight decay. */
import { InvalidArgumentError } from '../errors.js';
import type { ScalarOrSchedule } from './hyperparameter.js';
import { chain, type GradientTransformation } from './transform.js';
import { hyperparameter, isConstant, passOn, RANGES } from './hyperparameter.js';
import { scaleByLearningRate } from './scale.js';
import { trace } from './trace.js';
import { addDecayedWeights } from './weight_decay.js';

export interface SgdOptions {
  /** Step size α ≥ 0, a number or a schedule. Required. */
  learningRate: ScalarOrSchedule;
  /** Momentum ρ ≥ 0 (0.9 or 0.99 are usual). Default 0: plain SGD. */
  momentum?: ScalarOrSchedule;
  /** Nesterov momentum (needs momentum > 0). Default false. */
  nesterov?: boolean;
  /** Coupled L2 weight decay: g ← g + wd·θ before the momentum. Default 0. */
  weightDecay?: ScalarOrSchedule;
}

/**
 * SGD, numerics of torch.optim.SGD (dampening 0):
 *   g ← g + wd·θ;  v ← ρ·v + g;  θ ← θ − α·v          (Nesterov: θ ← θ − α·(g + ρ·v))
 * The lecture writes momentum the other way round: v ← ρ·v − α·g;  θ ← θ + v. With a constant α
 * the two are the same algorithm (the lecture's v is −α times PyTorch's); they differ only when α
 * changes during training, where PyTorch's form applies the new rate to the whole velocity at once.
 * Plain SGD is `chain(scaleByLearningRate(α))`; with momentum,
 * `chain(addDecayedWeights(wd), trace({ decay: ρ, nesterov }), scaleByLearningRate(α))`.
 *
 * @example
 * const opt = sgd({ learningRate: 0.1, momentum: 0.9, nesterov: true });
 * let state = opt.init(params);
 * ({ params, state } = step(opt, params, grads, state));
 */
export function sgd(options: SgdOptions): GradientTransformation {
  const o = { momentum: 0, nesterov: false, weightDecay: 0, ...options };
  const lr = hyperparameter('learningRate', o.learningRate, RANGES.learningRate);
  const momentum = hyperparameter('momentum', o.momentum, RANGES.nonNegative);
  const wd = hyperparameter('weightDecay', o.weightDecay, RANGES.nonNegative);
  if (typeof o.nesterov !== 'boolean') throw new InvalidArgumentError('nesterov', o.nesterov, 'a boolean');
  if (o.nesterov && isConstant(momentum, 0))
    throw new InvalidArgumentError('nesterov', o.nesterov, 'false when momentum is 0 (Nesterov needs momentum > 0)');
  return chain(
    ...(isConstant(wd, 0) ? [] : [addDecayedWeights(passOn(wd))]),
    ...(isConstant(momentum, 0) ? [] : [trace({ decay: passOn(momentum), nesterov: o.nesterov })]),
    scaleByLearningRate(passOn(lr)),
  );
}
