/**
 * A folder of images, one sub-folder per class (torchvision's `ImageFolder` layout), read as a
 * `BatchSource`: each epoch's batches are decoded from the files as they are needed, so a folder
 * far larger than memory trains in bounded memory.
 *
 * Per image: decode (PNG or JPEG, `decodeImage`), convert to 1 or 3 channels, resize to
 * `size` with PIL's antialiased bilinear filter (`resizeBilinear`), scale to [0, 1]. A batch is
 * `x` [b, h, w, channels] float32 (NHWC) and `y` [b] int32 class indices.
 *
 * Memory: the batch being consumed, `readAhead` batches being prepared, and per batch in
 * preparation at most `READS_IN_FLIGHT` files (their bytes and full-size pixels) at once.
 */
import { readFile } from 'node:fs/promises';
import * as tf from '@tensorflow/tfjs-core';
import { checkNumber, InvalidArgumentError, TrainkitError } from '../errors.js';
import { batchCount, epochOrder } from './dataset.js';
import { decodeImage } from './image-decode.js';
import { listImageFiles } from './image-files.js';
import { resizeBilinear } from './resize.js';
import type { BatchSource, StreamBatch, StreamRequest } from './stream.js';

/** Files read and decoded at the same time while a batch is prepared. */
const READS_IN_FLIGHT = 4;

export interface ImageFolderOptions {
  /** Size of every output image, [height, width] in pixels (required). */
  size: readonly [number, number];
  /** 3 (RGB, default) or 1 (grayscale by ITU-R 601-2 luma, as PIL's `convert('L')`). */
  channels?: 1 | 3;
  /** Batches prepared ahead of the one being consumed (default 1; 0 reads each batch when asked for). */
  readAhead?: number;
  /** Batch size of the plain `for await` iteration (default 32); `stream` takes its own. */
  batchSize?: number;
}

const DEFAULTS = { channels: 3 as 1 | 3, readAhead: 1, batchSize: 32 };

/** A batch of an image folder: a StreamBatch plus the positions of its images in `files`. */
export interface ImageBatch extends StreamBatch {
  /** [b, h, w, channels] float32 in [0, 1]. */
  x: tf.Tensor4D;
  /** [b] int32 class indices. */
  y: tf.Tensor1D;
  /** Index of each example in `files`. */
  indices: Int32Array;
}

/** An image folder as a seeded BatchSource; iterating it directly gives epoch 0 unshuffled. */
export interface ImageFolder extends BatchSource, AsyncIterable<ImageBatch> {
  /** Number of images. */
  readonly size: number;
  /** Class names (the sub-folder names, sorted); label i is classNames[i]. */
  readonly classNames: readonly string[];
  readonly numClasses: number;
  /** Every image file, in index order (by class, then torchvision's file order). */
  readonly files: readonly string[];
  /** Label of each file. */
  readonly labels: Int32Array;
  /** Shape of one example: [height, width, channels]. */
  readonly imageShape: readonly [number, number, number];
  stream(request: StreamRequest): AsyncIterable<ImageBatch>;
}

function checkSize(size: unknown): [number, number] {
  const ok = Array.isArray(size) && size.length === 2 && size.every((s) => Number.isInteger(s) && s >= 1);
  if (!ok) throw new InvalidArgumentError('size', size, '[height, width]: two integers >= 1');
  return [size[0], size[1]];
}

function checkRequest(r: StreamRequest): void {
  checkNumber('batchSize', r.batchSize, { min: 1, integer: true });
  checkNumber('epoch', r.epoch, { min: 0, integer: true });
  checkNumber('startBatch', r.startBatch, { min: 0, integer: true });
  if (!Number.isSafeInteger(r.seed)) throw new InvalidArgumentError('seed', r.seed, 'a safe integer');
  if (typeof r.shuffle !== 'boolean') throw new InvalidArgumentError('shuffle', r.shuffle, 'true or false');
  if (typeof r.dropRemainder !== 'boolean') throw new InvalidArgumentError('dropRemainder', r.dropRemainder, 'true or false');
}

/** Host-side pixels and labels of one batch, before upload. */
interface HostBatch {
  x: Float32Array;
  y: Int32Array;
  indices: Int32Array;
}

