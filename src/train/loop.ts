/**
 * The epoch loop shared by `fit` and `Trainer.fit`: one run trains a session from its position up
 * to an epoch, calling the callbacks, validating, and leaving the session where it stopped (so the
 * next run continues from there).
 */
import * as tf from '@tensorflow/tfjs-core';
import { disposeTree } from '../tree/ops.js';
import { InvalidArgumentError } from '../errors.js';
import { batchesPerEpoch, checkTrainData, dataSize, epochBatches, type TrainData } from './batch-stream.js';
import { type Callback, type Logs, type StepLogs, type TrainContext, callHook, callbackStateKeys, orderCallbacks } from './callbacks.js';
import { trainContext } from './context.js';
import { evaluateWith } from './evaluate.js';
import type { Settings } from './options.js';
import type { EpochRecord, FitData, History, Run } from './run-state.js';
import { progressLogger } from './progress.js';
import { yieldToEventLoop } from '../engine/event-loop.js';
import type { Session } from './session.js';
import { checkFinite, readStepLogs, trainStep, type StepResult } from './train-step.js';

export type { EpochRecord, FitData, History, Run } from './run-state.js';

/**
 * Trains `session` on `data` from its position up to epoch `untilEpoch` (exclusive) and returns the
 * history of this call. The session keeps the weights, optimizer state, position and generator.
 */
export async function trainLoop(
  session: Session,
  data: FitData,
  o: Settings,
  untilEpoch: number,
  callbacks: readonly Callback[],
): Promise<History> {
  const ordered = orderCallbacks(callbacks);
  if (o.verbose !== 'silent') ordered.push(progressLogger({ ...o.progress, mode: o.verbose === 'json' ? 'json' : 'auto' }));
  const run: Run = {
    session,
    o,
    data,
    untilEpoch,
    stepsPerEpoch: batchesPerEpoch(data.train, o.batchSize, o.dropRemainder),
    callbacks: ordered,
    history: { epochs: [], steps: [], validations: [], step: session.position.step, stopped: false },
    totals: { sums: tf.zeros([1 + o.metrics.length]), firstBad: tf.scalar(Infinity) },
    ctx: undefined as unknown as TrainContext,
    lastValidation: {},
    lastCheckpoint: undefined,
    stopRequested: false,
    stopReason: undefined,
  };
  run.ctx = trainContext(run);
  try {
    await callHook(run.callbacks, 'onTrainBegin', run.ctx);
    await handBackCallbackStates(run);
    for (let epoch = session.position.epoch; epoch < untilEpoch && !run.stopRequested; epoch++) {
      if (!(await runEpoch(run, epoch))) break;
    }
    const { history } = run;
    history.stopped = run.stopRequested && session.position.epoch < untilEpoch;
    if (run.stopReason !== undefined) history.stopReason = run.stopReason;
    await callHook(run.callbacks, 'onTrainEnd', run.ctx, history.epochs.at(-1)?.logs ?? {});
    return history;
  } finally {
    tf.dispose([run.totals.sums, run.totals.firstBad]);
  }
}

/** Gives each callback the state a checkpoint saved for it (right after `onTrainBegin`). */
async function handBackCallbackStates(run: Run): Promise<void> {
  const saved = run.session.pendingCallbackStates;
  if (saved === undefined) return;
  for (const [key, cb] of callbackStateKeys(run.callbacks)) {
    if (!(key in saved) || typeof cb.loadState !== 'function') continue;
    const value = saved[key];
    delete saved[key];
    await cb.loadState(value, run.ctx);
  }
  disposeTree(saved); // states no callback claimed
  run.session.pendingCallbackStates = undefined;
}

