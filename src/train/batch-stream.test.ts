import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '../engine/gradients.js';
import { batches, type ArrayDataset } from '../data/dataset.js';
import type { BatchSource, StreamBatch, StreamRequest } from '../data/stream.js';
import { InvalidArgumentError } from '../errors.js';
import { adamw } from '../optim/index.js';
import type { Callback } from './callbacks.js';
import { evaluate } from './evaluate.js';
import { fit, type FitOptions } from './fit.js';
import type { FunctionalModel } from './model.js';
import { blobs, functionalMlp, weightValues } from './toy-fixtures.fixture.js';

await tf.setBackend('cpu');

const train = blobs(70, { seed: 5 });
const validation = blobs(30, { seed: 6 });
const options = (): FitOptions => ({ optimizer: adamw({ learningRate: 0.01 }), batchSize: 16, seed: 7, logEvery: 2, verbose: 'silent' });
const params = (m: FunctionalModel): Array<[string, tf.Tensor]> => Object.entries(m.params as Record<string, tf.Tensor>);
const free = (...ms: FunctionalModel[]): void => ms.forEach((m) => tf.dispose(params(m).map(([, w]) => w)));

/** A generator-based BatchSource over an ArrayDataset: what a file reader would give, batch by batch. */
function generatorSource(d: ArrayDataset, requests: StreamRequest[] = []): BatchSource {
  return {
    size: d.size,
    stream(request) {
      requests.push(request);
      return (async function* (): AsyncGenerator<StreamBatch> {
        for (const b of batches(d, request)) yield { x: b.x, y: b.y };
      })();
    },
  };
}

/** The same source without its size: a stream of unknown length. */
const unsized = (d: ArrayDataset): BatchSource => ({ stream: (r) => generatorSource(d).stream(r) });

test('a generator-based BatchSource trains bit for bit as the ArrayDataset it reads, with the requests fit documents', async () => {
  const fromArrays = functionalMlp({ dropout: 0.2 });
  const h1 = await fit(fromArrays, { train, validation }, { ...options(), epochs: 3 });
  const fromStream = functionalMlp({ dropout: 0.2 });
  const requests: StreamRequest[] = [];
  const h2 = await fit(fromStream, { train: generatorSource(train, requests), validation: generatorSource(validation) }, { ...options(), epochs: 3 });
  assert.deepEqual(weightValues(params(fromStream)), weightValues(params(fromArrays)));
  assert.deepEqual(h2.epochs, h1.epochs);
  assert.deepEqual(h2.steps, h1.steps);
  assert.deepEqual(requests, [0, 1, 2].map((epoch) => ({ batchSize: 16, shuffle: true, seed: 7, epoch, startBatch: 0, dropRemainder: false })));
  free(fromArrays, fromStream);
});

test('a stream of unknown length trains the same, with no steps per epoch and a progress line without total or ETA', async () => {
  const fromArrays = functionalMlp();
  await fit(fromArrays, { train }, { ...options(), epochs: 2 });
  const fromStream = functionalMlp();
  const seen: Array<number | undefined> = [];
  let out = '';
  await fit(fromStream, { train: unsized(train) }, {
    ...options(),
    epochs: 2,
    verbose: 'progress',
    progress: { write: (s) => void (out += s), isTTY: true, redrawMs: 0, now: () => 0 },
    callbacks: [{ onTrainBegin: (ctx) => void seen.push(ctx.stepsPerEpoch, ctx.trainSize) }],
  });
  assert.deepEqual(weightValues(params(fromStream)), weightValues(params(fromArrays)));
  assert.deepEqual(seen, [undefined, undefined]);
  assert.match(out, /epoch 2\/2 batch 5/);
  assert.doesNotMatch(out, /ETA/);
  free(fromArrays, fromStream);
});

test('a plain iterable that starts anew each epoch trains as the unshuffled ArrayDataset', async () => {
  const fromArrays = functionalMlp();
  await fit(fromArrays, { train }, { ...options(), shuffle: false, epochs: 2 });
  const fromIterable = functionalMlp();
  const iterable = { *[Symbol.iterator]() { for (const b of batches(train, { batchSize: 16, shuffle: false })) yield { x: b.x, y: b.y }; } };
  await fit(fromIterable, { train: iterable }, { ...options(), epochs: 2 });
  assert.deepEqual(weightValues(params(fromIterable)), weightValues(params(fromArrays)));
  free(fromArrays, fromIterable);
});

