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
import { medianUpdateRatio, tuneReport } from './tune-report.js';
import { curvesOf, lastEpochLogs, type EpochRecord } from '../report/curves.js';
import type { Callback } from '../train/callbacks.js';
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

test('tuneReport records each epoch as the user attribute epoch:<n> (logs and logging steps), which curvesOf reads back', async () => {
  const study = await createStudy({ name: 'record' });
  const trial = await study.ask();
  const model = functionalMlp({ seed: 3 });
  const before = tf.memory().numTensors;
  // 96 examples / 16 = 6 steps per epoch, 3 epochs, a logging step every 4: steps 4, 8, 12, 16.
  const history = await fit(model, { train, validation }, { optimizer: sgd({ learningRate: 0.1 }), epochs: 3, batchSize: 16, logEvery: 4, verbose: 'silent', callbacks: [tuneReport(trial)] });
  assert.equal(tf.memory().numTensors, before);
  disposeTree(model.params);
  await study.tell(trial, history.epochs.at(-1)!.logs.val_loss);
  const [t] = await study.trials();
  assert.deepEqual(Object.keys(t.userAttrs).sort(), ['epoch:0', 'epoch:1', 'epoch:2']);
  const first = t.userAttrs['epoch:0'] as EpochRecord;
  assert.equal(first.step, 6);
  assert.deepEqual(first.logs, history.epochs[0].logs);
  assert.deepEqual(first.steps?.step, [4]);
  assert.deepEqual((t.userAttrs['epoch:1'] as EpochRecord).steps?.step, [8, 12]);
  const curves = curvesOf(t.userAttrs);
  assert.deepEqual(curves.loss, history.epochs.map((e, i) => [i + 1, e.logs.loss]));
  assert.equal(curves.val_loss.length, 3);
  assert.equal(curves.accuracy.length, 3);
  assert.deepEqual(curves['step:lr'], [[4, 0.1], [8, 0.1], [12, 0.1], [16, 0.1]]);
  assert.deepEqual(curves['step:loss'], history.steps.map((s) => [s.step, s.loss]));
  // The median over the weights of rank >= 2 (w1 and w2; the biases b1, b2 are left out).
  assert.deepEqual(
    curves['step:updateRatio'],
    history.steps.map((s) => [s.step, (s.updateRatio!.w1 + s.updateRatio!.w2) / 2]),
  );
  assert.deepEqual(lastEpochLogs(t.userAttrs), history.epochs[2].logs);
});

test('tuneReport with record: false writes no epoch records', async () => {
  const study = await createStudy({ name: 'no-record' });
  const trial = await study.ask();
  const model = functionalMlp({ seed: 3 });
  await fit(model, { train, validation }, { optimizer: sgd({ learningRate: 0.1 }), epochs: 2, batchSize: 32, logEvery: 1, verbose: 'silent', callbacks: [tuneReport(trial, { record: false })] });
  disposeTree(model.params);
  assert.deepEqual(trial.userAttrs, {});
  assert.equal(trial.intermediate.length, 2, 'it still reports');
  assert.throws(() => tuneReport(trial, { record: 'yes' as unknown as boolean }), /Invalid record: "yes" \(expected true or false\)/);
});

test('tuneReport.flush() records the steps of an epoch that training left unfinished, marked partial', async () => {
  const study = await createStudy({ name: 'partial' });
  const trial = await study.ask();
  const model = functionalMlp({ seed: 3 });
  const cb = tuneReport(trial);
  const failAtStep9: Callback = {
    onBatchEnd(step) {
      if (step === 9) throw new Error('boom');
    },
  };
  // 6 steps per epoch, every step logged: epoch 1 fails at its third step (step 9), after steps 7, 8 and 9 were logged.
  await assert.rejects(
    fit(model, { train, validation }, { optimizer: sgd({ learningRate: 0.1 }), epochs: 3, batchSize: 16, logEvery: 1, verbose: 'silent', callbacks: [cb, failAtStep9] }),
    /boom/,
  );
  disposeTree(model.params);
  await cb.flush();
  await cb.flush(); // nothing left: no second write
  const partial = trial.userAttrs['epoch:1'] as EpochRecord;
  assert.deepEqual(partial, { step: 9, logs: {}, steps: partial.steps, partial: true });
  assert.deepEqual(partial.steps?.step, [7, 8, 9]);
  assert.equal(curvesOf(trial.userAttrs)['step:loss'].length, 9);
  assert.deepEqual(lastEpochLogs(trial.userAttrs), (trial.userAttrs['epoch:0'] as EpochRecord).logs, 'the last finished epoch');
});

test('medianUpdateRatio: the median of the finite ratios of the weights included', () => {
  assert.equal(medianUpdateRatio({ a: 1, b: 3, c: 2 }), 2);
  assert.equal(medianUpdateRatio({ a: 1, b: 3, c: 2, d: 10 }), 2.5);
  assert.equal(medianUpdateRatio({ a: 1, bias: 100, c: NaN, d: Infinity, e: 3 }, (w) => w !== 'bias'), 2);
  assert.equal(medianUpdateRatio({ a: NaN }), null);
  assert.equal(medianUpdateRatio(undefined), null);
});
