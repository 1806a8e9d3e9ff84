import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '../engine/gradients.js';
import { InvalidArgumentError } from '../errors.js';
import { sgd } from '../optim/index.js';
import type { StepLogs, TrainContext } from './callbacks.js';
import { fit } from './fit.js';
import { updateRatioMonitor, type UpdateRatioWarning } from './update-ratio-monitor.js';
import { blobs, layersMlp } from './toy-fixtures.fixture.js';

await tf.setBackend('cpu');

const logAt = (step: number, updateRatio?: Record<string, number>): StepLogs => ({ step, epoch: 0, batch: step - 1, size: 1, logged: updateRatio !== undefined, ...(updateRatio ? { updateRatio } : {}) });
const ctx = {} as TrainContext;

test('it warns once per streak when a ratio stays out of range for `patience` logging steps, per side', () => {
  const seen: UpdateRatioWarning[] = [];
  const m = updateRatioMonitor({ patience: 3, logger: (w) => seen.push(w) });
  m.onTrainBegin?.(ctx);
  const ratios = [5e-5, 3e-5, 1e-3, 2e-5, 2e-5, 2e-5, 2e-5, 0.5, 0.5, 0.5];
  ratios.forEach((r, i) => {
    m.onBatchEnd?.(i + 1, logAt(i + 1, { w: r, 'dense/bias': 1 }), ctx);
    m.onBatchEnd?.(i + 1, logAt(i + 1), ctx); // a non-logging step changes nothing
  });
  // Steps 1–2 low, back in range at 3; low again 4–7 (warn at 6, once); high 8–10 (warn at 10).
  assert.deepEqual(seen.map((w) => [w.weight, w.step, w.side, w.streak]), [['w', 6, 'low', 3], ['w', 10, 'high', 3]]);
  assert.match(seen[0].message, /w .*below 0\.0001 for 3 logging steps.*too low/);
  assert.deepEqual(m.warnings, seen);
});

test('thresholds are options; non-finite ratios are skipped; bad options throw at once', () => {
  const seen: UpdateRatioWarning[] = [];
  const m = updateRatioMonitor({ low: 1e-2, high: 1e-1, patience: 1, include: () => true, logger: (w) => seen.push(w) });
  m.onBatchEnd?.(1, logAt(1, { a: 5e-2, b: 1e-3, c: Infinity, d: NaN, 'x/bias': 1 }), ctx);
  assert.deepEqual(seen.map((w) => [w.weight, w.side]), [['b', 'low'], ['x/bias', 'high']]);
  assert.throws(() => updateRatioMonitor({ low: 1, high: 0.5 }), InvalidArgumentError);
  assert.throws(() => updateRatioMonitor({ patience: 0 }), InvalidArgumentError);
  assert.throws(() => updateRatioMonitor({ logger: 'console' as never }), InvalidArgumentError);
});

test('in fit, a learning rate far too low makes it warn about the kernels, not the biases', async () => {
  const messages: string[] = [];
  const model = layersMlp();
  const m = updateRatioMonitor({ patience: 3, logger: (w) => messages.push(w.message) });
  await fit(model, { train: blobs(64) }, { optimizer: sgd({ learningRate: 1e-7 }), epochs: 1, batchSize: 8, logEvery: 1, verbose: 'silent', callbacks: [m] });
  assert.deepEqual(m.warnings.map((w) => [w.weight.replace(/\d+/g, ''), w.step, w.side]), [['dense_Dense/kernel', 3, 'low'], ['dense_Dense/kernel', 3, 'low']]);
  assert.equal(messages.length, 2);
  model.dispose();
});
