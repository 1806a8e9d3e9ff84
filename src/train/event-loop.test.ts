import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '../engine/gradients.js';
import { sgd } from '../optim/index.js';
import { fit } from './fit.js';
import { evaluate } from './evaluate.js';
import { YIELD_EVERY_MS } from '../engine/event-loop.js';
import { blobs, functionalMlp } from './toy-fixtures.fixture.js';

await tf.setBackend('cpu');

/** Keeps the thread busy for `ms` (what a long training step does). */
function busy(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

test('fit lets the event loop run during training: a setImmediate queued before fit runs before its last batch', async () => {
  const model = functionalMlp();
  let ran = false;
  let ranBeforeStep: number | undefined;
  setImmediate(() => (ran = true));
  // Each batch keeps the thread busy for longer than YIELD_EVERY_MS, so a turn must come after the first.
  const history = await fit(model, { train: blobs(64, { seed: 1 }) }, {
    optimizer: sgd({ learningRate: 0.1 }),
    epochs: 1,
    batchSize: 16,
    verbose: 'silent',
    callbacks: [{ onBatchBegin: (step) => void (busy(YIELD_EVERY_MS + 5), ran && ranBeforeStep === undefined && (ranBeforeStep = step)) }],
  });
  assert.equal(history.step, 4);
  assert.ok(ranBeforeStep !== undefined && ranBeforeStep < 4, `the immediate ran before the last batch (at step ${ranBeforeStep})`);
  tf.dispose(Object.values(model.params as Record<string, tf.Tensor>));
});

test('evaluate lets the event loop run between batches', async () => {
  const model = functionalMlp();
  let ran = false;
  setImmediate(() => (ran = true));
  busy(YIELD_EVERY_MS + 5);
  const before = tf.memory().numTensors;
  // A batch of 1: many batches, the first already past the yield interval.
  await evaluate(model, blobs(8, { seed: 2 }), { batchSize: 1 });
  assert.ok(ran, 'the immediate ran during evaluate');
  assert.equal(tf.memory().numTensors, before);
  tf.dispose(Object.values(model.params as Record<string, tf.Tensor>));
});
