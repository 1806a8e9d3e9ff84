import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import '../engine/gradients.js';
import { InvalidArgumentError } from '../errors.js';
import { sgd } from '../optim/index.js';
import { SeededDropout } from '../regularize/dropout.js';
import { fit } from './fit.js';
import { evaluate } from './evaluate.js';
import { layerRngStates } from './layer-rng.js';
import { swa } from './swa.js';
import { blobs, functionalMlp, layersMlp, weightValues } from './toy-fixtures.fixture.js';

await tf.setBackend('cpu');

// 100 examples, batch 16: 7 steps per epoch.
const train = blobs(100, { seed: 1 });

const mean = (sets: number[][][]): number[][] => sets[0].map((leaf, i) => leaf.map((_, j) => sets.reduce((a, s) => a + s[i][j], 0) / sets.length));
const assertClose = (got: number[][], expected: number[][], tol = 1e-6): void =>
  got.forEach((leaf, i) => leaf.forEach((v, j) => assert.ok(Math.abs(v - expected[i][j]) <= tol * Math.max(1, Math.abs(expected[i][j])), `[${i}][${j}] ${v} vs ${expected[i][j]}`)));

test('SWA equals the hand-computed mean of the weights at each epoch end from startEpoch on', async () => {
  const model = functionalMlp();
  const avg = swa({ startEpoch: 1 });
  const atEpochEnd: number[][][] = [];
  await fit(model, { train }, {
    optimizer: sgd({ learningRate: 0.1, momentum: 0.9 }),
    epochs: 4,
    batchSize: 16,
    verbose: 'silent',
    callbacks: [{ onEpochEnd: (_e, _l, ctx) => void atEpochEnd.push(weightValues(ctx.model.weights())) }, avg],
  });
  assert.equal(avg.count, 3);
  assert.equal(avg.batchNormRecomputed, true); // nothing to recompute in a functional model
  assertClose(avg.values()!.map((t) => Array.from(t.dataSync())), mean(atEpochEnd.slice(1)));
  avg.dispose();
  tf.dispose(Object.values(model.params as Record<string, tf.Tensor>));
});

test('SWA every c steps from startStep averages the weights after steps start, start + c, ...', async () => {
  const model = functionalMlp();
  const avg = swa({ startStep: 5, every: 3 });
  const at = new Map<number, number[][]>();
  await fit(model, { train }, {
    optimizer: sgd({ learningRate: 0.1 }),
    epochs: 2,
    batchSize: 16,
    verbose: 'silent',
    callbacks: [{ onBatchEnd: (s, _l, ctx) => void at.set(s, weightValues(ctx.model.weights())) }, avg],
  });
  assert.equal(avg.count, 4); // steps 5, 8, 11, 14
  assertClose(avg.values()!.map((t) => Array.from(t.dataSync())), mean([5, 8, 11, 14].map((s) => at.get(s)!)));
  avg.dispose();
  tf.dispose(Object.values(model.params as Record<string, tf.Tensor>));
});

/** dense(16, relu) → batch norm → seeded dropout → dense(3). */
const bnModel = (): tfl.LayersModel =>
  tfl.sequential({
    layers: [
      tfl.layers.dense({ units: 16, activation: 'relu', inputShape: [8], kernelInitializer: tfl.initializers.heNormal({ seed: 1 }) }),
      tfl.layers.batchNormalization({}),
      new SeededDropout({ rate: 0.2, seed: 3 }),
      tfl.layers.dense({ units: 3, kernelInitializer: tfl.initializers.glorotUniform({ seed: 2 }) }),
    ],
  });

test('with batch norm, the averaged weights get batch-norm statistics recomputed on bnData; the trained model is untouched', async () => {
  const model = bnModel();
  const avg = swa({ startEpoch: 1, bnData: train, bnBatchSize: train.size });
  const atEpochEnd: number[][][] = [];
  let rngAtEnd: unknown;
  let ownAtEnd: number[][] = [];
  await fit(model, { train }, {
    optimizer: sgd({ learningRate: 0.05 }),
    epochs: 3,
    batchSize: 16,
    verbose: 'silent',
    callbacks: [
      {
        onEpochEnd: (_e, _l, ctx) => {
          atEpochEnd.push(weightValues(ctx.model.weights()));
          rngAtEnd = layerRngStates(model);
          ownAtEnd = weightValues(ctx.model.weights());
        },
      },
      avg,
    ],
  });
  assert.equal(avg.batchNormRecomputed, true);
  const names = model.weights.map((w) => w.name);
  const idx = (part: string): number => names.findIndex((n) => n.includes(part));
  const got = avg.values()!.map((t) => Array.from(t.dataSync()));
  const expected = mean(atEpochEnd.slice(1));
  // Every weight but the moving statistics is the plain mean.
  names.forEach((n, i) => {
    if (!/moving_(mean|variance)/.test(n)) assertClose([got[i]], [expected[i]]);
  });
  // The moving statistics: mean and biased variance of the BN input (relu(x·W + b) with the averaged
  // W and b) over bnData, in one batch, computed here in float64.
  const W = got[idx('kernel')];
  const b = got[idx('bias')];
  const h: number[][] = [];
  for (let n = 0; n < train.size; n++)
    h.push(Array.from({ length: 16 }, (_, u) => Math.max(0, b[u] + Array.from({ length: 8 }, (_, k) => train.x[n * 8 + k] * W[k * 16 + u]).reduce((a, v) => a + v, 0))));
  const mu = Array.from({ length: 16 }, (_, u) => h.reduce((a, r) => a + r[u], 0) / train.size);
  const variance = mu.map((m, u) => h.reduce((a, r) => a + (r[u] - m) ** 2, 0) / train.size);
  assertClose([got[idx('moving_mean')]], [mu], 1e-5);
  assertClose([got[idx('moving_variance')]], [variance], 1e-4);
  assert.notDeepEqual(got[idx('moving_mean')], expected[idx('moving_mean')]);
  // The trained model keeps its own weights and its dropout generator where training left them.
  assert.deepEqual(weightValues(model.weights.map((w) => [w.name, w.read()])), ownAtEnd);
  assert.deepEqual(layerRngStates(model), rngAtEnd);
  // Evaluated apart, without leaks.
  const start = tf.memory().numTensors;
  const logs = await avg.evaluate(model, blobs(40, { seed: 4 }));
  assert.equal(tf.memory().numTensors, start);
  const copy = bnModel();
  avg.copyTo(copy);
  assert.deepEqual(await evaluate(copy, blobs(40, { seed: 4 })), logs);
  avg.dispose();
  model.dispose();
  copy.dispose();
});

test('SWA refuses, at the start of training, a batch-norm model without bnData, and bad options at once', async () => {
  const model = bnModel();
  await assert.rejects(
    fit(model, { train }, { optimizer: sgd({ learningRate: 0.1 }), verbose: 'silent', callbacks: [swa()] }),
    (e: unknown) => e instanceof InvalidArgumentError && /bnData/.test(e.message),
  );
  model.dispose();
  assert.throws(() => swa({ every: 0 }), InvalidArgumentError);
  assert.throws(() => swa({ startEpoch: -1 }), InvalidArgumentError);
  assert.throws(() => swa({ bnData: [] as never }), InvalidArgumentError);
  const plain = layersMlp();
  const avg = swa({ startEpoch: 5 });
  await fit(plain, { train }, { optimizer: sgd({ learningRate: 0.1 }), epochs: 1, verbose: 'silent', callbacks: [avg] });
  assert.equal(avg.count, 0);
  await assert.rejects(avg.evaluate(plain, train), /no averaged weights yet/);
  plain.dispose();
});
