/** The options of a training run (`fit`, `trainer`), their defaults and their checks. */
import { InvalidArgumentError, checkNumber } from '../errors.js';
import type { GradientTransformation } from '../optim/transform.js';
import type { ScalarOrSchedule } from '../schedules/schedule.js';
import type { Callback } from './callbacks.js';
import { type Loss, type LossName, resolveLoss } from './losses.js';
import type { AggregateMetric } from './aggregate-metric.js';
import { type Metric, type MetricName, isMeanMetric, resolveMetric } from './metrics.js';
import { classWeightArray, type ClassWeight } from './sample-weights.js';
import type { ProgressOptions } from './progress.js';
import type { Augmentation } from '../augment/types.js';
import type { Penalty } from '../regularize/penalty.js';

/** How to train, independent of how long: what a `Trainer` keeps across its `fit` calls. */
export interface TrainOptions {
  /** The optimizer (any GradientTransformation). Required. */
  optimizer: GradientTransformation<any>;
  /** Default 32. */
  batchSize?: number;
  /** Default 'softmaxCrossEntropy'. */
  loss?: Loss | LossName;
  /**
   * Metrics besides the loss. Default ['accuracy']. Accumulating ones ('precision', 'recall', 'f1',
   * 'auc', any AggregateMetric) are reported for validation only; training batches report the
   * mean-style ones.
   */
  metrics?: Array<Metric | AggregateMetric<any, number> | MetricName>;
  /**
   * Weights of the loss by class (int32 labels): example i weighs classWeight[y_i] (times its
   * per-example weight: the dataset's `weight[i]` or the stream batch's `weight`); the batch loss is
   * Σ w_i·l_i / Σ w_i, as torch's CrossEntropyLoss(weight=...). Training only (validation is
   * unweighted by class; a validation set's own weights weight its loss). The epoch's training loss
   * is then the mean of the batches' weighted losses, weighted by batch size. Default: none.
   */
  classWeight?: ClassWeight;
  /** Seeds the data order and the model's generator. Default 0. */
  seed?: number;
  /** Validate after every epoch ('epoch', default) or every N steps. */
  validateEvery?: 'epoch' | number;
  /** Batch size of validation. Default: `batchSize`. */
  validationBatchSize?: number;
  /** A logging step every N steps (loss, lr, grad norm, update ratios read from the device). Default 50. */
  logEvery?: number;
  /**
   * Not needed: the optimizer reports the rate it used (`learningRateOf`). When given (the number or
   * schedule the optimizer was built with), it is checked against the optimizer's report at each
   * logging step (InvalidArgumentError naming both when they differ), or logged when the optimizer
   * reports none (a hand-written transform). Default: none.
   */
  learningRate?: ScalarOrSchedule;
  /** Hooks, called in this order (`late` ones, such as checkpoints(), after the others; the progress logger last). Default []. */
  callbacks?: Callback[];
  /** 'progress' (bar on a TTY, JSON lines otherwise), 'json' (JSON lines), 'silent'. Default 'progress'. */
  verbose?: 'progress' | 'json' | 'silent';
  /** Writer, clock and TTY flag for the progress logger (tests inject them). */
  progress?: Omit<ProgressOptions, 'mode'>;
  /** Shuffle the training set each epoch (seeded). Default true. */
  shuffle?: boolean;
  /** Drop the last, smaller batch of each epoch. Default false. */
  dropRemainder?: boolean;
  /**
   * Applied to every training batch (never to validation), drawing from the run's generator, so a
   * resumed run sees the same augmented batches. Images must be NHWC float32. Default: none.
   */
  augment?: Augmentation;
  /** A term added to the training loss, a function of the trainable parameters (`l2Penalty`, ...). Default: none. */
  penalty?: Penalty;
}

export const TRAIN_DEFAULTS = {
  batchSize: 32,
  loss: 'softmaxCrossEntropy' as Loss | LossName,
  metrics: ['accuracy'] as Array<Metric | AggregateMetric<any, number> | MetricName>,
  seed: 0,
  validateEvery: 'epoch' as 'epoch' | number,
  logEvery: 50,
  callbacks: [] as Callback[],
  verbose: 'progress' as 'progress' | 'json' | 'silent',
  progress: {} as Omit<ProgressOptions, 'mode'>,
  shuffle: true,
  dropRemainder: false,
};

/** Options merged with their defaults and checked, loss and metrics resolved. */
export type Settings = Omit<typeof TRAIN_DEFAULTS & TrainOptions, 'loss' | 'metrics' | 'classWeight'> & {
  loss: Loss;
  /** The mean-style metrics, reported on training batches. */
  metrics: Metric[];
  /** Every metric, reported by validation. */
  validationMetrics: Array<Metric | AggregateMetric<any, number>>;
  /** Dense class weights, when given. */
  classWeight: Float32Array | undefined;
  validationBatchSize: number;
};

/** Merges `options` with the defaults once and checks every value (InvalidArgumentError naming the first bad one). */
export function resolveTrainOptions(options: TrainOptions): Settings {
  const o = { ...TRAIN_DEFAULTS, ...options };
  if (o.optimizer === null || typeof o.optimizer !== 'object' || typeof o.optimizer.init !== 'function' || typeof o.optimizer.update !== 'function')
    throw new InvalidArgumentError('optimizer', o.optimizer, 'a GradientTransformation { init, update } (e.g. adamw({ learningRate: 1e-3 }))');
  checkNumber('batchSize', o.batchSize, { min: 1, integer: true });
  checkNumber('logEvery', o.logEvery, { min: 1, integer: true });
  if (!Number.isSafeInteger(o.seed)) throw new InvalidArgumentError('seed', o.seed, 'a safe integer');
  if (o.validateEvery !== 'epoch') checkNumber('validateEvery', o.validateEvery, { min: 1, integer: true });
  if (o.validationBatchSize !== undefined) checkNumber('validationBatchSize', o.validationBatchSize, { min: 1, integer: true });
  if (!['progress', 'json', 'silent'].includes(o.verbose))
    throw new InvalidArgumentError('verbose', o.verbose, "'progress', 'json' or 'silent'");
  if (!Array.isArray(o.callbacks)) throw new InvalidArgumentError('callbacks', o.callbacks, 'an array of callback objects');
  if (o.augment !== undefined && typeof o.augment !== 'function')
    throw new InvalidArgumentError('augment', o.augment, 'an augmentation (batch, rng) => batch, e.g. flipLeftRight()');
  if (o.penalty !== undefined && typeof o.penalty !== 'function')
    throw new InvalidArgumentError('penalty', o.penalty, 'a penalty (params) => scalar, e.g. l2Penalty({ lambda: 1e-4 })');
  if (o.learningRate !== undefined && typeof o.learningRate !== 'function') checkNumber('learningRate', o.learningRate, { min: 0 });
  const all = o.metrics.map(resolveMetric) as Array<Metric | AggregateMetric<any, number>>;
  return {
    ...o,
    loss: resolveLoss(o.loss),
    metrics: all.filter(isMeanMetric),
    validationMetrics: all,
    classWeight: o.classWeight === undefined ? undefined : classWeightArray(o.classWeight),
    validationBatchSize: o.validationBatchSize ?? o.batchSize,
  };
}
