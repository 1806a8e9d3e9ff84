import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '../engine/gradients.js';
import { sgd } from '../optim/index.js';
import { fit } from './fit.js';
import { evaluate } from './evaluate.js';
import { ema } from './ema.js';
import { blobs, functionalMlp, layersMlp, weightValues } from './toy-fixtures.fixture.js';

await tf.setBackend('cpu');

const train = blobs(64, { seed: 1 });

test('the EMA equals a hand-computed Polyak average of the weights after every step', async () => {
  const model = functionalMlp();
  const decay = 0.9;
  const seen: number[][][] = [weightValues([...Object.entries(model.params as Record<string, tf.Tensor>)].sort(([a], [b]) => (a < b ? -1 : 1)))];
  const avg = ema({ decay });
  await fit(model, { train }, {
    optimizer: sgd({ learningRate: 0.1 }),
    epochs: 2,
    batchSize: 16,
    verbose: 'silent',
    callbacks: [{ onBatchEnd: (_s, _l, ctx) => void seen.push(weightValues(ctx.model.weights())) }, avg],
  });
  // In float64: e₀ = x₀, e_k = β·e_{k−1} + (1 − β)·x_k.
  let expected = seen[0];
  for (const w of seen.slice(1)) expected = expected.map((leaf, i) => leaf.map((e, j) => decay * e + (1 - decay) * w[i][j]));
  const got = avg.values()!.map((t) => Array.from(t.dataSync()));
  got.forEach((leaf, i) => leaf.forEach((v, j) => assert.ok(Math.abs(v - expected[i][j]) <= 1e-6 * Math.max(1, Math.abs(expected[i][j])), `${v} vs ${expected[i][j]}`)));
  assert.notDeepEqual(got, seen.at(-1));
  avg.dispose();
  tf.dispose(Object.values(model.params as Record<string, tf.Tensor>));
});

test('the EMA weights are evaluated apart: the model keeps its own weights, and nothing leaks', async () => {
  const model = layersMlp();
  const avg = ema({ decay: 0.5 });
  const validation = blobs(32, { seed: 5 });
  await fit(model, { train }, { optimizer: sgd({ learningRate: 0.1 }), epochs: 2, batchSize: 16, verbose: 'silent', callbacks: [avg] });
  const start = tf.memory().numTensors;
  const own = weightValues(model.weights.map((w) => [w.name, w.read()]));
  const averaged = await avg.evaluate(model, validation);
  assert.deepEqual(weightValues(model.weights.map((w) => [w.name, w.read()])), own);
  assert.equal(tf.memory().numTensors, start);
  const copy = layersMlp({ seed: 9 });
  avg.copyTo(copy);
  assert.deepEqual(await evaluate(copy, validation), averaged);
  avg.dispose();
  model.dispose();
  copy.dispose();
});
