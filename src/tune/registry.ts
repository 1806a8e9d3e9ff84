/**
 * Samplers and pruners by name, for the command line (`--sampler`, `--pruner`). An entry is a
 * factory taking the worker's options; adding an algorithm is one line here. A grid needs its
 * space, which the command line does not have: it comes from the tune file (`sampler:
 * gridSampler({...})`). `--pruner hyperband` estimates its maximum resource ('auto'); a tune file
 * may give it (`pruner: hyperbandPruner({ maxResource: EPOCHS })`).
 */
import { InvalidArgumentError } from '../errors.js';
import { hyperbandPruner } from './pruners/hyperband.js';
import { medianPruner } from './pruners/median.js';
import { noPruner } from './pruners/nop.js';
import { successiveHalvingPruner } from './pruners/successive_halving.js';
import { randomSampler } from './samplers/random.js';
import { tpeSampler } from './samplers/tpe.js';
import type { Pruner, Sampler } from './types.js';

/** Options every factory receives. */
export interface FactoryOptions {
  /** The worker's seed; undefined: each factory's default. */
  seed?: number;
}

export const SAMPLER_NAMES = ['randomSampler', 'tpeSampler', 'gridSampler'] as const;
export const PRUNER_NAMES = ['noPruner', 'medianPruner', 'successiveHalvingPruner', 'hyperbandPruner'] as const;
export type SamplerName = (typeof SAMPLER_NAMES)[number];
export type PrunerName = (typeof PRUNER_NAMES)[number];

const seeded = (o: FactoryOptions): { seed?: number } => (o.seed === undefined ? {} : { seed: o.seed });

/** The samplers, by function name. */
export const SAMPLERS: Record<SamplerName, (o: FactoryOptions) => Sampler> = {
  randomSampler: (o) => randomSampler(seeded(o)),
  tpeSampler: (o) => tpeSampler(seeded(o)),
  gridSampler: () => {
    throw new InvalidArgumentError('--sampler', 'grid', "a tune file that exports its grid: sampler: gridSampler({ lr: [1e-3, 1e-2], ... })");
  },
};

/** The pruners, by function name. */
export const PRUNERS: Record<PrunerName, (o: FactoryOptions) => Pruner> = {
  noPruner: () => noPruner(),
  medianPruner: () => medianPruner(),
  successiveHalvingPruner: () => successiveHalvingPruner(),
  // maxResource 'auto': estimated from the first complete trial (a tune file may still give it).
  hyperbandPruner: () => hyperbandPruner(),
};
