/**
 * trainkit — train neural networks well on TensorFlow.js. The package root re-exports the public
 * surface of each area, in the lecture's order: parameter trees, the engine, optimizers, schedules,
 * regularization, data, training, files, hyperparameter search, reports, the dashboard. Each area's index lists its names explicitly;
 * internals stay out. `trainkit/optim`, `trainkit/schedules`, `trainkit/data` and `trainkit/train`
 * are the same lists for users who want one area.
 */
export {
  TrainkitError,
  InvalidArgumentError,
  TreeMismatchError,
  EngineError,
  NonFiniteError,
  CheckpointError,
  isTrainkitError,
} from './errors.js';
export * from './tree/index.js';
export * from './engine/index.js';
export * from './optim/index.js';
export * from './schedules/index.js';
export * from './regularize/index.js';
export * from './augment/index.js';
export * from './data/index.js';
export * from './train/index.js';
export * from './io/index.js';
export * from './tune/index.js';
export { linePlot, pathPlot, type Series } from './report/svg.js';
export { trainingReport, lrFindReport } from './report/html.js';
export { startDashboard, type DashboardOptions, type Dashboard } from './dashboard/index.js';
