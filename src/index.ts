/**
 * trainkit — train neural networks well on TensorFlow.js. The package root only re-exports, in the
 * lecture's order: parameter trees, the engine, optimizers, schedules, second-order methods.
 */
export * from './errors.js';
export * from './tree/index.js';
export * from './engine/index.js';
export * from './optim/index.js';
export * from './schedules/index.js';
export * from './regularize/index.js';
export * from './data/index.js';
export * from './train/index.js';
export { linePlot, pathPlot, type Series } from './report/svg.js';
export { trainingReport, lrFindReport, movingAverage } from './report/html.js';
export { saveLayersModel, fileLoader, saveParams, loadParams } from './io/index.js';
