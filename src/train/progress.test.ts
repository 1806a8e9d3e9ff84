import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '../engine/gradients.js';
import { sgd } from '../optim/index.js';
import { fit } from './fit.js';
import { formatDuration } from './progress.js';
import { blobs, functionalMlp } from './toy-fixtures.fixture.js';

await tf.setBackend('cpu');

const train = blobs(64, { seed: 1 });
const validation = blobs(16, { seed: 2 });

/** A clock that advances 10 ms each time it is read. */
function fakeClock(): () => number {
  let t = 0;
  return () => (t += 10);
}

test('without a terminal, fit prints one JSON object per logging step, validation, epoch and the end', async () => {
  const model = functionalMlp();
  let out = '';
  await fit(model, { train, validation }, {
    optimizer: sgd({ learningRate: 0.1 }),
    learningRate: 0.1,
    epochs: 2,
    batchSize: 16,
    logEvery: 2,
    progress: { write: (s) => void (out += s), now: fakeClock(), isTTY: false },
  });
  const lines = out.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.deepEqual(
    lines.map((l) => `${l.event}${'step' in l ? ` ${l.step}` : ''}`),
    ['step 2', 'step 4', 'validation 4', 'epoch 4', 'step 6', 'step 8', 'validation 8', 'epoch 8', 'end 8'],
  );
  const step = lines[0];
  assert.deepEqual(Object.keys(step), ['event', 'step', 'epoch', 'batch', 'loss', 'lr', 'gradNorm', 'examplesPerSecond', 'updateRatio']);
  assert.equal(step.lr, 0.1);
  assert.equal(step.batch, 1);
  assert.equal(typeof step.loss, 'number');
  assert.deepEqual(Object.keys(step.updateRatio as object).sort(), ['b1', 'b2', 'w1', 'w2']);
  const epoch = lines[3];
  assert.deepEqual(Object.keys(epoch), ['event', 'epoch', 'step', 'seconds', 'loss', 'accuracy', 'val_loss', 'val_accuracy']);
  assert.deepEqual(lines[8], { event: 'end', step: 8, stopped: false });
  tf.dispose(Object.values(model.params as Record<string, tf.Tensor>));
});

test('on a terminal, fit redraws one progress line with steps, examples/s, ETA, loss and lr', async () => {
  const model = functionalMlp();
  let out = '';
  await fit(model, { train }, {
    optimizer: sgd({ learningRate: 0.1 }),
    learningRate: 0.1,
    epochs: 2,
    batchSize: 16,
    logEvery: 2,
    progress: { write: (s) => void (out += s), now: fakeClock(), isTTY: true, redrawMs: 0 },
  });
  const frames = out.split('\r\x1b[2K').filter(Boolean);
  assert.match(frames[1], /^epoch 1\/2 \[[=> ]{24}\] 2\/4 · [\d,]+ ex\/s · ETA \d+:\d\d · loss \d\.\d{4} · lr 1\.00e-1$/);
  assert.ok(frames.some((f) => /^epoch 1\/2 · 0:00 · loss [\d.]+ · accuracy [\d.]+\n$/.test(f)), frames.join('|'));
  assert.ok(!out.includes('{'), 'no JSON on a terminal');
  tf.dispose(Object.values(model.params as Record<string, tf.Tensor>));
});

test('durations print as m:ss or h:mm:ss', () => {
  assert.equal(formatDuration(0), '0:00');
  assert.equal(formatDuration(75.4), '1:15');
  assert.equal(formatDuration(3 * 3600 + 61), '3:01:01');
  assert.equal(formatDuration(NaN), '?');
});
