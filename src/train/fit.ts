/**
 * `fit`: Keras's `fit` with the control of a hand-written loop. Trains a tf.LayersModel or a
 * functional model with any trainkit optimizer, on an ArrayDataset, with validation, callbacks,
 * logging, a NaN/Inf guard and exact resume from a checkpoint.
 *
 * Host synchronisation: a step does not read anything back from the device unless it is a logging
 * step (every `logEvery` steps), where the loss, the gradient norm and the update/parameter ratios
 * are read in one transfer. Running sums of the loss and metrics, and the index of the first step
 * whose loss was NaN or infinite, stay on the device and are read at epoch end.
 *
 * The learning rate: trainkit optimizers do not expose their learning rate (a schedule lives inside
 * the chain, as in Optax), so `fit` reports the one given as `learningRate` — pass the same number
 * or schedule you gave the optimizer; the value logged at step s is `learningRate(s − 1)`, the rate
 * update s used. Without it, no lr is logged.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { batchCount, batches, type ArrayDataset } from '../data/dataset.js';
import { InvalidArgumentError, checkNumber } from '../errors.js';
import { Rng } from '../engine/rng.js';
import type { GradientTransformation } from '../optim/transform.js';
import { valueAt, type ScalarOrSchedule } from '../schedules/schedule.js';
import { globalNorm } from '../tree/ops.js';
import { disposeTree } from '../tree/ops.js';
import { treeLeaves, treeLeavesWithPaths } from '../tree/tree.js';
import {
  type Callback,
  type Logs,
  type Position,
  type StepLogs,
  type TrainContext,
  callHook,
  callbackStateKeys,
  orderCallbacks,
} from './callbacks.js';
import { checkStateStructure, disposeCheckpoint, loadCheckpoint, renameStateKeys, saveCheckpoint } from './checkpoint.js';
import { CheckpointError, NonFiniteError } from './errors.js';
import { evaluateWith } from './evaluate.js';
import { type Loss, type LossName, resolveLoss } from './losses.js';
import { type Metric, type MetricName, isMeanMetric, resolveMetric } from './metrics.js';
import type { AggregateMetric } from './aggregate-metric.js';
import { classWeightArray, datasetBatchWeights, type ClassWeight } from './sample-weights.js';
import { layerRngStates, setLayerRngStates } from './layer-rng.js';
import { adaptModel, type Model } from './model.js';
import { progressLogger, type ProgressOptions } from './progress.js';

export interface FitData {
  train: ArrayDataset;
  validation?: ArrayDataset;
}

export interface FitOptions {
  /** The optimizer (any GradientTransformation). Required. */
  optimizer: GradientTransformation<any>;
  /** Epochs to train (a resumed run continues up to this many). Default 1. */
  epochs?: number;
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
   * `data.train.weight[i]` when the dataset has weights); the batch loss is Σ w_i·l_i / Σ w_i, as
   * torch's CrossEntropyLoss(weight=...). Training only (validation is unweighted by class; a
   * validation set's own `weight` weights its loss). The epoch's training loss is then the mean of
   * the batches' weighted losses, weighted by batch size. Default: none.
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
  /** The learning rate to report (the optimizer's own number or schedule). Default: none logged. */
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
  /** Path of a checkpoint to resume from (weights, optimizer state, position, seed, RNG). */
  resumeFrom?: string;
}

/** One epoch's numbers: training means (over the batches this run trained) and the latest validation. */
export interface EpochRecord {
  epoch: number;
  /** Optimizer updates done at the end of this epoch. */
  step: number;
  logs: Logs;
}

export interface History {
  epochs: EpochRecord[];
  /** Every logging step (loss, lr, gradNorm, updateRatio). */
  steps: StepLogs[];
  /** Every validation pass, with the step it ran after. */
  validations: Array<{ step: number; epoch: number; logs: Logs }>;
  /** Optimizer updates done in total (a resumed run counts the updates before it too). */
  step: number;
  /** True when a callback stopped the run before `epochs`. */
  stopped: boolean;
  stopReason?: string;
}

