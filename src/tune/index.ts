// The public surface of tune/: studies, trials, the fit bridge, tune files.
export { createStudy, loadStudy, type CreateStudyOptions, type LoadStudyOptions, type HeartbeatOptions, type StudyWorkerOptions } from './create.js';
export { Study, type TellResult } from './study.js';
export { Trial } from './trial.js';
export { type Objective, type OptimizeOptions } from './optimize.js';
export { TrialPruned, StudyError } from './errors.js';
export { tuneReport, type TuneReportOptions, type TuneReportCallback } from './tune-report.js';
export { defineTune, type TuneSpec, type TuneContext } from './define.js';
export { defaultSampler, defaultPruner } from './defaults.js';
export { type FloatOptions, type IntOptions } from './distributions.js';
export type { Sampler, Pruner, SearchContext, PreparableStudy } from './types.js';
export { randomSampler, type RandomSamplerOptions } from './samplers/random.js';
export { gridSampler, gridPoints, type GridSpace } from './samplers/grid.js';
export { tpeSampler, type TpeSamplerOptions } from './samplers/tpe.js';
export { noPruner } from './pruners/nop.js';
export { medianPruner, type MedianPrunerOptions } from './pruners/median.js';
export { successiveHalvingPruner, type SuccessiveHalvingOptions } from './pruners/successive_halving.js';
export { hyperbandPruner, type HyperbandPrunerOptions } from './pruners/hyperband.js';
