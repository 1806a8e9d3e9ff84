/**
 * Training that continues: a `Trainer` holds a model, its optimizer state, the position (step,
 * epoch, next batch) and the model's generator, so each `fit` call continues where the last one
 * stopped — Adam's moments, the schedule's step and the data order go on as if the calls were one.
 */
import { InvalidArgumentError, TrainkitError, checkNumber } from '../errors.js';
import type { ScaledState } from '../optim/learning_rate_scale.js';
import type { Callback, Position } from './callbacks.js';
import { checkFitData, trainLoop, type FitData, type History } from './loop.js';
import type { Model } from './model.js';
import { resolveTrainOptions, type Settings, type TrainOptions } from './options.js';
import { restoreSession } from './restore.js';
import { createSession, disposeSession, type Session } from './session.js';

/** Options of one `Trainer.fit` call. */
export interface TrainerFitOptions {
  /**
   * Epochs to train in this call, counted from where the trainer is (an epoch left unfinished by a
   * stop counts as one). Default 1.
   */
  epochs?: number;
  /** The callbacks of this call. Default: the trainer's `callbacks`. */
  callbacks?: Callback[];
}

/** A model in training; see `trainer`. */
export class Trainer {
  readonly model: Model;
  readonly #o: Settings;
  readonly #session: Session;
  #disposed = false;

  constructor(model: Model, options: TrainOptions) {
    this.model = model;
    this.#o = resolveTrainOptions(options);
    this.#session = createSession(model, this.#o.optimizer, this.#o.seed);
  }

  /** Where the next `fit` starts: updates done, the epoch and batch of the next batch. */
  get position(): Position {
    return { ...this.#session.position };
  }

  /** The optimizer state (`{ optimizer, lrScale }`, plain data; the trainer owns its tensors). */
  get optimizerState(): ScaledState {
    return this.#session.state;
  }

  /** Restores weights, optimizer state, position, generators and callback states from a checkpoint `fit` wrote. */
  async restore(path: string): Promise<void> {
    this.#check();
    await restoreSession(this.#session, path);
  }

  /**
   * Trains `epochs` more epochs on `data` (an ArrayDataset, a BatchSource or an (async) iterable of
   * batches, as `fit`), continuing the optimizer state, the step and the data order. Returns the
   * history of this call (`step` counts every update so far).
   */
  async fit(data: FitData, options: TrainerFitOptions = {}): Promise<History> {
    this.#check();
    const o = { epochs: 1, callbacks: this.#o.callbacks, ...options };
    checkNumber('epochs', o.epochs, { min: 0, integer: true });
    if (!Array.isArray(o.callbacks)) throw new InvalidArgumentError('callbacks', o.callbacks, 'an array of callback objects');
    checkFitData(data, this.#o);
    const { epoch } = this.#session.position;
    return trainLoop(this.#session, data, this.#o, epoch + o.epochs, o.callbacks);
  }

  /** Frees the optimizer state (the model keeps its weights). The trainer cannot train afterwards. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    disposeSession(this.#session);
  }

  #check(): void {
    if (this.#disposed) throw new TrainkitError('This trainer was disposed: make a new one with trainer(model, options)');
  }
}

/**
 * A trainer for `model`: `fit` it several times and it trains as one long run. Two calls of 2 and
 * 3 epochs give the same weights, bit for bit on the cpu backend, as `fit` with `epochs: 5` (same
 * seed, data order, schedule, optimizer state). Options are `fit`'s, less `epochs` and
 * `resumeFrom` (use `restore(path)`). Call `dispose()` when done to free the optimizer state.
 *
 * @example
 * const t = trainer(model, { optimizer: adamw({ learningRate: warmupCosine({ peak: 1e-3, warmupSteps: 100, decaySteps: 900 }) }) });
 * await t.fit({ train }, { epochs: 2 });
 * // look at the model, then go on: Adam's moments and the warmup continue
 * await t.fit({ train, validation }, { epochs: 3 });
 * t.dispose();
 */
export function trainer(model: Model, options: TrainOptions): Trainer {
  return new Trainer(model, options);
}
