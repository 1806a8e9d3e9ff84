import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { batches, type ArrayDataset } from '../data/dataset.js';
import type { BatchSource, StreamBatch } from '../data/stream.js';
import { evaluate } from './evaluate.js';
import { predict } from './predict.js';
import { blobs, functionalMlp, layersMlp } from './toy-fixtures.fixture.js';

await tf.setBackend('cpu');

const data: ArrayDataset = { ...blobs(37, { seed: 4 }), weight: Float32Array.from({ length: 37 }, (_, i) => 0.5 + (i % 4)) };

/** The dataset as a BatchSource, its weights as StreamBatch.weight. */
const source: BatchSource = {
  size: data.size,
  *stream({ batchSize }) {
    for (const b of batches(data, { batchSize, shuffle: false }))
      yield { x: b.x, y: b.y, weight: tf.tensor1d(Float32Array.from(b.indices, (i) => data.weight![i])) };
  },
};

const free = (params: unknown): void => tf.dispose(Object.values(params as Record<string, tf.Tensor>));

test('evaluate gives the same loss and metrics on an ArrayDataset, a BatchSource and an async stream of batches', async () => {
  const model = functionalMlp();
  const options = { batchSize: 8, metrics: ['accuracy' as const, 'f1' as const] };
  const before = tf.memory().numTensors;
  const fromArrays = await evaluate(model, data, options);
  const fromSource = await evaluate(model, source, options);
  async function* asyncBatches(): AsyncGenerator<StreamBatch> {
    yield* source.stream({ batchSize: 8, epoch: 0, seed: 0, shuffle: false, startBatch: 0, dropRemainder: false });
  }
  const fromAsync = await evaluate(model, asyncBatches(), options);
  assert.equal(tf.memory().numTensors, before, 'every streamed batch was disposed');
  assert.deepEqual(fromSource, fromArrays);
  assert.deepEqual(fromAsync, fromArrays);
  // The weighted loss is Σ w·l / Σ w over the whole set: the per-example losses by hand.
  const x = tf.tensor2d(data.x, [data.size, 8]);
  const logits = await predict(model, x);
  const lse = tf.logSumExp(logits, -1);
  const picked = tf.sum(tf.mul(logits, tf.oneHot(tf.tensor1d(data.y as Int32Array, 'int32'), 3)), -1);
  const perExample = Array.from(tf.sub(lse, picked).dataSync());
  const w = Array.from(data.weight!);
  const expected = perExample.reduce((s, l, i) => s + w[i] * l, 0) / w.reduce((s, v) => s + v, 0);
  assert.ok(Math.abs(fromArrays.loss - expected) < 1e-6, `${fromArrays.loss} vs ${expected}`);
  tf.dispose([x, logits, lse, picked]);
  free(model.params);
});

test('predict takes a stream of batches without targets', async () => {
  const model = layersMlp();
  const x = tf.tensor2d(data.x, [data.size, 8]);
  const whole = await predict(model, x);
  const before = tf.memory().numTensors;
  const parts: StreamBatch[] = [0, 20].map((start) => ({ x: tf.slice(x, start, Math.min(20, data.size - start)) }) as StreamBatch);
  const streamed = await predict(model, parts);
  assert.deepEqual(Array.from(streamed.dataSync()), Array.from(whole.dataSync()));
  streamed.dispose();
  assert.equal(tf.memory().numTensors, before, 'the streamed inputs were disposed');
  tf.dispose([x, whole]);
  model.dispose();
});

test('evaluate refuses an empty stream and a batch without targets, leaking nothing', async () => {
  const model = functionalMlp();
  const before = tf.memory().numTensors;
  await assert.rejects(evaluate(model, []), /Invalid data: "no batches" \(expected at least one example to evaluate\)/);
  await assert.rejects(evaluate(model, [{ x: tf.zeros([2, 8]) } as StreamBatch]), /Invalid batch: "\{ x \}" \(expected \{ x: tf\.Tensor, y: tf\.Tensor, weight\?: tf\.Tensor \}\)/);
  assert.equal(tf.memory().numTensors, before, 'the refused batch was disposed: the consumer owns what it receives');
  free(model.params);
});
