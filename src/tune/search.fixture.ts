/** A minimal sampler and pruner for the tune/ tests (this file holds no tests). */
import { Rng } from '../engine/rng.js';
import type { Pruner, Sampler } from './types.js';

/** Independent uniform draws (no log, no step handling beyond the grid's ends): enough to drive a study. */
export function fixtureRandomSampler(seed: number): Sampler {
  const rng = new Rng(seed);
  return {
    description: `fixture-random(${seed})`,
    sample({ distribution: d }) {
      if (d.type === 'categorical') return d.choices[rng.int(d.choices.length)];
      if (d.type === 'int') return d.low + d.step * rng.int(Math.round((d.high - d.low) / d.step) + 1);
      if (d.step !== undefined) return d.low + d.step * rng.int(Math.round((d.high - d.low) / d.step) + 1);
      return d.log ? Math.exp(rng.uniform(Math.log(d.low), Math.log(d.high))) : rng.uniform(d.low, d.high);
    },
  };
}

/** Prunes a trial as soon as its latest intermediate value exceeds `threshold`. */
export function thresholdPruner(threshold: number): Pruner {
  return {
    description: `threshold(${threshold})`,
    shouldPrune: ({ trial }) => (trial.intermediate.at(-1)?.[1] ?? -Infinity) > threshold,
  };
}

/** Resolves after `ms` milliseconds (lets concurrent trials interleave). */
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
