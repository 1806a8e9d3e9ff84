/**
 * `fit`: Keras's `fit` with the control of a hand-written loop. Trains a tf.LayersModel or a
 * functional model with any trainkit optimizer, on an ArrayDataset, a BatchSource or an (async)
 * iterable of batches, with validation, callbacks, logging, a NaN/Inf guard and exact resume from a
 * checkpoint. The pieces: `session.ts` (what training keeps), `restore.ts` (a checkpoint into a
 * session), `context.ts` (what callbacks see), `train-step.ts` (one update), `loop.ts` (epochs);
 * `trainer.ts` keeps a session across calls so that training continues.
 *
 * Host synchronisation: a step does not read anything back from the device unless it is a logging
 * step (every `logEvery` steps), where the loss, the gradient norm and the update/parameter ratios
 * are read in one transfer. Running sums of the loss and metrics, and the index of the first step
 * whose loss was NaN or infinite, stay on the device and are read at epoch end.
 *
 * The learning rate: the optimizer reports the rate each update used in its state
 * (`scaleByLearningRate`, `injectHyperparams`; read by `learningRateOf`), so the logged `lr` of
 * step s is the rate update s used, times the learning-rate scale `fit` keeps in the optimizer
 * state (lowered by `reduceLROnPlateau`). `learningRate` may still be given: it is then checked
 * against the optimizer's report, or logged for an optimizer that reports none.
 */
import { InvalidArgumentError, checkNumber } from '../errors.js';
import { checkFitData, trainLoop, type FitData, type History } from './loop.js';
import type { Model } from './model.js';
import { resolveTrainOptions, type TrainOptions } from './options.js';
import { restoreSession } from './restore.js';
import { createSession, disposeSession } from './session.js';

export type { EpochRecord, FitData, History } from './loop.js';
export type { TrainOptions } from './options.js';

export interface FitOptions extends TrainOptions {
  /** Epochs to train (a resumed run continues up to this many). Default 1. */
  epochs?: number;
  /** Path of a checkpoint to resume from (weights, optimizer state, position, seed, RNG). */
  resumeFrom?: string;
}

/**
 * Trains `model` on `data.train` for `epochs`, validating on `data.validation` when given.
 * A LayersModel's weights change in place; a functional model's `params` (and `state`, e.g.
 * batch-norm statistics) are replaced by the trained trees (the old tensors are disposed).
 * Returns the history. To train on later (the optimizer state and step continuing), use `trainer`.
 *
 * Data: an ArrayDataset; a BatchSource, asked for one stream per epoch with
 * `{ batchSize, epoch, seed, shuffle, startBatch, dropRemainder }` (so resume is exact); or a plain
 * (async) iterable of `{ x, y }` batches, iterated anew each epoch (a one-shot generator serves one
 * epoch: the second finds it empty and throws InvalidArgumentError). A stream of unknown length
 * has no steps per epoch (the progress shows no total; schedules are the user's). `fit` disposes
 * every batch's tensors.
 *
 * Throws NonFiniteError when the loss becomes NaN or infinite (checked at logging steps and epoch
 * ends; the error names the first bad step and the last good checkpoint).
 *
 * Exact resume (`resumeFrom`): the checkpoint restores the weights, the optimizer state (with the
 * learning-rate scale), the position, the data order, the model's generator, the generators of a
 * LayersModel's random layers (SeededDropout, ...) and the state of every callback that keeps one
 * (ema, swa, snapshotEnsemble, earlyStopping, reduceLROnPlateau, the best-checkpoint monitor, ...),
 * given after their `onTrainBegin`. Pass the same callbacks, in the same order, as the interrupted run.
 *
 * @example
 * const history = await fit(model, { train, validation }, {
 *   optimizer: adamw({ learningRate: warmupCosine({ peak: 1e-3, warmupSteps: 100, decaySteps: 900 }) }),
 *   epochs: 10, batchSize: 64,
 *   callbacks: [earlyStopping({ patience: 3 }), reduceLROnPlateau({ patience: 2 })],
 * });
 */
export async function fit(model: Model, data: FitData, options: FitOptions): Promise<History> {
  const { epochs, resumeFrom, ...rest } = { epochs: 1, ...options };
  const o = resolveTrainOptions(rest);
  checkNumber('epochs', epochs, { min: 0, integer: true });
  if (resumeFrom !== undefined && typeof resumeFrom !== 'string') throw new InvalidArgumentError('resumeFrom', resumeFrom, 'a checkpoint path');
  checkFitData(data, o);
  const session = createSession(model, o.optimizer, o.seed);
  try {
    if (resumeFrom !== undefined) await restoreSession(session, resumeFrom);
    return await trainLoop(session, data, o, epochs, o.callbacks);
  } finally {
    // The optimizer state is the loop's to free; the model keeps its weights.
    disposeSession(session);
  }
}
