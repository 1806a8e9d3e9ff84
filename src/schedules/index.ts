// The public surface of schedules/ (also the package entry 'trainkit/schedules'): learning-rate
// schedules as plain functions of the step.
export { checkStep, type Schedule, type ScalarOrSchedule } from './schedule.js';
export { constant } from './constant.js';
export { stepDecay, type StepDecayOptions } from './step-decay.js';
export { exponentialDecay, type ExponentialDecayOptions } from './exponential-decay.js';
export { cosineDecay, type CosineDecayOptions } from './cosine-decay.js';
export { linear, type LinearOptions } from './linear.js';
export { warmup, warmupCosine, type WarmupOptions, type WarmupCosineOptions } from './warmup.js';
export { inverseSqrt, type InverseSqrtOptions } from './inverse-sqrt.js';
export { sgdr, type SgdrOptions } from './sgdr.js';
export { join } from './join.js';
export { cyclic, type CyclicMode, type CyclicOptions } from './cyclic.js';
export { oneCycle, type OneCycleOptions } from './one-cycle.js';
export { linearScaling, type LinearScalingOptions } from './linear-scaling.js';
export { sampleSchedule } from './sample.js';
export { parseSchedule } from './parse.js';
