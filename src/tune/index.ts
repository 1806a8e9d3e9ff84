// The public surface of tune/: samplers and pruners (one export line each, so additions merge cleanly).
export type { Sampler, Pruner, SearchContext } from './types.js';
export { randomSampler, type RandomSamplerOptions } from './samplers/random.js';
export { gridSampler, gridPoints, type GridSpace } from './samplers/grid.js';
export { tpeSampler, type TpeSamplerOptions } from './samplers/tpe.js';
export { noPruner } from './pruners/nop.js';
export { medianPruner, type MedianPrunerOptions } from './pruners/median.js';
export { successiveHalvingPruner, type SuccessiveHalvingOptions } from './pruners/successive_halving.js';
export { hyperbandPruner, type HyperbandPrunerOptions } from './pruners/hyperband.js';
