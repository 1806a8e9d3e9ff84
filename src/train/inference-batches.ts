/**
 * The batches evaluation and prediction walk through, in order, from any data `fit` takes: an
 * in-memory ArrayDataset, a BatchSource (asked for epoch 0, unshuffled) or a plain (async)
 * iterable of batches.
 */
import { type StreamBatch, isBatchSource, isBatchStream } from '../data/stream.js';
import { InvalidArgumentError } from '../errors.js';
import { arrayBatches, checkStreamBatch, isArrayDataset, type TrainData } from './batch-stream.js';

/** Data to evaluate or predict on: what `fit` trains on. */
export type InferenceData = TrainData;

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
    for (const { size: _size, ...b } of arrayBatches(data, { batchSize, shuffle: false })) yield b;
    return;
  }
  const stream = isBatchSource(data)
    ? data.stream({ batchSize, epoch: 0, seed: 0, shuffle: false, startBatch: 0, dropRemainder: false })
    : isBatchStream(data)
      ? data
      : undefined;
  if (stream !== undefined) {
    for await (const b of stream) {
      checkStreamBatch(b, 'batch', targets);
      yield b;
    }
    return;
  }
  throw new InvalidArgumentError('data', data, 'an ArrayDataset, a BatchSource or an (async) iterable of { x, y, weight? } batches');
}
