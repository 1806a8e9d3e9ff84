/**
 * Data that does not fit in memory: batches that arrive one at a time, from a generator, a file
 * reader or a network source. `fit` (and `evaluate`, `predict`) accept these besides an
 * ArrayDataset.
 *
 * Ownership: the consumer owns every tensor of a batch it receives and disposes it after use, so a
 * stream hands out fresh tensors and keeps none.
 *
 * Two shapes:
 * - a `BatchSource` makes a new, seeded stream for each epoch (shuffling, resuming mid-epoch): what
 *   a loader such as `imageFolder` returns, and the only kind a resumed run can replay exactly;
 * - a plain `Iterable`/`AsyncIterable` of batches: each epoch calls its `[Symbol.asyncIterator]()`
 *   (or `[Symbol.iterator]()`) again. A one-shot generator therefore serves one epoch only; a
 *   consumer that finds an epoch empty after the first says so instead of training on nothing.
 */
import type * as tf from '@tensorflow/tfjs-core';

/** One batch: inputs, targets, and optional per-example weights ([b], float32). */
export interface StreamBatch {
  x: tf.Tensor;
  y: tf.Tensor;
  /** Per-example weights of the loss, [b] float32. */
  weight?: tf.Tensor;
}

/** Any (async) iterable of batches. */
export type BatchStream = Iterable<StreamBatch> | AsyncIterable<StreamBatch>;

/** What a `BatchSource` is asked for, once per epoch. */
export interface StreamRequest {
  batchSize: number;
  /** The epoch (from 0): with `seed`, it fixes the order, so epoch e is the same stream every time. */
  epoch: number;
  seed: number;
  shuffle: boolean;
  /** Skip this many batches of the epoch (a resumed run). */
  startBatch: number;
  /** Drop the last, smaller batch. */
  dropRemainder: boolean;
}

/** A source of seeded per-epoch streams (see the module comment). */
export interface BatchSource {
  /** Examples per epoch, when known (progress bars, steps per epoch, schedules). */
  readonly size?: number;
  stream(request: StreamRequest): BatchStream;
}

/** True for a BatchSource (an object with a `stream` method). */
export function isBatchSource(v: unknown): v is BatchSource {
  return v !== null && typeof v === 'object' && typeof (v as BatchSource).stream === 'function';
}

/** True for an iterable or async iterable that is not an ArrayDataset or a BatchSource. */
export function isBatchStream(v: unknown): v is BatchStream {
  return (
    v !== null &&
    typeof v === 'object' &&
    (typeof (v as Iterable<unknown>)[Symbol.iterator] === 'function' ||
      typeof (v as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function')
  );
}
