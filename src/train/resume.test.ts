import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '../engine/gradients.js';
import { adamw, chain, clipByGlobalNorm, sgd } from '../optim/index.js';
import { warmupCosine } from '../schedules/index.js';
import { fit, type FitOptions } from './fit.js';
import { checkpoints } from './checkpoints.js';
import type { Callback } from './callbacks.js';
import { NonFiniteError } from './errors.js';
import { loadCheckpoint, disposeCheckpoint } from './checkpoint.js';
import { blobs, functionalMlp, layersMlp, weightValues } from './toy-fixtures.fixture.js';
import type { FunctionalModel } from './model.js';

await tf.setBackend('cpu');

const dir = await mkdtemp(join(tmpdir(), 'trainkit-resume-'));
process.on('exit', () => void rm(dir, { recursive: true, force: true }));

// 100 examples, batch 16: 7 batches per epoch (the last one of 4), 3 epochs = 21 steps.
const train = blobs(100, { seed: 1 });
const validation = blobs(30, { seed: 2 });
const options = (): FitOptions => ({
  optimizer: chain(clipByGlobalNorm(1), adamw({ learningRate: warmupCosine({ peak: 0.02, warmupSteps: 5, decaySteps: 16 }), weightDecay: 0.01 })),
  epochs: 3,
  batchSize: 16,
  seed: 9,
  verbose: 'silent',
});
const stopAt = (step: number): Callback => ({ onBatchEnd: (s) => (s === step ? 'stop' : undefined) });
const functionalWeights = (m: FunctionalModel): number[][] =>
  weightValues([...Object.entries(m.params as Record<string, tf.Tensor>)].sort(([a], [b]) => (a < b ? -1 : 1)));

test('a functional model (with seeded dropout) stopped mid-epoch and resumed ends bit for bit as an uninterrupted run', async () => {
  const whole = functionalMlp({ dropout: 0.3 });
  await fit(whole, { train, validation }, options());

  const first = functionalMlp({ dropout: 0.3 });
  const ckpt = checkpoints({ dir: join(dir, 'f'), every: 4 });
  const h1 = await fit(first, { train, validation }, { ...options(), callbacks: [ckpt, stopAt(10)] });
  assert.equal(h1.step, 10);
  const saved = await loadCheckpoint(ckpt.lastPath);
  assert.deepEqual(saved.position, { step: 8, epoch: 1, batch: 1 });
  disposeCheckpoint(saved);

  // A fresh model with other initial weights: everything must come from the checkpoint.
  const resumed = functionalMlp({ dropout: 0.3, seed: 77 });
  const h2 = await fit(resumed, { train, validation }, { ...options(), seed: 1234, resumeFrom: ckpt.lastPath });
  assert.equal(h2.step, 21);
  assert.deepEqual(functionalWeights(resumed), functionalWeights(whole));
  assert.notDeepEqual(functionalWeights(first), functionalWeights(whole));
  for (const m of [whole, first, resumed]) tf.dispose(Object.values(m.params as Record<string, tf.Tensor>));
});

test('a LayersModel resumed from an epoch-end checkpoint ends bit for bit as an uninterrupted run', async () => {
  const whole = layersMlp();
  await fit(whole, { train, validation }, options());

  const first = layersMlp();
  const ckpt = checkpoints({ dir: join(dir, 'l') });
  await fit(first, { train, validation }, { ...options(), callbacks: [ckpt, { onEpochEnd: (e) => (e === 0 ? 'stop' : undefined) }] });
  const resumed = layersMlp({ seed: 5 });
  const start = tf.memory().numTensors;
  await fit(resumed, { train, validation }, { ...options(), resumeFrom: ckpt.lastPath });
  assert.equal(tf.memory().numTensors, start);
  const values = (m: typeof whole): number[][] => weightValues(m.weights.map((w) => [w.name, w.read()]));
  assert.deepEqual(values(resumed), values(whole));
  for (const m of [whole, first, resumed]) m.dispose();
});

test('the best checkpoint holds the best epoch by the monitored metric', async () => {
  const model = functionalMlp();
  const ckpt = checkpoints({ dir: join(dir, 'b'), best: { monitor: 'val_score', mode: 'max' } });
  const weightsAt: number[][][] = [];
  await fit(model, { train }, {
    optimizer: sgd({ learningRate: 0.1 }),
    epochs: 4,
    batchSize: 32,
    verbose: 'silent',
    callbacks: [
      { onEpochEnd: (e, logs) => void ((logs.val_score = [0.1, 0.8, 0.3, 0.5][e]), weightsAt.push(functionalWeights(model))) },
      ckpt,
    ],
  });
  assert.equal(ckpt.bestEpoch, 1);
  const best = await loadCheckpoint(ckpt.bestPath);
  assert.deepEqual(best.extra?.value, 0.8);
  assert.deepEqual(weightValues(best.weights), weightsAt[1]);
  disposeCheckpoint(best);
  tf.dispose(Object.values(model.params as Record<string, tf.Tensor>));
});

test('when the loss turns NaN, the error names the last good checkpoint, and no NaN checkpoint is written', async () => {
  const model = functionalMlp();
  const ckpt = checkpoints({ dir: join(dir, 'n'), every: 2 });
  // Fine for 4 steps, then a learning rate that blows the weights up.
  const lr = (t: number): number => (t < 4 ? 0.01 : 1e30);
  const err = await fit(model, { train }, { optimizer: sgd({ learningRate: lr }), epochs: 3, batchSize: 16, verbose: 'silent', callbacks: [ckpt] }).then(
    () => assert.fail('expected a NonFiniteError'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof NonFiniteError, String(err));
  assert.equal(err.lastCheckpoint, ckpt.lastPath);
  assert.match(err.message, new RegExp(`The last good checkpoint is ${ckpt.lastPath.replace(/[.\\/]/g, '\\$&')}`));
  const last = await loadCheckpoint(ckpt.lastPath);
  // Steps 1-4 use lr 0.01; step 5's update (lr 1e30) leaves weights of ~1e30, so step 6's logits
  // overflow and its loss is the first NaN. The checkpoint at step 6 (every 2) would hold the NaN
  // weights of step 6's update and is refused: the last good one is step 4's.
  assert.equal(err.step, 6);
  assert.equal(last.position.step, 4);
  for (const [, t] of last.weights) assert.ok(Array.from(t.dataSync()).every(Number.isFinite));
  disposeCheckpoint(last);
  tf.dispose(Object.values(model.params as Record<string, tf.Tensor>));
});
