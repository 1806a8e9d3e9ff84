import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '../engine/gradients.js';
import { arrayDataset } from '../data/dataset.js';
import { InvalidArgumentError } from '../errors.js';
import { adam } from '../optim/index.js';
import { fit } from './fit.js';
import { evaluate } from './evaluate.js';
import { ensembleClasses, ensemblePredict, evaluateEnsemble } from './ensemble.js';
import type { FunctionalModel } from './model.js';
import { blobs, functionalMlp, layersMlp } from './toy-fixtures.fixture.js';

await tf.setBackend('cpu');

/** logits = x · w, a functional model with fixed weights. */
const linear = (w: number[][]): FunctionalModel => ({
  params: { w: tf.tensor2d(w) },
  apply: (p, x) => tf.matMul(x, (p as { w: tf.Tensor }).w),
});
const softmax = (s: number[]): number[] => {
  const m = Math.max(...s);
  const e = s.map((v) => Math.exp(v - m));
  const z = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / z);
};
const matVec = (x: number[], w: number[][]): number[] => w[0].map((_, c) => x.reduce((a, xi, i) => a + xi * w[i][c], 0));
const close = (a: number, b: number, tol = 1e-6): void => assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${a} vs ${b}`);

test('the ensemble averages the members\u2019 softmax distributions, then takes the argmax', async () => {
  const ws = [
    [[1, -2, 0.5], [0, 3, -1]],
    [[-1, 0, 2], [2, 1, 0]],
    [[4, 0, 0], [0, 0, -3]],
  ];
  const xs = [[1, 0.5], [-2, 1], [0.3, -0.7], [10, 10]];
  const members = ws.map(linear);
  const x = tf.tensor2d(xs);
  const start = tf.memory().numTensors;
  const p = ensemblePredict(members, x);
  const classes = ensembleClasses(members, x);
  assert.equal(tf.memory().numTensors, start + 2);
  const got = (await p.array()) as number[][];
  const expected = xs.map((xi) => {
    const probs = ws.map((w) => softmax(matVec(xi, w)));
    return probs[0].map((_, c) => probs.reduce((a, q) => a + q[c], 0) / probs.length);
  });
  got.forEach((row, i) => row.forEach((v, c) => close(v, expected[i][c])));
  assert.deepEqual(Array.from(await classes.data()), expected.map((row) => row.indexOf(Math.max(...row))));

  // Loss and accuracy of the averaged distribution, by hand, with labels that make them non-trivial.
  const labels = [1, 2, 0, 1];
  const data = arrayDataset({ size: 4, xShape: [2], x: Float32Array.from(xs.flat()), yShape: [], y: Int32Array.from(labels), numClasses: 3 });
  const score = await evaluateEnsemble(members, data, { batchSize: 3 });
  close(score.loss, -labels.reduce((a, y, i) => a + Math.log(expected[i][y]), 0) / labels.length);
  close(score.accuracy, labels.filter((y, i) => expected[i].indexOf(Math.max(...expected[i])) === y).length / labels.length);
  for (let m = 0; m < members.length; m++) {
    const own = await evaluate(members[m], data);
    close(score.members[m].loss, own.loss);
    close(score.members[m].accuracy, own.accuracy);
  }
  tf.dispose([p, classes, x, ...members.map((m) => (m.params as { w: tf.Tensor }).w)]);
});

test('a LayersModel and a functional model ensemble together; a one-member ensemble scores as the member', async () => {
  const layers = layersMlp({ seed: 3 });
  const functional = functionalMlp({ seed: 4 });
  const data = blobs(20, { seed: 6 });
  const x = tf.tensor2d(data.x, [20, 8]);
  const p = ensemblePredict([layers, functional], x);
  const pl = tf.softmax(layers.predict(x) as tf.Tensor);
  const pf = tf.softmax(functional.apply(functional.params, x, { training: false, rng: undefined as never }) as tf.Tensor);
  const expected = (await tf.div(tf.add(pl, pf), 2).array()) as number[][];
  ((await p.array()) as number[][]).forEach((row, i) => row.forEach((v, c) => close(v, expected[i][c])));
  const alone = await evaluateEnsemble([layers], data);
  const own = await evaluate(layers, data);
  close(alone.loss, own.loss);
  close(alone.accuracy, own.accuracy);
  tf.dispose([x, p, pl, pf, ...Object.values(functional.params as Record<string, tf.Tensor>)]);
  layers.dispose();
});

test('three differently seeded models: the ensemble\u2019s loss is at most their mean loss, and its accuracy at least their mean accuracy here', async () => {
  // The loss bound is Jensen's inequality and always holds. The accuracy one is not a theorem: it
  // holds on this toy problem (hard: noisy, overlapping classes, 3 short trainings), checked for
  // these seeds only.
  const train = blobs(150, { seed: 1, noise: 1.6 });
  const test_ = blobs(400, { seed: 2, noise: 1.6 });
  const members = [11, 12, 13].map((seed) => functionalMlp({ seed }));
  for (const [i, m] of members.entries())
    await fit(m, { train }, { optimizer: adam({ learningRate: 0.01 }), epochs: 3, batchSize: 16, seed: i, verbose: 'silent' });
  const start = tf.memory().numTensors;
  const score = await evaluateEnsemble(members, test_);
  assert.equal(tf.memory().numTensors, start);
  const mean = (k: 'loss' | 'accuracy'): number => score.members.reduce((a, m) => a + m[k], 0) / score.members.length;
  assert.ok(score.loss <= mean('loss') + 1e-6, `ensemble loss ${score.loss} vs members' mean ${mean('loss')}`);
  assert.ok(score.accuracy >= mean('accuracy'), `ensemble accuracy ${score.accuracy} vs members' mean ${mean('accuracy')}`);
  assert.ok(new Set(score.members.map((m) => m.loss)).size === 3, 'the members differ');
  for (const m of members) tf.dispose(Object.values(m.params as Record<string, tf.Tensor>));
});

test('an empty ensemble is refused at once', async () => {
  assert.throws(() => ensemblePredict([], tf.zeros([1, 2])), InvalidArgumentError);
  await assert.rejects(evaluateEnsemble([], blobs(4)), InvalidArgumentError);
});