/**
 * Reads a folder of class sub-folders of PNG/JPEG images (torchvision's `ImageFolder` layout:
 * classes sorted by folder name) as a BatchSource. The listing happens now; the pixels are read
 * lazily, batch by batch, in the order of `epochOrder(size, { seed, epoch, shuffle })` — the same
 * order as an ArrayDataset of the same size. Missing folders, empty classes and a bad option throw
 * an InvalidArgumentError now; a file that does not decode rejects its batch with a TrainkitError
 * naming the file.
 *
 * @example
 * const train = imageFolder('data/train', { size: [32, 32] });
 * for await (const { x, y } of train.stream({ batchSize: 64, epoch, seed: 1, shuffle: true, startBatch: 0, dropRemainder: false })) {
 *   // x [64, 32, 32, 3] float32 in [0, 1], y [64] int32
 *   tf.dispose([x, y]);
 * }
 */
export function imageFolder(dir: string, options: ImageFolderOptions): ImageFolder {
  const o = { ...DEFAULTS, ...options };
  const [height, width] = checkSize(o.size);
  if (o.channels !== 1 && o.channels !== 3) throw new InvalidArgumentError('channels', o.channels, '1 or 3');
  checkNumber('readAhead', o.readAhead, { min: 0, integer: true });
  checkNumber('batchSize', o.batchSize, { min: 1, integer: true });
  const { classNames, files, labels } = listImageFiles(dir);
  const channels = o.channels;
  const pixels = height * width * channels;

  async function readOne(i: number, x: Float32Array, at: number): Promise<void> {
    let bytes: Buffer;
    try {
      bytes = await readFile(files[i]);
    } catch (e) {
      throw new TrainkitError(`cannot read image ${files[i]}: ${e instanceof Error ? e.message : String(e)}`);
    }
    const img = decodeImage(bytes, files[i], channels);
    resizeBilinear(img.data, img.height, img.width, channels, height, width, x, at * pixels);
  }

  async function load(indices: Int32Array): Promise<HostBatch> {
    const m = indices.length;
    const x = new Float32Array(m * pixels);
    const y = Int32Array.from(indices, (i) => labels[i]);
    let next = 0;
    const reader = async (): Promise<void> => {
      while (next < m) {
        const k = next++;
        await readOne(indices[k], x, k);
      }
    };
    await Promise.all(Array.from({ length: Math.min(READS_IN_FLIGHT, m) }, reader));
    return { x, y, indices };
  }

  async function* batches(r: StreamRequest): AsyncGenerator<ImageBatch> {
    const order = epochOrder(files.length, { shuffle: r.shuffle, seed: r.seed, epoch: r.epoch });
    const n = batchCount(files.length, r.batchSize, r.dropRemainder);
    const pending: Promise<HostBatch>[] = [];
    let next = r.startBatch;
    for (;;) {
      // Batch b is awaited while b + 1 .. b + readAhead are being read.
      while (next < n && pending.length < o.readAhead + 1) {
        const start = next++ * r.batchSize;
        const p = load(order.slice(start, Math.min(files.length, start + r.batchSize)));
        // A batch read ahead that is never awaited (the consumer stopped) must not reject unhandled.
        p.catch(() => undefined);
        pending.push(p);
      }
      const head = pending.shift();
      if (head === undefined) return;
      const b = await head;
      // Tensors are made only here, so batches read ahead and dropped hold no tensors.
      yield {
        x: tf.tensor4d(b.x, [b.indices.length, height, width, channels], 'float32'),
        y: tf.tensor1d(b.y, 'int32'),
        indices: b.indices,
      };
    }
  }

  const stream = (request: StreamRequest): AsyncIterable<ImageBatch> => {
    checkRequest(request);
    return batches(request);
  };

  return {
    size: files.length,
    classNames,
    numClasses: classNames.length,
    files,
    labels,
    imageShape: [height, width, channels],
    stream,
    [Symbol.asyncIterator]: () =>
      batches({ batchSize: o.batchSize, epoch: 0, seed: 0, shuffle: false, startBatch: 0, dropRemainder: false })[
        Symbol.asyncIterator
      ](),
  };
}
