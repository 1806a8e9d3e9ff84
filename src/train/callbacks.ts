/**
 * Callbacks: objects of optional async hooks, called in the order given, each awaited before the
 * next (TensorFlow.js's and Keras's shape). Any hook may stop training, by calling `ctx.stop()` or
 * by returning 'stop'. A stop takes effect after the current hook: a stop in `onBatchEnd` ends
 * the epoch after that batch (no validation, no `onEpochEnd` for the unfinished epoch), a stop in
 * `onEpochEnd` ends training before the next epoch; `onTrainEnd` always runs.
 */
import type { Rng } from '../engine/rng.js';
import type { ModelAdapter } from './model.js';

/** Numbers logged at the end of an epoch ('loss', 'accuracy', 'val_loss', ...), or of a log step. */
export type Logs = Record<string, number>;

/** What a step logs. `loss`, `lr`, `gradNorm` and `updateRatio` are present only at logging steps. */
export interface StepLogs {
  /** Optimizer updates done so far (this one included): 1 after the first batch. */
  step: number;
  epoch: number;
  /** Index of the batch within the epoch, from 0. */
  batch: number;
  /** Examples in this batch. */
  size: number;
  /** True when this step synced its numbers with the host (a logging step). */
  logged: boolean;
  loss?: number;
  /**
   * The learning rate this update used: what the optimizer state reports (`learningRateOf`), or
   * `fit`'s `learningRate` option, times the plateau scale (`learningRateScale`).
   */
  lr?: number;
  /** Global L2 norm of the gradients. */
  gradNorm?: number;
  /** ‖Δθ‖/‖θ‖ of this update, per weight (the course's rule of thumb: ~1e-3). */
  updateRatio?: Record<string, number>;
}

/** Where the loop is: the position a checkpoint written now resumes from. */
export interface Position {
  /** Optimizer updates done. */
  step: number;
  /** The epoch the next batch belongs to. */
  epoch: number;
  /** The next batch's index within that epoch. */
  batch: number;
}

/** What hooks can see and do. */
export interface TrainContext {
  readonly model: ModelAdapter;
  /** The epoch this run trains up to (exclusive): total epochs, counting those of earlier runs. */
  readonly epochs: number;
  /** Batches per epoch; undefined for a stream of unknown length. */
  readonly stepsPerEpoch: number | undefined;
  /** Batch size and training-set size (undefined for a stream of unknown length). */
  readonly batchSize: number;
  readonly trainSize: number | undefined;
  /** Seed of the data order. */
  readonly seed: number;
  /** The position a checkpoint written now resumes from. */
  position(): Position;
  /** The model's generator (dropout masks): its state is saved in checkpoints. */
  readonly rng: Rng;
  /**
   * The optimizer's current state (plain data; do not dispose): `fit` wraps the optimizer's own
   * state as `{ optimizer, lrScale }` (see `withLearningRateScale`).
   */
  optimizerState(): unknown;
  /** The multiplier of the learning rate kept in the optimizer state (1 unless a callback lowered it). */
  readonly learningRateScale: number;
  /**
   * Multiplies the learning rate by `factor` from the next update on (floored at `minScale` × the
   * optimizer's own rate; default 0). The scale lives in the optimizer state, so checkpoints keep it.
   * Returns the new scale.
   */
  scaleLearningRate(factor: number, minScale?: number): number;
  /**
   * Writes a checkpoint of the current weights, optimizer state and position to `path` (atomically:
   * temp file, then rename). Refuses (NonFiniteError) when a weight is NaN or infinite. Returns the path.
   */
  saveCheckpoint(path: string, extra?: Record<string, unknown>): Promise<string>;
  /** The last checkpoint written without error, if any. */
  readonly lastCheckpoint: string | undefined;
  /** Asks the loop to stop after the current hook. */
  stop(reason?: string): void;
  /** True once a stop was asked. */
  readonly stopRequested: boolean;
  /** Why, when a hook said. */
  readonly stopReason: string | undefined;
}

