// The public surface of optim/ (also the package entry 'trainkit/optim'): Optax-style
// transformations and their composition, the named optimizers, the full-batch minimisers
// (L-BFGS, BFGS, Newton).
export {
  applyUpdates,
  chain,
  step,
  stepVariables,
  type GradientTransformation,
  type EmptyState,
} from './transform.js';
export { valueAt, type Schedule, type ScalarOrSchedule } from './hyperparameter.js';
export { scale, scaleByLearningRate, type CountState, type LearningRateState } from './scale.js';
export { trace, type TraceOptions, type TraceState } from './trace.js';
export { scaleByAdam, type ScaleByAdamOptions, type ScaleByAdamState } from './scale_by_adam.js';
export { scaleByRms, type ScaleByRmsOptions, type ScaleByRmsState } from './scale_by_rms.js';
export { scaleByRss, type ScaleByRssOptions, type ScaleByRssState } from './scale_by_rss.js';
export { scaleByLion, type ScaleByLionOptions, type ScaleByLionState } from './scale_by_lion.js';
export { scaleByTrustRatio } from './scale_by_trust_ratio.js';
export { clipByGlobalNorm, clipByValue } from './clip.js';
export { addDecayedWeights } from './weight_decay.js';
export { masked, decayMask, type Mask, type MaskFn, type MaskTree, type MaskedState } from './masked.js';
export { multiSteps, type MultiStepsState } from './multi_steps.js';
export { injectHyperparams, type InjectedState } from './inject_hyperparams.js';
export { learningRateOf } from './learning_rate_of.js';
export { sgd, type SgdOptions } from './sgd.js';
export { adagrad, type AdagradOptions } from './adagrad.js';
export { rmsprop, type RmspropOptions } from './rmsprop.js';
export { adam, type AdamOptions } from './adam.js';
export { adamw, type AdamwOptions } from './adamw.js';
export { lamb, type LambOptions } from './lamb.js';
export { lion, type LionOptions } from './lion.js';
export { lbfgs, type LbfgsOptions, type LbfgsResult, type LbfgsIteration } from './lbfgs.js';
export { bfgs, type BfgsOptions, type BfgsResult } from './bfgs.js';
export { newton, type NewtonOptions, type NewtonResult } from './newton.js';
