/**
 * Samplers and pruners by name, for the command line (`--sampler`, `--pruner`) and the stored
 * descriptions. An entry is a factory taking the worker's seed; a name without an entry is not in
 * this build. Adding an algorithm is one line here.
 */
import { NO_PRUNING } from './defaults.js';
import type { Pruner, Sampler } from './types.js';
import { uniformSampler } from './uniform-sampler.js';

/** Options every factory receives. */
export interface FactoryOptions {
  /** The worker's seed; undefined: seeded from the operating system. */
  seed?: number;
}

export const SAMPLER_NAMES = ['randomSampler', 'tpeSampler', 'gridSampler'] as const;
export const PRUNER_NAMES = ['noPruner', 'medianPruner', 'successiveHalvingPruner', 'hyperbandPruner'] as const;
export type SamplerName = (typeof SAMPLER_NAMES)[number];
export type PrunerName = (typeof PRUNER_NAMES)[number];

/** The samplers of this build, by function name. */
export const SAMPLERS: Partial<Record<SamplerName, (o: FactoryOptions) => Sampler>> = {
  randomSampler: (o) => uniformSampler(o.seed === undefined ? {} : { seed: o.seed }),
};

/** The pruners of this build, by function name. */
export const PRUNERS: Partial<Record<PrunerName, (o: FactoryOptions) => Pruner>> = {
  noPruner: () => NO_PRUNING,
};
