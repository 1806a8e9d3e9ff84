// The public surface of train/ (also the package entry 'trainkit/train'): the loop, its callbacks,
// losses and metrics, evaluation, ensembles and averaging, the recipe.
export { fit, type FitOptions } from './fit.js';
export { trainer, Trainer, type TrainerFitOptions } from './trainer.js';
export type { TrainOptions } from './options.js';
export type { FitData, History, EpochRecord } from './run-state.js';
export type { TrainData } from './batch-stream.js';
export type { Model, FunctionalModel, ApplyContext, ApplyResult } from './model.js';
export type { Callback, TrainContext, Logs, StepLogs, Position } from './callbacks.js';
export {
  softmaxCrossEntropy,
  binaryCrossEntropy,
  hinge,
  mse,
  l1,
  huber,
  type Loss,
  type LossName,
  type CrossEntropyOptions,
  type BinaryCrossEntropyOptions,
  type HingeOptions,
  type HuberOptions,
} from './losses.js';
export { accuracy, topKAccuracy, type MetricName } from './metrics.js';
export type { Metric, AggregateMetric } from './metric.js';
export { precision, recall, f1, confusionMatrix } from './confusion.js';
export { auc } from './auc.js';
export type { ClassWeight } from './sample-weights.js';
export { evaluate, evaluateMetric, type EvaluateOptions } from './evaluate.js';
export { predict, type PredictOptions } from './predict.js';
export { summary, type ModelSummary, type SummaryRow } from './summary.js';
export { earlyStopping, type EarlyStopping, type EarlyStoppingOptions } from './early-stopping.js';
export { checkpoints, type Checkpoints, type CheckpointsOptions } from './checkpoints.js';
export { reduceLROnPlateau, type ReduceLROnPlateauOptions } from './plateau.js';
export { ema, type Ema, type EmaOptions } from './ema.js';
export { swa, type Swa, type SwaOptions } from './swa.js';
export { updateRatioMonitor, type UpdateRatioMonitor, type UpdateRatioMonitorOptions, type UpdateRatioWarning } from './update-ratio-monitor.js';
export { ensemblePredict, evaluateEnsemble, type EnsembleEvaluation, type EnsembleOptions, type EnsembleScore } from './ensemble.js';
export {
  snapshotEnsemble,
  type SnapshotEnsemble,
  type SnapshotEnsembleOptions,
  type Snapshot,
  type SnapshotSelection,
  type CyclePeriod,
} from './snapshot-ensemble.js';
export type { MonitorOptions } from './monitor.js';
export * from './recipe/index.js';
