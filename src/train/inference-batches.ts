/**
 * The batches evaluation and prediction walk through, in order, from any data `fit` takes: an
 * in-memory ArrayDataset, a BatchSource (asked for epoch 0, unshuffled) or a plain (async)
 * iterable of batches.
 */
import * as tf from '@tensorflow/tfjs-core';
import { batches, type ArrayDataset } from '../data/dataset.js';
import { type BatchSource, type BatchStream, type StreamBatch, isBatchSource, isBatchStream } from '../data/stream.js';
import { InvalidArgumentError } from '../errors.js';

/** Data to evaluate or predict on. */
export type InferenceData = ArrayDataset | BatchSource | BatchStream;

/** True for an ArrayDataset (examples in typed arrays). */
export function isArrayDataset(d: unknown): d is ArrayDataset {
  return d !== null && typeof d === 'object' && (d as ArrayDataset).x instanceof Float32Array && Array.isArray((d as ArrayDataset).xShape);
}

/**
 * Every batch of `data` in order, as StreamBatches the caller owns (it disposes x, y and weight);
 * an ArrayDataset's per-example weights come as `weight`. A streamed batch without a tensor `x`
 * (or `y`, unless `targets: false`, as for prediction) is refused.
 *
 * @example
 * for await (const b of inferenceBatches(test, 256)) { ...; tf.dispose([b.x, b.y, b.weight ?? []]); }
 */
export async function* inferenceBatches(data: InferenceData, batchSize: number, options: { targets?: boolean } = {}): AsyncGenerator<StreamBatch> {
  const { targets } = { targets: true, ...options };
  if (isArrayDataset(data)) {
    for (const b of batches(data, { batchSize, shuffle: false })) {
      const weight = data.weight === undefined ? {} : { weight: tf.tensor1d(Float32Array.from(b.indices, (i) => data.weight![i])) };
      yield { x: b.x, y: b.y, ...weight };
    }
    return;
  }
  const stream = isBatchSource(data)
    ? data.stream({ batchSize, epoch: 0, seed: 0, shuffle: false, startBatch: 0, dropRemainder: false })
    : isBatchStream(data)
      ? data
      : undefined;
  if (stream !== undefined) {
    for await (const b of stream) {
      if (b === null || typeof b !== 'object' || !(b.x instanceof tf.Tensor) || (targets && !(b.y instanceof tf.Tensor))) {
        const shown = b !== null && typeof b === 'object' ? `{ ${Object.keys(b).join(', ')} }` : b;
        if (b !== null && typeof b === 'object') tf.dispose(Object.values(b).filter((v) => v instanceof tf.Tensor)); // ours now
        throw new InvalidArgumentError('batch', shown, targets ? '{ x: Tensor, y: Tensor, weight?: Tensor }' : '{ x: Tensor, ... }');
      }
      yield b;
    }
    return;
  }
  throw new InvalidArgumentError('data', data, 'an ArrayDataset, a BatchSource or an (async) iterable of { x, y, weight? } batches');
}
