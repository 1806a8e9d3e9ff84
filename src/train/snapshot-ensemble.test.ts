import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '../engine/gradients.js';
import { InvalidArgumentError } from '../errors.js';
import { sgd } from '../optim/index.js';
import { sgdr } from '../schedules/index.js';
import { fit } from './fit.js';
import { evaluateEnsemble, ensemblePredict } from './ensemble.js';
import { loadCheckpoint, disposeCheckpoint } from './checkpoint.js';
import { adaptModel } from './model.js';
import { sgdrCycleEnds, snapshotEnsemble } from './snapshot-ensemble.js';
import { blobs, functionalMlp, layersMlp, weightValues } from './toy-fixtures.fixture.js';

await tf.setBackend('cpu');

const dir = await mkdtemp(join(tmpdir(), 'trainkit-snap-'));
process.on('exit', () => void rm(dir, { recursive: true, force: true }));

// 100 examples, batch 16: 7 steps per epoch.
const train = blobs(100, { seed: 1 });
const test_ = blobs(60, { seed: 3 });

test('sgdrCycleEnds lists where the cycles of sgdr end', () => {
  assert.deepEqual(sgdrCycleEnds({ period: 10, periodMult: 2 }, 100), [10, 30, 70]);
  assert.deepEqual(sgdrCycleEnds({ period: 4 }, 12), [4, 8, 12]);
  // The restarts of the schedule itself: lr jumps back to init right after each cycle end.
  const lr = sgdr({ init: 1, period: 3, periodMult: 2 });
  for (const end of sgdrCycleEnds({ period: 3, periodMult: 2 }, 50)) assert.equal(lr(end), 1);
});

test('a snapshot is taken at each cycle end, the last `keep` are kept, and each equals the weights after that step', async () => {
  const model = functionalMlp();
  const lr = sgdr({ init: 0.1, period: 3, periodMult: 2 });
  const snaps = snapshotEnsemble({ cycles: { period: 3, periodMult: 2 }, keep: 2 });
  const at = new Map<number, number[][]>();
  await fit(model, { train }, {
    optimizer: sgd({ learningRate: lr, momentum: 0.9 }),
    epochs: 3,
    batchSize: 16,
    verbose: 'silent',
    callbacks: [snaps, { onBatchEnd: (s, _l, ctx) => void at.set(s, weightValues(ctx.model.weights())) }],
  });
  // Cycles end at steps 3, 9, 21 (of 21): 3 snapshots, the last 2 kept.
  assert.deepEqual(snaps.snapshots.map((s) => [s.index, s.step, s.epoch]), [[2, 9, 1], [3, 21, 2]]);
  for (const s of snaps.snapshots) assert.deepEqual(s.weights.map((t) => Array.from(t.dataSync())), at.get(s.step));
  snaps.dispose();
  tf.dispose(Object.values(model.params as Record<string, tf.Tensor>));
});

test('the snapshot ensemble scores as the ensemble of separate models holding the snapshots, and the model keeps its weights', async () => {
  const model = layersMlp();
  const snaps = snapshotEnsemble({ cycles: [5, 10, 14] });
  await fit(model, { train }, { optimizer: sgd({ learningRate: 0.1 }), epochs: 2, batchSize: 16, verbose: 'silent', callbacks: [snaps] });
  assert.equal(snaps.snapshots.length, 3);
  const own = weightValues(model.weights.map((w) => [w.name, w.read()]));
  const copies = snaps.snapshots.slice(-2).map((s, i) => {
    const m = layersMlp({ seed: 40 + i });
    adaptModel(m).setWeights(s.weights);
    return m;
  });
  const start = tf.memory().numTensors;
  const got = await snaps.evaluate(model, test_, { last: 2, batchSize: 7 });
  const x = tf.tensor2d(test_.x, [test_.size, 8]);
  const p = snaps.predict(model, x, { last: 2 });
  assert.equal(tf.memory().numTensors, start + 2);
  const expected = await evaluateEnsemble(copies, test_);
  assert.ok(Math.abs(got.loss - expected.loss) < 1e-6, `${got.loss} vs ${expected.loss}`);
  assert.equal(got.accuracy, expected.accuracy);
  assert.equal(got.members.length, 2);
  const q = ensemblePredict(copies, x);
  const [pa, qa] = [Array.from(await p.data()), Array.from(await q.data())];
  pa.forEach((v, i) => assert.ok(Math.abs(v - qa[i]) < 1e-6, `${v} vs ${qa[i]}`));
  assert.deepEqual(weightValues(model.weights.map((w) => [w.name, w.read()])), own);
  tf.dispose([x, p, q]);
  snaps.dispose();
  model.dispose();
  copies.forEach((m) => m.dispose());
});

test('with a dir, each snapshot is also written as a checkpoint holding its weights', async () => {
  const model = functionalMlp();
  const snaps = snapshotEnsemble({ cycles: { period: 7 }, dir: join(dir, 'a') });
  await fit(model, { train }, { optimizer: sgd({ learningRate: 0.1 }), epochs: 2, batchSize: 16, verbose: 'silent', callbacks: [snaps] });
  assert.deepEqual((await readdir(join(dir, 'a'))).sort(), ['snapshot-1.tkpt', 'snapshot-2.tkpt']);
  for (const s of snaps.snapshots) {
    const ckpt = await loadCheckpoint(s.path as string);
    assert.equal(ckpt.position.step, s.step);
    assert.deepEqual(weightValues(ckpt.weights), s.weights.map((t) => Array.from(t.dataSync())));
    disposeCheckpoint(ckpt);
  }
  snaps.dispose();
  tf.dispose(Object.values(model.params as Record<string, tf.Tensor>));
});

test('bad cycles or keep are refused at once, naming the value', () => {
  assert.throws(() => snapshotEnsemble({ cycles: [5, 5] }), (e: unknown) => e instanceof InvalidArgumentError && /cycles\[1\]/.test(e.message));
  assert.throws(() => snapshotEnsemble({ cycles: { period: 0 } }), InvalidArgumentError);
  assert.throws(() => snapshotEnsemble({ cycles: { period: 4, periodMult: 1.5 } }), InvalidArgumentError);
  assert.throws(() => snapshotEnsemble({ cycles: [4], keep: 0 }), InvalidArgumentError);
  assert.throws(() => snapshotEnsemble({ cycles: 'epoch' as never }), InvalidArgumentError);
});
