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
