import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '../engine/gradients.js';
import { arrayDataset } from '../data/dataset.js';
import { sgd } from '../optim/index.js';
import { fit } from './fit.js';
import { evaluate } from './evaluate.js';
import { batchWeights, classWeightArray } from './sample-weights.js';
import type { FunctionalModel } from './model.js';
import { blobs, functionalMlp } from './toy-fixtures.fixture.js';

await tf.setBackend('cpu');

const golden = (
  JSON.parse(readFileSync(new URL('./fixtures/torch-losses.json', import.meta.url), 'utf8')) as {
    fit_steps: { x: number[][]; y: number[]; w: number[][]; b: number[]; classWeight: number[]; weight: number[]; learningRate: number; batchSize: number; after: Array<{ w: number[][]; b: number[]; loss: number }> };
  }
).fit_steps;

const linear = (w: number[][], b: number[]): FunctionalModel => ({
  params: { w: tf.tensor2d(w), b: tf.tensor1d(b) },
  apply: (p, x) => tf.tidy(() => tf.add(tf.matMul(x, (p as Record<string, tf.Tensor>).w), (p as Record<string, tf.Tensor>).b)),
});

const maxDiff = (a: number[], b: number[]): number => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

test('fit with class and per-example weights takes the SGD steps torch takes with sum(w·l)/sum(w)', async () => {
  const g = golden;
  const model = linear(g.w, g.b);
  const data = arrayDataset({
    size: g.y.length,
    xShape: [g.x[0].length],
    x: Float32Array.from(g.x.flat()),
    yShape: [],
    y: Int32Array.from(g.y),
    numClasses: 3,
    weight: Float32Array.from(g.weight),
  });
  const history = await fit(model, { train: data }, {
    optimizer: sgd({ learningRate: g.learningRate }),
    batchSize: g.batchSize,
    shuffle: false,
    classWeight: g.classWeight,
    logEvery: 1,
    verbose: 'silent',
  });
  const p = model.params as Record<string, tf.Tensor>;
  const after = g.after.at(-1)!;
  assert.ok(maxDiff(Array.from(p.w.dataSync()), after.w.flat()) < 2e-6, 'weights after two steps');
  assert.ok(maxDiff(Array.from(p.b.dataSync()), after.b) < 2e-6, 'bias after two steps');
  // Each logged step's loss is the weighted loss torch minimised.
  assert.deepEqual(history.steps.map((s) => s.step), [1, 2]);
  history.steps.forEach((s, i) => assert.ok(Math.abs(s.loss! - g.after[i].loss) < 2e-6, `step ${i + 1}: ${s.loss} vs ${g.after[i].loss}`));
  tf.dispose([p.w, p.b]);
});

test('a class-weight map fills missing classes with 1; an array must cover every class', () => {
  assert.deepEqual(Array.from(classWeightArray({ 1: 5 }, 3)), [1, 5, 1]);
  assert.deepEqual(Array.from(classWeightArray([2, 0.5])), [2, 0.5]);
  assert.throws(() => classWeightArray([1, 2], 3), /Invalid classWeight.length: 2 \(expected one weight per class \(3\)\)/);
  assert.throws(() => classWeightArray([1, -1]), /Invalid classWeight\[1\]: -1/);
  assert.throws(() => classWeightArray({ x: 1 } as never), /Invalid classWeight key: NaN/);
});

test('batch weights multiply the class weight of each label by the example weight, and need int labels', () => {
  const before = tf.memory().numTensors;
  const y = tf.tensor1d([0, 1, 1], 'int32');
  const w = tf.tensor1d([1, 2, 0.5]);
  const both = batchWeights(y, { weight: w, classWeight: classWeightArray([1, 3]) })!;
  assert.deepEqual(Array.from(both.dataSync()), [1, 6, 1.5]);
  assert.equal(batchWeights(y, {}), undefined);
  const soft = tf.tensor2d([[1, 0]]);
  assert.throws(() => batchWeights(soft, { classWeight: classWeightArray([1, 3]) }), /class weights need hard labels/);
  tf.dispose([y, w, both, soft]);
  assert.equal(tf.memory().numTensors, before);
});

test('evaluate weights the loss by data.weight over the whole set: doubling one half counts it twice', async () => {
  const model = functionalMlp();
  const data = blobs(20, { seed: 3 });
  const weight = Float32Array.from({ length: 20 }, (_, i) => (i < 10 ? 2 : 1));
  const weighted = await evaluate(model, { ...data, weight }, { batchSize: 6, metrics: ['accuracy'] });
  const first = await evaluate(model, { ...data, size: 10, x: data.x.subarray(0, 80), y: data.y.subarray(0, 10) });
  const second = await evaluate(model, { ...data, size: 10, x: data.x.subarray(80), y: data.y.subarray(10) });
  assert.ok(Math.abs(weighted.loss - (2 * first.loss + second.loss) / 3) < 1e-6);
  assert.ok(Math.abs(weighted.accuracy - (first.accuracy + second.accuracy) / 2) < 1e-7, 'metrics are unweighted');
  tf.dispose(Object.values(model.params as Record<string, tf.Tensor>));
});

test('fit with weights and accumulating validation metrics leaks no tensor and reports them for validation only', async () => {
  const model = functionalMlp();
  const train = { ...blobs(60, { seed: 1 }), weight: Float32Array.from({ length: 60 }, (_, i) => 1 + (i % 3)) };
  const before = tf.memory().numTensors;
  const validation = blobs(30, { seed: 2 });
  const history = await fit(model, { train, validation }, {
    optimizer: sgd({ learningRate: 0.05 }),
    epochs: 2,
    batchSize: 16,
    classWeight: { 2: 3 },
    metrics: ['accuracy', 'f1', 'precision'],
    verbose: 'silent',
  });
  assert.equal(tf.memory().numTensors, before);
  const logs = history.epochs[1].logs;
  assert.deepEqual(Object.keys(logs).sort(), ['accuracy', 'loss', 'val_accuracy', 'val_f1', 'val_loss', 'val_precision']);
  // The last validation ran on the final weights: evaluate gives the same numbers.
  const again = await evaluate(model, validation, { metrics: ['f1', 'precision'] });
  assert.equal(logs.val_f1, again.f1);
  assert.equal(logs.val_precision, again.precision);
  tf.dispose(Object.values(model.params as Record<string, tf.Tensor>));
});