test('fit on a stream leaks no tensor: every batch is disposed, stopped mid-epoch or not', async () => {
  const model = functionalMlp();
  const start = tf.memory().numTensors;
  await fit(model, { train: generatorSource(train), validation: generatorSource(validation) }, { ...options(), epochs: 2 });
  const stop: Callback = { onBatchEnd: (s) => (s === 7 ? 'stop' : undefined) };
  const h = await fit(model, { train: unsized(train) }, { ...options(), epochs: 2, callbacks: [stop] });
  assert.equal(h.stopped, true);
  assert.equal(h.epochs.length, 1); // the stopped epoch has no end
  assert.equal(tf.memory().numTensors, start);
  free(model);
});

test('a one-shot generator serves one epoch; the second finds it empty and fit says why', async () => {
  const model = functionalMlp();
  const oneShot = (): AsyncGenerator<StreamBatch> =>
    (async function* () {
      for (const b of batches(train, { batchSize: 16 })) yield { x: b.x, y: b.y };
    })();
  const h = await fit(model, { train: oneShot() }, { ...options(), epochs: 1 });
  assert.equal(h.step, 5);
  const start = tf.memory().numTensors;
  await assert.rejects(
    fit(model, { train: oneShot() }, { ...options(), epochs: 2 }),
    (e: unknown) => e instanceof InvalidArgumentError && e.option === 'data.train' && /epoch 1/.test(e.message) && /one-shot generator serves one epoch/.test(e.message),
  );
  assert.equal(tf.memory().numTensors, start);
  free(model);
});

test('a run on a BatchSource stopped mid-epoch resumes from its checkpoint bit for bit (the source is asked for startBatch)', async () => {
  const { mkdtemp, rm } = await import('node:fs/promises');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { checkpoints } = await import('./checkpoints.js');
  const dir = await mkdtemp(join(tmpdir(), 'trainkit-stream-'));
  try {
    const whole = functionalMlp({ dropout: 0.2 });
    await fit(whole, { train: generatorSource(train) }, { ...options(), epochs: 3 });
    const first = functionalMlp({ dropout: 0.2 });
    const ckpt = checkpoints({ dir, every: 7 });
    await fit(first, { train: generatorSource(train) }, { ...options(), epochs: 3, callbacks: [ckpt, { onBatchEnd: (s) => (s === 8 ? 'stop' : undefined) }] });
    const resumed = functionalMlp({ dropout: 0.2, seed: 40 });
    const requests: StreamRequest[] = [];
    await fit(resumed, { train: generatorSource(train, requests) }, { ...options(), epochs: 3, resumeFrom: ckpt.lastPath });
    assert.deepEqual(requests.map((r) => [r.epoch, r.startBatch]), [[1, 2], [2, 0]]);
    assert.deepEqual(weightValues(params(resumed)), weightValues(params(whole)));
    free(whole, first, resumed);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('evaluate reads a BatchSource and an iterable of batches as it reads the ArrayDataset, and disposes their batches', async () => {
  const model = functionalMlp();
  const expected = await evaluate(model, validation, { batchSize: 8 });
  const start = tf.memory().numTensors;
  const fromSource = await evaluate(model, generatorSource(validation), { batchSize: 8 });
  const list = Array.from(batches(validation, { batchSize: 8, shuffle: false }), (b) => ({ x: b.x, y: b.y }));
  const fromIterable = await evaluate(model, list);
  assert.equal(tf.memory().numTensors, start);
  assert.deepEqual(fromSource, expected);
  assert.deepEqual(fromIterable, expected);
  await assert.rejects(evaluate(model, []), (e: unknown) => e instanceof InvalidArgumentError && /no batch/.test(e.message));
  await assert.rejects(evaluate(model, 42 as never), (e: unknown) => e instanceof InvalidArgumentError && e.option === 'data');
  free(model);
});
