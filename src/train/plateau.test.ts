import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '../engine/gradients.js';
import { chain, sgd, step } from '../optim/index.js';
import { fit } from './fit.js';
import { plateauController, plateauScale, reduceLROnPlateau, type PlateauState } from './plateau.js';
import { blobs, functionalMlp } from './toy-fixtures.fixture.js';

await tf.setBackend('cpu');

test('plateauScale multiplies the updates by the scale the controller asked for, and keeps it in its state', () => {
  const ctrl = plateauController();
  const opt = chain(sgd({ learningRate: 0.5 }), plateauScale(ctrl));
  let params: tf.Tensor = tf.tensor1d([1, 1]);
  let state = opt.init(params);
  const g = tf.tensor1d([1, 2]);
  ({ params, state } = step(opt, params, g, state) as { params: tf.Tensor; state: unknown[] });
  assert.deepEqual(Array.from(params.dataSync()), [0.5, 0]);
  ctrl.pending *= 0.1;
  ({ params, state } = step(opt, params, g, state) as { params: tf.Tensor; state: unknown[] });
  assert.deepEqual(Array.from(params.dataSync()), [0.5 - Math.fround(0.05), 0 - Math.fround(0.1)].map(Math.fround));
  assert.equal(ctrl.scale, 0.1);
  assert.equal(ctrl.pending, 1);
  assert.equal(((state as unknown[])[1] as PlateauState).scale, 0.1);
  tf.dispose([params, g]);
});

test('reduceLROnPlateau lowers the scale after `patience` epochs without improvement, then waits out the cooldown', async () => {
  const model = functionalMlp();
  const ctrl = plateauController({ minScale: 0.005 });
  const scales: number[] = [];
  const metric = [1, 0.9, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95];
  await fit(model, { train: blobs(32) }, {
    optimizer: chain(sgd({ learningRate: 0.01 }), plateauScale(ctrl)),
    epochs: 10,
    batchSize: 32,
    verbose: 'silent',
    callbacks: [
      { onEpochEnd: (e, logs) => void (logs.val_loss = metric[e]) },
      reduceLROnPlateau(ctrl, { patience: 1, cooldown: 1, factor: 0.1 }),
      { onEpochEnd: (_e, _l, ctx) => void scales.push((((ctx.optimizerState() as unknown[])[1]) as PlateauState).scale) },
    ],
  });
  // The state's scale is the one used by the epoch's updates; a reduction asked at the end of
  // epoch e shows from epoch e + 1. Bad epochs: 2, 3 → reduce after 3; cooldown 4; bad 5, 6 → reduce
  // after 6; the next reduction would be clamped at minScale.
  const r2 = 0.1 * 0.1;
  assert.deepEqual(scales, [1, 1, 1, 1, 0.1, 0.1, 0.1, r2, r2, r2]);
  tf.dispose(Object.values(model.params as Record<string, tf.Tensor>));
});
