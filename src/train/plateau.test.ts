import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '../engine/gradients.js';
import { adamw, sgd } from '../optim/index.js';
import type { StepLogs } from './callbacks.js';
import { fit } from './fit.js';
import { reduceLROnPlateau } from './plateau.js';
import { blobs, functionalMlp, weightValues } from './toy-fixtures.fixture.js';

await tf.setBackend('cpu');

const paramsOf = (m: { params: unknown }): tf.Tensor[] => Object.values(m.params as Record<string, tf.Tensor>);

test('reduceLROnPlateau lowers the scale in the optimizer state after `patience` epochs without improvement, then waits out the cooldown', async () => {
  const model = functionalMlp();
  const scales: number[] = [];
  const lrs: StepLogs[] = [];
  const metric = [1, 0.9, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95];
  await fit(model, { train: blobs(32) }, {
    optimizer: sgd({ learningRate: 0.01 }),
    epochs: 10,
    batchSize: 32,
    logEvery: 1,
    verbose: 'silent',
    callbacks: [
      { onEpochEnd: (e, logs) => void (logs.val_loss = metric[e]) },
      reduceLROnPlateau({ patience: 1, cooldown: 1, factor: 0.1, minScale: 0.005 }),
      { onEpochEnd: (_e, _l, ctx) => void scales.push((ctx.optimizerState() as { lrScale: number }).lrScale) },
      { onBatchEnd: (_s, logs) => void lrs.push(logs) },
    ],
  });
  // A reduction at the end of epoch e is in the state at once and used by epoch e + 1's updates.
  // Bad epochs: 2, 3 → reduce after 3; cooldown 4; bad 5, 6 → reduce after 6; bad 8, 9 → reduce
  // after 9, clamped at minScale.
  const r2 = 0.1 * 0.1;
  assert.deepEqual(scales, [1, 1, 1, 0.1, 0.1, 0.1, r2, r2, r2, 0.005]);
  // The logged rate is the optimizer's times the scale the update used (one batch per epoch).
  assert.deepEqual(lrs.map((l) => l.lr), [1, 1, 1, 1, 0.1, 0.1, 0.1, r2, r2, r2].map((s) => 0.01 * s));
  tf.dispose(paramsOf(model));
});

test('reduceLROnPlateau with adamw gives the same weights as an adamw whose rate is cut by hand at the same step', async () => {
  const train = blobs(64);
  const base = { epochs: 4, batchSize: 16, seed: 3, verbose: 'silent' as const };
  // 'loss' in mode max never improves after epoch 0, patience 1: one reduction, after epoch 2 (step 12).
  const reduced = functionalMlp();
  const initial = weightValues(paramsOf(reduced).map((t) => ['', t]));
  await fit(reduced, { train }, {
    ...base,
    optimizer: adamw({ learningRate: 0.01 }),
    callbacks: [reduceLROnPlateau({ monitor: 'loss', mode: 'max', patience: 1, factor: 0.5 })],
  });
  const byHand = functionalMlp();
  await fit(byHand, { train }, { ...base, optimizer: adamw({ learningRate: (t) => (t < 12 ? 0.01 : 0.005) }) });
  const a = weightValues(paramsOf(reduced).map((t) => ['', t]));
  const b = weightValues(paramsOf(byHand).map((t) => ['', t]));
  // Scaling the final update by 0.5 and halving the rate differ only in float32 rounding.
  a.flat().forEach((v, i) => assert.ok(Math.abs(v - b.flat()[i]) <= 1e-6 * Math.max(1, Math.abs(v)), `weight ${i}: ${v} vs ${b.flat()[i]}`));
  assert.notDeepEqual(a, initial);
  tf.dispose([...paramsOf(reduced), ...paramsOf(byHand)]);
});

test('reduceLROnPlateau rejects a factor outside (0, 1) and a negative minScale, naming them', () => {
  assert.throws(() => reduceLROnPlateau({ factor: 1 }), /Invalid factor: 1/);
  assert.throws(() => reduceLROnPlateau({ minScale: -1 }), /Invalid minScale: -1/);
});
