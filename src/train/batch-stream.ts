/**
 * The data `fit` and `evaluate` read, whatever its form: an in-memory ArrayDataset, a BatchSource
 * (a seeded stream per epoch) or a plain (async) iterable of batches (see src/data/stream.ts for the
 * contract). Each epoch becomes one async iteration of batches the loop owns and disposes.
 */
import * as tf from '@tensorflow/tfjs-core';
import { batchCount, batches, type ArrayDataset } from '../data/dataset.js';
import { isBatchSource, isBatchStream, type BatchSource, type BatchStream, type StreamBatch, type StreamRequest } from '../data/stream.js';
import { InvalidArgumentError } from '../errors.js';

/** Data for training or evaluation. */
export type TrainData = ArrayDataset | BatchSource | BatchStream;

/** One batch in the loop: tensors it owns and disposes, and the number of examples. */
export interface LoopBatch {
  x: tf.Tensor;
  y: tf.Tensor;
  /** Per-example weights of the loss, when the stream gives them. */
  weight?: tf.Tensor;
  size: number;
}

const EXPECTED = 'an ArrayDataset, a BatchSource ({ stream(request) }) or an (async) iterable of { x, y } batches';

/** True for an in-memory ArrayDataset. */
export function isArrayDataset(d: unknown): d is ArrayDataset {
  return d !== null && typeof d === 'object' && !isBatchSource(d) && !isBatchStream(d) && typeof (d as ArrayDataset).size === 'number';
}

/** Throws InvalidArgumentError naming `option` unless `d` is one of the three forms. */
export function checkTrainData(option: string, d: unknown): asserts d is TrainData {
  if (!isArrayDataset(d) && !isBatchSource(d) && !isBatchStream(d)) throw new InvalidArgumentError(option, d, EXPECTED);
  if (isArrayDataset(d) && d.size === 0) throw new InvalidArgumentError(`${option}.size`, 0, 'at least one example');
}

/** Examples per epoch when known (an ArrayDataset's size, a BatchSource's `size`). */
export function dataSize(d: TrainData): number | undefined {
  if (isArrayDataset(d)) return d.size;
  if (isBatchSource(d)) return d.size;
  return undefined;
}

/** Batches per epoch when the size is known. */
export function batchesPerEpoch(d: TrainData, batchSize: number, dropRemainder: boolean): number | undefined {
  const size = dataSize(d);
  return size === undefined ? undefined : batchCount(size, batchSize, dropRemainder);
}

/** An ArrayDataset's batches for `request`, with its per-example weights as `weight`. */
export function* arrayBatches(d: ArrayDataset, request: Partial<StreamRequest> & { batchSize: number }): Generator<LoopBatch> {
  for (const b of batches(d, request)) {
    const weight = d.weight === undefined ? undefined : tf.tensor1d(Float32Array.from(b.indices, (i) => d.weight![i]));
    yield { x: b.x, y: b.y, ...(weight === undefined ? {} : { weight }), size: b.indices.length };
  }
}

/**
 * Throws InvalidArgumentError naming `option` unless `b` is a batch `{ x, y, weight? }` of tensors
 * (`y` may be absent when `targets` is false, as for prediction). A refused batch's tensors are
 * disposed: the consumer owned them.
 */
export function checkStreamBatch(b: unknown, option: string, targets = true): asserts b is StreamBatch {
  const batch = b as Partial<StreamBatch> | null;
  const ok = batch !== null && typeof batch === 'object' && batch.x instanceof tf.Tensor && (!targets || batch.y instanceof tf.Tensor);
  if (ok) return;
  const shown = batch !== null && typeof batch === 'object' ? `{ ${Object.keys(batch).join(', ')} }` : batch;
  if (batch !== null && typeof batch === 'object') tf.dispose(Object.values(batch).filter((v): v is tf.Tensor => v instanceof tf.Tensor));
  throw new InvalidArgumentError(option, shown, targets ? '{ x: tf.Tensor, y: tf.Tensor, weight?: tf.Tensor }' : '{ x: tf.Tensor, ... }');
}

/**
 * The batches of one epoch. An ArrayDataset and a BatchSource honour every field of `request`
 * (order, resume); a plain iterable is iterated anew (its first `startBatch` batches are skipped
 * and disposed: an exact resume only if it gives the same batches each time). A plain iterable that
 * yields no batch throws InvalidArgumentError naming `option`: a one-shot generator serves one
 * epoch only. The consumer disposes every batch it receives.
 */
export async function* epochBatches(d: TrainData, request: StreamRequest, option: string): AsyncGenerator<LoopBatch> {
  if (isArrayDataset(d)) {
    yield* arrayBatches(d, request);
    return;
  }
  const stream = isBatchSource(d) ? d.stream(request) : d;
  const skip = isBatchSource(d) ? 0 : request.startBatch;
  let seen = 0;
  for await (const b of stream) {
    seen += 1;
    checkStreamBatch(b, `${option} batch`);
    if (seen <= skip) {
      b.x.dispose();
      b.y.dispose();
      b.weight?.dispose();
      continue;
    }
    yield { x: b.x, y: b.y, ...(b.weight === undefined ? {} : { weight: b.weight }), size: b.x.shape[0] };
  }
  if (seen === 0 && !isBatchSource(d))
    throw new InvalidArgumentError(
      option,
      `an iterable that yielded no batch in epoch ${request.epoch}`,
      'an iterable that starts anew each epoch (a one-shot generator serves one epoch only: pass a BatchSource, ' +
        'whose stream(request) makes a fresh stream per epoch, or an object whose [Symbol.asyncIterator]() starts a new generator)',
    );
}
