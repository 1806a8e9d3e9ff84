/**
 * Random search: every parameter drawn independently and uniformly in its transformed space.
 */
import { InvalidArgumentError } from '../../errors.js';
import type { Rng } from '../../engine/rng.js';
import type { Distribution, ParamValue } from '../../store/types.js';
import type { Sampler } from '../types.js';
import { checkDistribution, transformedBounds, untransform } from './distribution.js';
import { trialRng } from './trial_rng.js';

export interface RandomSamplerOptions {
  /** Seed of the sampler's generator (default 0). */
  seed?: number;
}

const DEFAULTS: Required<RandomSamplerOptions> = { seed: 0 };

/**
 * One value drawn uniformly from `d` with `rng`: uniform in [low, high] for floats, in log space for
 * log distributions, uniform over the step grid for stepped floats and ints (each grid value owns an
 * interval of width `step` around it), and for log ints uniform in [log(low − ½), log(high + ½)]
 * then rounded; a categorical choice with equal probability. Optuna 3.1's RandomSampler rules.
 */
export function sampleUniform(d: Distribution, rng: Rng): ParamValue {
  if (d.type === 'categorical') return d.choices[rng.int(d.choices.length)];
  const [low, high] = transformedBounds(d);
  return untransform(d, rng.uniform(low, high));
}

/**
 * A sampler that draws every parameter independently and uniformly (see `sampleUniform`). The
 * baseline every other sampler must beat; also TPE's startup phase. A draw is a pure function of
 * (seed, trial number, parameter name), so workers sharing a seed do not repeat each other.
 *
 * Defaults: seed 0. Source: Bergstra & Bengio, "Random Search for Hyper-Parameter Optimization"
 * (JMLR 2012); sampling rules of Optuna 3.1's RandomSampler.
 *
 * @example
 * const sampler = randomSampler({ seed: 1 });
 * sampler.sample({ study, trials, trial, name: 'lr', distribution: { type: 'float', low: 1e-5, high: 1e-1, log: true } });
 */
export function randomSampler(options: RandomSamplerOptions = {}): Sampler {
  const o = { ...DEFAULTS, ...options };
  if (!Number.isSafeInteger(o.seed)) throw new InvalidArgumentError('seed', o.seed, 'a safe integer');
  return {
    description: `random(seed=${o.seed})`,
    sample: (ctx) => {
      const { name, distribution } = ctx;
      checkDistribution(name, distribution);
      return sampleUniform(distribution, trialRng(o.seed, ctx.trial.number, name));
    },
  };
}
