import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '../engine/gradients.js';
import { sgd } from '../optim/index.js';
import { fit } from './fit.js';
import { earlyStopping } from './early-stopping.js';
import type { Callback } from './callbacks.js';
import { blobs, functionalMlp, layersMlp, weightValues } from './toy-fixtures.fixture.js';

await tf.setBackend('cpu');

const train = blobs(96, { seed: 1 });
const validation = blobs(48, { seed: 2 });

/**
 * A fake validation metric per epoch (the callback sees the logs it is given), and a snapshot of
 * the weights at each epoch end, taken before early stopping looks at them.
 */
function scripted(values: number[], snapshots: number[][][]): Callback {
  return {
    onEpochEnd(epoch, logs, ctx) {
      logs.val_score = values[epoch];
      snapshots.push(weightValues(ctx.model.weights()));
    },
  };
}

test('early stopping stops after `patience` epochs without improvement and restores the best epoch (functional model)', async () => {
  const model = functionalMlp();
  const snapshots: number[][][] = [];
  const stopper = earlyStopping({ monitor: 'val_score', mode: 'max', patience: 2 });
  const history = await fit(model, { train, validation }, {
    optimizer: sgd({ learningRate: 0.1 }),
    epochs: 10,
    batchSize: 16,
    verbose: 'silent',
    callbacks: [scripted([0.5, 0.7, 0.9, 0.85, 0.88, 0.95, 0.99], snapshots), stopper],
  });
  assert.equal(stopper.bestEpoch, 2);
  assert.equal(stopper.bestValue, 0.9);
  assert.equal(stopper.stoppedEpoch, 4);
  assert.equal(history.epochs.length, 5);
  assert.equal(history.stopped, true);
  // The model now holds epoch 2's weights exactly, not the last epoch's.
  const now = weightValues([...Object.entries(model.params as Record<string, tf.Tensor>)].sort(([a], [b]) => (a < b ? -1 : 1)));
  assert.deepEqual(now, snapshots[2]);
  assert.notDeepEqual(now, snapshots[4]);
  tf.dispose(Object.values(model.params as Record<string, tf.Tensor>));
});

test('early stopping restores a LayersModel to the best epoch on val_loss, leaking nothing', async () => {
  const model = layersMlp();
  const start = tf.memory().numTensors;
  const snapshots: number[][][] = [];
  const stopper = earlyStopping({ monitor: 'val_loss', patience: 1, minDelta: 0.01 });
  await fit(model, { train, validation }, {
    optimizer: sgd({ learningRate: 0.1 }),
    epochs: 6,
    batchSize: 16,
    verbose: 'silent',
    callbacks: [
      { onEpochEnd: (e, logs, ctx) => void ((logs.val_loss = [1, 0.5, 0.495, 0.6, 0.3, 0.2][e]), snapshots.push(weightValues(ctx.model.weights()))) },
      stopper,
    ],
  });
  // 0.495 is not better than 0.5 by more than minDelta: epoch 2 does not count, patience 1 stops there.
  assert.equal(stopper.bestEpoch, 1);
  assert.equal(stopper.stoppedEpoch, 2);
  assert.deepEqual(weightValues(model.weights.map((w) => [w.name, w.read()])), snapshots[1]);
  assert.equal(tf.memory().numTensors, start);
  model.dispose();
});

test('without an early stop, restoreBestWeights still leaves the best epoch in the model', async () => {
  const model = functionalMlp();
  const snapshots: number[][][] = [];
  const stopper = earlyStopping({ monitor: 'val_score', mode: 'max', patience: 5 });
  await fit(model, { train }, {
    optimizer: sgd({ learningRate: 0.1 }),
    epochs: 3,
    batchSize: 32,
    verbose: 'silent',
    callbacks: [scripted([0.2, 0.9, 0.4], snapshots), stopper],
  });
  assert.equal(stopper.stoppedEpoch, -1);
  const now = weightValues([...Object.entries(model.params as Record<string, tf.Tensor>)].sort(([a], [b]) => (a < b ? -1 : 1)));
  assert.deepEqual(now, snapshots[1]);
  tf.dispose(Object.values(model.params as Record<string, tf.Tensor>));
});

test('a monitored key that is not logged is named with the keys that are', async () => {
  const model = functionalMlp();
  await assert.rejects(
    fit(model, { train }, { optimizer: sgd({ learningRate: 0.1 }), epochs: 1, verbose: 'silent', callbacks: [earlyStopping()] }),
    /Invalid earlyStopping monitor: "val_loss" \(expected one of the logged keys: loss, accuracy\)/,
  );
  assert.throws(() => earlyStopping({ patience: -1 }), /Invalid patience: -1/);
  assert.throws(() => earlyStopping({ mode: 'up' as never }), /Invalid mode: "up"/);
  tf.dispose(Object.values(model.params as Record<string, tf.Tensor>));
});
