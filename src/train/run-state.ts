/**
 * The state of one call of the training loop (`Run`) and what it returns (`History`): plain types
 * shared by the loop, the step and the callbacks' context, in a module of their own so that those
 * three import it and not each other.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { TrainData } from './batch-stream.js';
import type { Callback, Logs, StepLogs, TrainContext } from './callbacks.js';
import type { Settings } from './options.js';
import type { Session } from './session.js';

/** Training data and optional validation data: ArrayDatasets, BatchSources or (async) iterables of batches. */
export interface FitData {
  train: TrainData;
  validation?: TrainData;
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
  /** Optimizer updates done in total (a resumed or continued run counts the updates before it too). */
  step: number;
  /** True when a callback stopped the run before its last epoch. */
  stopped: boolean;
  stopReason?: string;
}

/** One call of the loop: the session it advances and what lives only as long as the call. */
export interface Run {
  readonly session: Session;
  readonly o: Settings;
  readonly data: FitData;
  /** Train up to this epoch (exclusive). */
  readonly untilEpoch: number;
  /** Batches per epoch, when the training data's size is known. */
  readonly stepsPerEpoch: number | undefined;
  readonly callbacks: Callback[];
  readonly history: History;
  readonly totals: DeviceTotals;
  ctx: TrainContext;
  lastValidation: Logs;
  lastCheckpoint: string | undefined;
  stopRequested: boolean;
  stopReason: string | undefined;
}

/** Numbers the loop keeps on the device and reads at epoch end. */
export interface DeviceTotals {
  /** Running sums of [loss, ...metrics] × examples over the epoch. */
  sums: tf.Tensor;
  /** The first (1-based) step whose loss was not finite; Infinity while all were. */
  firstBad: tf.Tensor;
}
