import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '../engine/gradients.js';
import { sgd } from '../optim/index.js';
import { fit, type History } from '../train/fit.js';
import { blobs, functionalMlp } from '../train/toy-fixtures.fixture.js';
import { disposeTree } from '../tree/ops.js';
import { createStudy } from './create.js';
import { TrialPruned } from './errors.js';
import type { Trial } from './trial.js';
import { tuneReport } from './tune-report.js';
import type { Pruner } from './types.js';

await tf.setBackend('cpu');

const train = blobs(96, { seed: 1 });
const validation = blobs(48, { seed: 2 });

/** Prunes trial 1 once it has reported two epochs; never trial 0. */
const pruneTrialOneAtEpochOne: Pruner = {
  description: 'test',
  shouldPrune: ({ trial }) => trial.number === 1 && trial.intermediate.length >= 2,
};

test('tuneReport reports val_loss each epoch, and stops fit and prunes the trial when the pruner says so', async () => {
  const study = await createStudy({ name: 'fit', pruner: pruneTrialOneAtEpochOne });
  const histories: History[] = [];
  const before = tf.memory().numTensors;
  await study.optimize(
    async (trial: Trial) => {
      const learningRate = await trial.suggestFloat('lr', 0.01, 0.5, { log: true });
      const model = functionalMlp({ seed: 3 });
      const cb = tuneReport(trial);
      try {
        const history = await fit(model, { train, validation }, { optimizer: sgd({ learningRate }), epochs: 4, batchSize: 32, verbose: 'silent', callbacks: [cb] });
        histories.push(history);
        if (cb.pruned) throw new TrialPruned();
        return history.epochs.at(-1)!.logs.val_loss;
      } finally {
        disposeTree(model.params);
      }
    },
    { trials: 2 },
  );
  assert.equal(tf.memory().numTensors, before);
  const [done, pruned] = await study.trials();
  assert.equal(done.state, 'complete');
  assert.deepEqual(done.intermediate, histories[0].epochs.map((e, i) => [i, e.logs.val_loss]));
  assert.equal(done.value, histories[0].epochs[3].logs.val_loss);
  assert.equal(pruned.state, 'pruned');
  assert.equal(histories[1].epochs.length, 2, 'training stopped after the epoch that was pruned');
  assert.deepEqual(pruned.intermediate, histories[1].epochs.map((e, i) => [i, e.logs.val_loss]));
  assert.equal(pruned.value, histories[1].epochs[1].logs.val_loss);
});

test('tuneReport with a monitor the logs lack fails the trial, naming the logs there are', async () => {
  const study = await createStudy({ name: 'fit-monitor' });
  await study.optimize(
    async (trial) => {
      const model = functionalMlp({ seed: 3 });
      try {
        await fit(model, { train }, { optimizer: sgd({ learningRate: 0.1 }), epochs: 1, verbose: 'silent', callbacks: [tuneReport(trial, { monitor: 'val_loss' })] });
        return 0;
      } finally {
        disposeTree(model.params);
      }
    },
    { trials: 1 },
  ).catch(() => {});
  const [t] = await study.trials();
  assert.equal(t.state, 'failed');
  assert.equal(t.userAttrs.failReason, 'InvalidArgumentError: Invalid monitor: "val_loss" (expected one of this epoch\'s logs: "loss", "accuracy" (val_* need validation data))');
  assert.throws(() => tuneReport({} as Trial, { monitor: '' }), /Invalid monitor: ""/);
});