const DEFAULTS = {
  epochs: 1,
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

function checkOptions(o: typeof DEFAULTS & FitOptions, data: FitData): void {
  if (o.optimizer === null || typeof o.optimizer !== 'object' || typeof o.optimizer.init !== 'function' || typeof o.optimizer.update !== 'function')
    throw new InvalidArgumentError('optimizer', o.optimizer, 'a GradientTransformation { init, update } (e.g. adamw({ learningRate: 1e-3 }))');
  checkNumber('epochs', o.epochs, { min: 0, integer: true });
  checkNumber('batchSize', o.batchSize, { min: 1, integer: true });
  checkNumber('logEvery', o.logEvery, { min: 1, integer: true });
  if (!Number.isSafeInteger(o.seed)) throw new InvalidArgumentError('seed', o.seed, 'a safe integer');
  if (o.validateEvery !== 'epoch') checkNumber('validateEvery', o.validateEvery, { min: 1, integer: true });
  if (o.validationBatchSize !== undefined) checkNumber('validationBatchSize', o.validationBatchSize, { min: 1, integer: true });
  if (!['progress', 'json', 'silent'].includes(o.verbose))
    throw new InvalidArgumentError('verbose', o.verbose, "'progress', 'json' or 'silent'");
  if (!Array.isArray(o.callbacks)) throw new InvalidArgumentError('callbacks', o.callbacks, 'an array of callback objects');
  if (o.learningRate !== undefined && typeof o.learningRate !== 'function') checkNumber('learningRate', o.learningRate, { min: 0 });
  if (data === null || typeof data !== 'object' || data.train === undefined)
    throw new InvalidArgumentError('data', data, '{ train: ArrayDataset, validation?: ArrayDataset }');
  if (data.train.size === 0) throw new InvalidArgumentError('data.train.size', 0, 'at least one example');
  if (o.dropRemainder && data.train.size < o.batchSize)
    throw new InvalidArgumentError('batchSize', o.batchSize, `at most the training-set size ${data.train.size} with dropRemainder`);
}

/**
 * Trains `model` on `data.train` for `epochs`, validating on `data.validation` when given.
 * A LayersModel's weights change in place; a functional model's `params` is replaced by the
 * trained tree (the old tensors are disposed). Returns the history.
 *
 * Throws NonFiniteError when the loss becomes NaN or infinite (checked at logging steps and epoch
 * ends; the error names the first bad step and the last good checkpoint).
 *
 * Exact resume (`resumeFrom`): the checkpoint restores the weights, the optimizer state, the
 * position, the data order, the model's generator, the generators of a LayersModel's random layers
 * (SeededDropout, ...) and the state of every callback that keeps one (ema, swa, snapshotEnsemble,
 * earlyStopping, reduceLROnPlateau, the best-checkpoint monitor, ...), given after their
 * `onTrainBegin`. Pass the same callbacks, in the same order, as the interrupted run.
 *
 * @example
 * const history = await fit(model, { train, validation }, {
 *   optimizer: adamw({ learningRate: lr }), learningRate: lr, epochs: 10, batchSize: 64,
 *   callbacks: [earlyStopping({ patience: 3 })],
 * });
 */
export async function fit(model: Model, data: FitData, options: FitOptions): Promise<History> {
  const o = { ...DEFAULTS, ...options };
  checkOptions(o, data);
  const adapter = adaptModel(model);
  const loss = resolveLoss(o.loss);
  const allMetrics = o.metrics.map(resolveMetric) as Array<Metric | AggregateMetric<any, number>>;
  const metrics = allMetrics.filter(isMeanMetric);
  const classWeight = o.classWeight === undefined ? undefined : classWeightArray(o.classWeight, data.train.numClasses);
  const optimizer = o.optimizer;
  const valBatch = o.validationBatchSize ?? o.batchSize;

  let state: unknown = optimizer.init(adapter.trainable());
  let position: Position = { step: 0, epoch: 0, batch: 0 };
  let seed = o.seed;
  let rng = new Rng(seed).split();
  const layersModel = adapter.kind === 'layers' ? (model as LayersModel) : undefined;
  /** Callback states from the checkpoint, until their callbacks take them. */
  let savedCallbackStates: Record<string, unknown> | undefined;
  if (o.resumeFrom !== undefined) {
    const ckpt = await loadCheckpoint(o.resumeFrom);
    try {
      const current = adapter.weights();
      if (ckpt.weights.length !== current.length)
        throw new CheckpointError(`${o.resumeFrom} holds ${ckpt.weights.length} weights; the model has ${current.length}`);
      // Weights are stored by position: map the saved names onto this model's.
      const names = new Map(ckpt.weights.map(([name], i) => [name, current[i][0]]));
      ckpt.optimizerState = renameStateKeys(ckpt.optimizerState, names);
      checkStateStructure(ckpt.optimizerState, state);
      if (ckpt.layerRng !== undefined && layersModel === undefined && ckpt.layerRng.length > 0)
        throw new CheckpointError(`${o.resumeFrom} holds generator states of random layers; a functional model has none`);
      if (ckpt.layerRng !== undefined && layersModel !== undefined) setLayerRngStates(layersModel, ckpt.layerRng);
      adapter.setWeights(ckpt.weights.map(([, t]) => t));
    } catch (e) {
      disposeCheckpoint(ckpt);
      throw e;
    }
    ckpt.weights.forEach(([, t]) => t.dispose());
    disposeTree(state);
    state = ckpt.optimizerState;
    position = { ...ckpt.position };
    seed = ckpt.seed;
    rng = Rng.fromState(ckpt.rng);
    savedCallbackStates = ckpt.callbacks;
  }

  const stepsPerEpoch = batchCount(data.train.size, o.batchSize, o.dropRemainder);
  let stopReason: string | undefined;
  let stopRequested = false;
  let lastCheckpoint: string | undefined;
  const ctx: TrainContext = {
    model: adapter,
    epochs: o.epochs,
    stepsPerEpoch,
    batchSize: o.batchSize,
    trainSize: data.train.size,
    get seed() {
      return seed;
    },
    position: () => ({ ...position }),
    get rng() {
      return rng;
    },
    optimizerState: () => state,
    async saveCheckpoint(path, extra) {
      await checkFinite(); // names the first bad step, if the loss went bad since the last check
      const states = callbackStateKeys(callbacks).map(([key, cb]): [string, unknown] => [key, cb.saveState?.()]);
      await saveCheckpoint(path, {
        position: { ...position },
        seed,
        rng: rng.getState(),
        weights: adapter.weights(),
        optimizerState: state,
        ...(extra === undefined ? {} : { extra }),
        ...(layersModel === undefined ? {} : { layerRng: layerRngStates(layersModel) }),
        ...(states.length === 0 ? {} : { callbacks: Object.fromEntries(states) }),
      }).catch((e: unknown) => {
        if (e instanceof NonFiniteError) throw new NonFiniteError(position.step, e.what, lastCheckpoint);
        throw e;
      });
      lastCheckpoint = path;
      return path;
    },
    get lastCheckpoint() {
      return lastCheckpoint;
    },
    stop(reason) {
      stopRequested = true;
      stopReason ??= reason;
    },
    get stopRequested() {
      return stopRequested;
    },
    get stopReason() {
      return stopReason;
    },
  };

  const callbacks = orderCallbacks(o.callbacks);
  if (o.verbose !== 'silent') callbacks.push(progressLogger({ ...o.progress, mode: o.verbose === 'json' ? 'json' : 'auto' }));

  const history: History = { epochs: [], steps: [], validations: [], step: position.step, stopped: false };
  let lastValidation: Logs = {};
  // Running sums of [loss, ...metrics] × examples over the epoch, on the device.
  let sums: tf.Tensor = tf.zeros([1 + metrics.length]);
  // The first (1-based) step whose loss was not finite; Infinity while all were. On the device.
  let firstBad: tf.Tensor = tf.scalar(Infinity);
  const checkFinite = async (): Promise<void> => {
    const bad = (await firstBad.data())[0];
    if (Number.isFinite(bad)) throw new NonFiniteError(bad, 'The training loss', lastCheckpoint);
  };
  const validate = async (): Promise<void> => {
    if (data.validation === undefined) return;
    const logs = await evaluateWith(adapter, data.validation, valBatch, loss, allMetrics);
    lastValidation = Object.fromEntries(Object.entries(logs).map(([k, v]) => [`val_${k}`, v]));
    history.validations.push({ step: position.step, epoch: position.epoch, logs: lastValidation });
    await callHook(callbacks, 'onValidationEnd', ctx, position.step, lastValidation);
  };

  /**
   * One update. Returns, at a logging step, a tensor [loss, gradNorm, ratio per weight] to read
   * (with the weights' names); nothing is read here.
   */
  const trainStep = (x: tf.Tensor, y: tf.Tensor, w: tf.Tensor | undefined, n: number, s: number, logStep: boolean): { read?: tf.Tensor; names: string[] } => {
    const out = adapter.lossAndGrads((logits) => loss(logits, y, w), x, rng);
    const before = logStep ? treeLeavesWithPaths(adapter.trainable()).map(([p, t]): [string, tf.Tensor] => [p, tf.clone(t)]) : [];
    let gradNorm: tf.Scalar | undefined;
    try {
      const nextSums = tf.tidy(() => {
        const values = [out.loss, ...metrics.map((m) => m.compute(out.logits, y))];
        return tf.add(sums, tf.mul(tf.stack(values), n));
      });
      sums.dispose();
      sums = nextSums;
      const nextBad = tf.tidy(() =>
        tf.minimum(firstBad, tf.where(tf.isFinite(out.loss), tf.scalar(Infinity), tf.scalar(s))),
      );
      firstBad.dispose();
      firstBad = nextBad;
      if (logStep) gradNorm = globalNorm(out.grads);
      state = adapter.update(optimizer, out.grads, state);
      if (!logStep) return { names: [] };
      const after = treeLeaves(adapter.trainable());
      const read = tf.tidy(() => {
        const ratios = before.map(([, b], i) => tf.div(tf.norm(tf.sub(after[i], b)), tf.norm(b)));
        return tf.stack([out.loss, gradNorm as tf.Scalar, ...ratios]);
      });
      return { read, names: before.map(([p]) => p) };
    } finally {
      disposeTree([out.loss, out.grads, out.logits, gradNorm ?? []]);
      before.forEach(([, t]) => t.dispose());
    }
  };

  try {
    await callHook(callbacks, 'onTrainBegin', ctx);
    if (savedCallbackStates !== undefined) {
      for (const [key, cb] of callbackStateKeys(callbacks)) {
        if (!(key in savedCallbackStates) || typeof cb.loadState !== 'function') continue;
        const value = savedCallbackStates[key];
        delete savedCallbackStates[key];
        await cb.loadState(value, ctx);
      }
    }
    for (let epoch = position.epoch; epoch < o.epochs && !stopRequested; epoch++) {
      const startBatch = epoch === position.epoch ? position.batch : 0;
      position = { step: position.step, epoch, batch: startBatch };
      await callHook(callbacks, 'onEpochBegin', ctx, epoch);
      sums.dispose();
      sums = tf.zeros([1 + metrics.length]);
      let examples = 0;
      for (const b of batches(data.train, {
        batchSize: o.batchSize,
        shuffle: o.shuffle,
        seed,
        epoch,
        startBatch,
        dropRemainder: o.dropRemainder,
      })) {
        const s = position.step + 1;
        const logStep = s % o.logEvery === 0;
        let result: { read?: tf.Tensor; names: string[] };
        let w: tf.Tensor | undefined;
        try {
          await callHook(callbacks, 'onBatchBegin', ctx, position.step);
          w = datasetBatchWeights(data.train, b.y, b.indices, classWeight);
          result = trainStep(b.x, b.y, w, b.indices.length, s, logStep);
        } finally {
          tf.dispose([b.x, b.y, ...(w === undefined ? [] : [w])]);
        }
        const logs: StepLogs = { step: s, epoch, batch: position.batch, size: b.indices.length, logged: logStep };
        examples += b.indices.length;
        position = { step: s, epoch, batch: position.batch + 1 };
        history.step = s;
        if (result.read !== undefined) {
          const values = await result.read.data();
          result.read.dispose();
          logs.loss = values[0];
          logs.gradNorm = values[1];
          if (o.learningRate !== undefined) logs.lr = valueAt(o.learningRate, s - 1);
          logs.updateRatio = Object.fromEntries(result.names.map((name, i) => [name, values[2 + i]]));
          if (!Number.isFinite(values[0])) await checkFinite();
          history.steps.push(logs);
        }
        await callHook(callbacks, 'onBatchEnd', ctx, s, logs);
        if (typeof o.validateEvery === 'number' && s % o.validateEvery === 0) await validate();
        if (stopRequested) break;
      }
      if (position.batch < stepsPerEpoch) break; // stopped mid-epoch: no epoch end for a partial epoch
      await checkFinite();
      const totals = await sums.data();
      const logs: Logs = {};
      if (examples > 0) ['loss', ...metrics.map((m) => m.name)].forEach((name, i) => (logs[name] = totals[i] / examples));
      position = { step: position.step, epoch: epoch + 1, batch: 0 };
      if (o.validateEvery === 'epoch') await validate();
      Object.assign(logs, lastValidation);
      history.epochs.push({ epoch, step: position.step, logs });
      await callHook(callbacks, 'onEpochEnd', ctx, epoch, logs);
    }
    history.stopped = stopRequested && position.epoch < o.epochs;
    if (stopReason !== undefined) history.stopReason = stopReason;
    await callHook(callbacks, 'onTrainEnd', ctx, history.epochs.at(-1)?.logs ?? {});
    return history;
  } finally {
    disposeTree(savedCallbackStates ?? []); // states no callback claimed
    sums.dispose();
    firstBad.dispose();
    // The optimizer state is the loop's to free; the model keeps its weights.
    disposeTree(state, adapter.weights().map(([, t]) => t));
  }
}
