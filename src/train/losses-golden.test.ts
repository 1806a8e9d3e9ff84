/**
 * The binary cross-entropy, Huber, L1 and weighted losses against PyTorch 1.13
 * (fixtures/torch-losses.json, written by tools/golden/losses.py), to float32 precision.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '../engine/gradients.js';
import { binaryCrossEntropy, huber, l1, mse, resolveLoss, softmaxCrossEntropy, type Loss } from './losses.js';
import { batchWeights, classWeightArray } from './sample-weights.js';
import { weightedMean } from './weighted-mean.js';

await tf.setBackend('cpu');

interface Case {
  loss: string;
  options: Record<string, unknown>;
  logits: number[] | number[][];
  targets?: number[] | number[][];
  labels?: number[];
  weights?: number[];
  classWeight?: number[];
  value: number;
}
const fixture = JSON.parse(readFileSync(new URL('./fixtures/torch-losses.json', import.meta.url), 'utf8')) as { cases: Case[] };

const make: Record<string, (o: any) => Loss> = {
  binaryCrossEntropy: (o) => binaryCrossEntropy(o),
  huber: (o) => huber(o),
  l1: () => l1(),
  mse: () => mse(),
  softmaxCrossEntropy: (o) => softmaxCrossEntropy(o),
};

const describe = (c: Case): string =>
  `${c.loss}(${JSON.stringify(c.options)})${c.weights ? ' with example weights' : ''}${c.classWeight ? ' with class weights' : ''}`;

for (const c of fixture.cases) {
  test(`${describe(c)} equals torch's value`, () => {
    const before = tf.memory().numTensors;
    const logits = tf.tensor(c.logits);
    const targets = c.labels ? tf.tensor1d(c.labels, 'int32') : tf.tensor(c.targets!);
    const example = c.weights ? tf.tensor1d(c.weights) : undefined;
    const w = batchWeights(targets, { weight: example, ...(c.classWeight ? { classWeight: classWeightArray(c.classWeight) } : {}) });
    const value = make[c.loss](c.options)(logits, targets, w);
    const got = value.dataSync()[0];
    tf.dispose([logits, targets, value, ...(example ? [example] : []), ...(w ? [w] : [])]);
    assert.equal(tf.memory().numTensors, before, 'no tensor leaks');
    assert.ok(Math.abs(got - c.value) <= 2e-6 * Math.max(1, Math.abs(c.value)), `${got} vs torch ${c.value}`);
  });
}

test('binary cross-entropy from logits stays finite and exact where sigmoid saturates', () => {
  // log σ(−100) underflows in float32 if computed as log(sigmoid(s)); the stable form gives 100.
  const s = tf.tensor1d([-100, 100]);
  const y = tf.tensor1d([1, 0]);
  const v = binaryCrossEntropy()(s, y);
  assert.ok(Math.abs(v.dataSync()[0] - 100) < 1e-4);
  tf.dispose([s, y, v]);
});

test('huber is ½d² inside delta and delta·(d − ½delta) outside (the doc example)', () => {
  const p = tf.tensor1d([0.5, 3]);
  const t = tf.zeros([2]);
  const v = huber()(p, t);
  assert.ok(Math.abs(v.dataSync()[0] - 1.3125) < 1e-7);
  tf.dispose([p, t, v]);
});

test('a constant example weight leaves every loss unchanged; the names resolve to the new losses', () => {
  const p = tf.tensor2d([[0.3, -2], [1.5, 0.2], [-0.4, 4]]);
  const t = tf.tensor2d([[1, 0], [0, 1], [1, 1]]);
  const w = tf.fill([3], 2.5);
  for (const name of ['binaryCrossEntropy', 'huber', 'l1', 'mse'] as const) {
    const [a, b] = [resolveLoss(name)(p, t), resolveLoss(name)(p, t, w)];
    assert.ok(Math.abs(a.dataSync()[0] - b.dataSync()[0]) < 1e-6, name);
    tf.dispose([a, b]);
  }
  tf.dispose([p, t, w]);
});

test('weightedMean divides by the sum of weights and refuses weights of the wrong shape', () => {
  const v = tf.tensor1d([1, 3]);
  const w = tf.tensor1d([3, 1]);
  const m = weightedMean(v, w);
  assert.equal(m.dataSync()[0], 1.5);
  const bad = tf.tensor1d([1, 2, 3]);
  assert.throws(() => weightedMean(v, bad), /Invalid weights: "\[3\]" \(expected one weight per example, shape \[2\]\)/);
  tf.dispose([v, w, m, bad]);
});

test('bad options of the new losses are refused, naming the value', () => {
  assert.throws(() => huber({ delta: 0 }), /Invalid delta: 0/);
  assert.throws(() => binaryCrossEntropy({ posWeight: -1 }), /Invalid posWeight: -1/);
  assert.throws(() => binaryCrossEntropy({ posWeight: [1, Number.NaN] }), /Invalid posWeight\[1\]: NaN/);
  const s = tf.zeros([2, 3]);
  const y = tf.zeros([2, 3]);
  assert.throws(() => binaryCrossEntropy({ posWeight: [1, 2] })(s, y), /one weight per output column \(3\)/);
  const y2 = tf.zeros([2, 2]);
  assert.throws(() => l1()(s, y2), /Invalid targets/);
  tf.dispose([s, y, y2]);
  assert.throws(() => resolveLoss('bce' as never), /'binaryCrossEntropy'/);
});

test('the gradients are the closed forms: (σ(s) − y)/n for binary cross-entropy, clip(ŷ − y, ±δ)/n for Huber', () => {
  const s = tf.tensor1d([-30, -1.5, 0, 0.7, 25]);
  const y = tf.tensor1d([1, 0, 1, 0.4, 0]);
  const gBce = tf.grad((v: tf.Tensor) => binaryCrossEntropy()(v, y))(s);
  const expectedBce = tf.div(tf.sub(tf.sigmoid(s), y), 5);
  const gHuber = tf.grad((v: tf.Tensor) => huber({ delta: 0.5 })(v, y))(s);
  const expectedHuber = tf.div(tf.clipByValue(tf.sub(s, y), -0.5, 0.5), 5);
  const maxAbs = (a: tf.Tensor, b: tf.Tensor): number => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
  assert.ok(maxAbs(gBce, expectedBce) < 1e-7);
  assert.ok(maxAbs(gHuber, expectedHuber) < 1e-7);
  tf.dispose([s, y, gBce, expectedBce, gHuber, expectedHuber]);
});