/** One epoch (from the session's position when it is mid-epoch). False when a stop ended it early. */
async function runEpoch(run: Run, epoch: number): Promise<boolean> {
  const s = run.session;
  const { o } = run;
  const startBatch = epoch === s.position.epoch ? s.position.batch : 0;
  s.position = { step: s.position.step, epoch, batch: startBatch };
  await callHook(run.callbacks, 'onEpochBegin', run.ctx, epoch);
  run.totals.sums.dispose();
  run.totals.sums = tf.zeros([1 + o.metrics.length]);
  let examples = 0;
  let stoppedEarly = false;
  const request = { batchSize: o.batchSize, shuffle: o.shuffle, seed: s.seed, epoch, startBatch, dropRemainder: o.dropRemainder };
  for await (const b of epochBatches(run.data.train, request, 'data.train')) {
    const step = s.position.step + 1;
    const logStep = step % o.logEvery === 0;
    let result: StepResult;
    try {
      await callHook(run.callbacks, 'onBatchBegin', run.ctx, s.position.step);
      result = trainStep(run, b, step, logStep);
    } finally {
      tf.dispose([b.x, b.y, b.weight ?? []]);
    }
    const logs: StepLogs = { step, epoch, batch: s.position.batch, size: b.size, logged: logStep };
    examples += b.size;
    s.position = { step, epoch, batch: s.position.batch + 1 };
    run.history.step = step;
    await readStepLogs(run, result, logs);
    if (logStep) run.history.steps.push(logs);
    await callHook(run.callbacks, 'onBatchEnd', run.ctx, step, logs);
    await yieldToEventLoop();
    if (typeof o.validateEvery === 'number' && step % o.validateEvery === 0) await validate(run);
    if (run.stopRequested) {
      stoppedEarly = true;
      break;
    }
  }
  // Stopped mid-epoch: no epoch end for a partial epoch. With a known length, a stop at the last
  // batch still completes the epoch.
  if (run.stepsPerEpoch !== undefined ? s.position.batch < run.stepsPerEpoch : stoppedEarly) return false;
  await endEpoch(run, epoch, examples);
  return true;
}

/** The epoch's means (one read), validation, the record and `onEpochEnd`. */
async function endEpoch(run: Run, epoch: number, examples: number): Promise<void> {
  const s = run.session;
  await checkFinite(run);
  const totals = await run.totals.sums.data();
  const logs: Logs = {};
  if (examples > 0) ['loss', ...run.o.metrics.map((m) => m.name)].forEach((name, i) => (logs[name] = totals[i] / examples));
  s.position = { step: s.position.step, epoch: epoch + 1, batch: 0 };
  if (run.o.validateEvery === 'epoch') await validate(run);
  Object.assign(logs, run.lastValidation);
  run.history.epochs.push({ epoch, step: s.position.step, logs });
  await callHook(run.callbacks, 'onEpochEnd', run.ctx, epoch, logs);
}

/** Evaluates on `data.validation`, when given, and calls `onValidationEnd`. */
async function validate(run: Run): Promise<void> {
  if (run.data.validation === undefined) return;
  const { o, session: s } = run;
  const logs = await evaluateWith(s.adapter, run.data.validation, o.validationBatchSize, o.loss, o.validationMetrics);
  run.lastValidation = Object.fromEntries(Object.entries(logs).map(([k, v]) => [`val_${k}`, v]));
  run.history.validations.push({ step: s.position.step, epoch: s.position.epoch, logs: run.lastValidation });
  await callHook(run.callbacks, 'onValidationEnd', run.ctx, s.position.step, run.lastValidation);
}

/** Checks `data` (InvalidArgumentError naming `data.train` or `data.validation`). */
export function checkFitData(data: FitData, o: Settings): void {
  if (data === null || typeof data !== 'object' || data.train === undefined)
    throw new InvalidArgumentError('data', data, '{ train, validation? }: ArrayDatasets, BatchSources or (async) iterables of batches');
  checkTrainData('data.train', data.train);
  if (data.validation !== undefined) checkTrainData('data.validation', data.validation);
  const size = dataSize(data.train);
  if (o.dropRemainder && size !== undefined && size < o.batchSize)
    throw new InvalidArgumentError('batchSize', o.batchSize, `at most the training-set size ${size} with dropRemainder`);
}
