/**
 * Independent uniform sampling: every parameter drawn on its own, uniformly over its distribution
 * (in log space when `log`; on the grid of `step`). It is the study's default sampler until the
 * samplers of tune/samplers/ are wired in through `defaultSampler()` and the registry.
 *
 * Rules (Optuna 3.1's RandomSampler): float: uniform in [low, high] (log: in [ln low, ln high]);
 * with a step, one of low + k·step, k uniform in 0..(high − low)/step. int: the same grid; log:
 * uniform in [ln(low − 0.5), ln(high + 0.5)], rounded and clamped. categorical: a uniform index.
 */
import { randomBytes } from 'node:crypto';
import { Rng } from '../engine/rng.js';
import { checkNumber } from '../errors.js';
import type { Distribution, ParamValue } from '../store/types.js';
import type { Sampler } from './types.js';

/** One value of `d`, drawn uniformly with `rng`. */
export function sampleUniform(d: Distribution, rng: Rng): ParamValue {
  if (d.type === 'categorical') return d.choices[rng.int(d.choices.length)];
  if (d.log) {
    if (d.type === 'float') return Math.min(d.high, Math.max(d.low, Math.exp(rng.uniform(Math.log(d.low), Math.log(d.high)))));
    const x = Math.round(Math.exp(rng.uniform(Math.log(d.low - 0.5), Math.log(d.high + 0.5))));
    return Math.min(d.high, Math.max(d.low, x));
  }
  if (d.step === undefined) return d.low === d.high ? d.low : rng.uniform(d.low, d.high);
  const n = Math.round((d.high - d.low) / d.step);
  const v = d.low + rng.int(n + 1) * d.step;
  // Keep grid floats tidy (0.1 + 2·0.1 prints as 0.3) and inside the range.
  return Math.min(d.high, d.type === 'int' ? v : +v.toPrecision(15));
}

/** A seed from the operating system's generator (53 bits). */
export function entropySeed(): number {
  return Number(randomBytes(8).readBigUInt64LE() >> 11n);
}

/**
 * A sampler that draws every parameter independently and uniformly. `seed` undefined: seeded from
 * the operating system, so parallel workers draw different points.
 *
 * @example
 * const study = await createStudy({ name: 'quick', sampler: uniformSampler({ seed: 0 }) });
 */
export function uniformSampler(options: { seed?: number } = {}): Sampler {
  const { seed } = { seed: undefined, ...options };
  if (seed !== undefined) checkNumber('seed', seed, { integer: true });
  const rng = new Rng(seed ?? entropySeed());
  return {
    description: `random(seed=${seed ?? 'none'})`,
    sample: ({ distribution }) => sampleUniform(distribution, rng),
  };
}