type Ret = void | 'stop' | Promise<void | 'stop'>;

/**
 * A set of optional hooks. Each may return 'stop' (or call ctx.stop()) to end training.
 *
 * A callback with state that must survive a resume (an average, counters, a best value) implements
 * `saveState`/`loadState`: every checkpoint `fit` writes holds each such callback's state under its
 * `name` (repeated names get '#2', '#3', ... in list order), and a run resumed from it hands that state
 * back after `onTrainBegin`. A callback whose name the checkpoint lacks keeps the fresh state of its
 * `onTrainBegin`; saved states no callback claims are ignored.
 */
export interface Callback {
  /** Key of this callback's state in checkpoints. Default 'callback'. */
  readonly name?: string;
  /**
   * Hooks of `late` callbacks run after those of all others (in their own order). Checkpoint writers
   * set it, so a checkpoint written at a step sees every other callback's state after that step.
   */
  readonly late?: boolean;
  /**
   * The state to keep in checkpoints: plain data (numbers, strings, booleans, arrays, objects) and
   * tensors. The tensors stay the callback's; the writer only reads them.
   */
  saveState?(): unknown;
  /**
   * Takes back a state `saveState` returned, in a resumed run, right after `onTrainBegin`. The callback
   * owns the tensors in `state` from then on (it must dispose what it does not keep).
   */
  loadState?(state: unknown, ctx: TrainContext): void | Promise<void>;
  onTrainBegin?(ctx: TrainContext): Ret;
  onEpochBegin?(epoch: number, ctx: TrainContext): Ret;
  onBatchBegin?(step: number, ctx: TrainContext): Ret;
  onBatchEnd?(step: number, logs: StepLogs, ctx: TrainContext): Ret;
  /** After each validation pass (every epoch, or every N steps), logs keyed 'val_loss', 'val_accuracy', ... */
  onValidationEnd?(step: number, logs: Logs, ctx: TrainContext): Ret;
  onEpochEnd?(epoch: number, logs: Logs, ctx: TrainContext): Ret;
  onTrainEnd?(logs: Logs, ctx: TrainContext): Ret;
}

type Hook = 'onTrainBegin' | 'onEpochBegin' | 'onBatchBegin' | 'onBatchEnd' | 'onValidationEnd' | 'onEpochEnd' | 'onTrainEnd';

/** Calls `hook` on every callback in order, awaiting each; a 'stop' return stops the run. */
export async function callHook<H extends Hook>(
  callbacks: readonly Callback[],
  hook: H,
  ctx: TrainContext,
  ...args: unknown[]
): Promise<void> {
  for (const cb of callbacks) {
    const fn = cb[hook] as ((...a: unknown[]) => Ret) | undefined;
    if (fn === undefined) continue;
    const r = await fn.call(cb, ...args, ctx);
    if (r === 'stop') ctx.stop(`${hook} returned 'stop'`);
  }
}

/** `callbacks` with the `late` ones moved after the others, each group in its given order. */
export function orderCallbacks(callbacks: readonly Callback[]): Callback[] {
  return [...callbacks.filter((c) => c.late !== true), ...callbacks.filter((c) => c.late === true)];
}

/**
 * The checkpoint keys of the callbacks that have state (`saveState`): each one's `name` (default
 * 'callback'), with '#2', '#3', ... added to repeats, in list order.
 */
export function callbackStateKeys(callbacks: readonly Callback[]): Array<[key: string, callback: Callback]> {
  const seen = new Map<string, number>();
  const out: Array<[string, Callback]> = [];
  for (const cb of callbacks) {
    if (typeof cb.saveState !== 'function') continue;
    const name = cb.name ?? 'callback';
    const n = (seen.get(name) ?? 0) + 1;
    seen.set(name, n);
    out.push([n === 1 ? name : `${name}#${n}`, cb]);
  }
  return out;
}
