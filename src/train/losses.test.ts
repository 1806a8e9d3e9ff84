import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '../engine/gradients.js';
import { softmaxCrossEntropy, hinge, mse, resolveLoss } from './losses.js';
import { accuracy, topKAccuracy, resolveMetric } from './metrics.js';
import { InvalidArgumentError } from '../errors.js';

await tf.setBackend('cpu');

const close = (a: number, b: number, tol = 1e-6): void => assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${a} vs ${b}`);
const value = (t: tf.Tensor): number => {
  const v = t.dataSync()[0];
  t.dispose();
  return v;
};

// Hand computation: log-sum-exp of each row, minus the target's logit.
const logits = [
  [2, 1, 0.1],
  [0.5, 2.5, -1],
];
const lse = (r: number[]): number => Math.log(r.reduce((s, v) => s + Math.exp(v), 0));

test('softmax cross-entropy with hard labels is the mean of log-sum-exp minus the target logit', () => {
  const expected = (lse(logits[0]) - 2 + (lse(logits[1]) - 2.5)) / 2;
  const l = tf.tensor2d(logits);
  const y = tf.tensor1d([0, 1], 'int32');
  close(value(softmaxCrossEntropy()(l, y)), expected);
  tf.dispose([l, y]);
});

test('softmax cross-entropy with soft labels weights every class by its probability', () => {
  const p = [
    [0.7, 0.3, 0],
    [0.25, 0.25, 0.5],
  ];
  const expected =
    p.map((row, i) => row.reduce((s, pc, c) => s - pc * (logits[i][c] - lse(logits[i])), 0)).reduce((a, b) => a + b) / 2;
  const l = tf.tensor2d(logits);
  const y = tf.tensor2d(p);
  close(value(softmaxCrossEntropy()(l, y)), expected);
  tf.dispose([l, y]);
});

test('label smoothing mixes the one-hot target with the uniform distribution (torch label_smoothing)', () => {
  const eps = 0.1;
  const row = (i: number, target: number): number =>
    logits[i].reduce((s, v, c) => s - ((c === target ? 1 - eps : 0) + eps / 3) * (v - lse(logits[i])), 0);
  const expected = (row(0, 0) + row(1, 1)) / 2;
  const l = tf.tensor2d(logits);
  const y = tf.tensor1d([0, 1], 'int32');
  close(value(softmaxCrossEntropy({ labelSmoothing: eps })(l, y)), expected);
  // torch 1.13: CrossEntropyLoss(label_smoothing=0.1) gives 0.37287816 on ([[2,0,0]], [0]) and
  // 0.42510408 on the two rows above with targets [0, 1].
  close(value(softmaxCrossEntropy({ labelSmoothing: 0.1 })(l, y)), 0.4251040816307068, 1e-6);
  const l2 = tf.tensor2d([[2, 0, 0]]);
  const y2 = tf.tensor1d([0], 'int32');
  close(value(softmaxCrossEntropy({ labelSmoothing: 0.1 })(l2, y2)), 0.37287816405296326, 1e-6);
  tf.dispose([l, y, l2, y2]);
});

test('softmax cross-entropy stays finite for huge logits', () => {
  const l = tf.tensor2d([[1000, 0, -1000]]);
  const y = tf.tensor1d([1], 'int32');
  close(value(softmaxCrossEntropy()(l, y)), 1000);
  tf.dispose([l, y]);
});

test('the multiclass SVM hinge loss matches the course example (2.9, 0, 12.9)', () => {
  // CS231n's three examples: cat, car, frog scores; margin 1.
  const s = tf.tensor2d([
    [3.2, 5.1, -1.7],
    [1.3, 4.9, 2.0],
    [2.2, 2.5, -3.1],
  ]);
  const y = tf.tensor1d([0, 1, 2], 'int32');
  close(value(hinge()(s, y)), (2.9 + 0 + 12.9) / 3, 1e-6);
  // torch 1.13: MultiMarginLoss(margin=1) × C = 5.26666617 (torch also divides by the class count).
  close(value(hinge()(s, y)), 5.2666661739349365, 1e-6);
  // Margin 2: rows give 3.9, 0 and 7.3 + 7.6.
  close(value(hinge({ margin: 2 })(s, y)), (3.9 + 0 + 14.9) / 3, 1e-6);
  tf.dispose([s, y]);
});

test('mean squared error averages over every element', () => {
  const p = tf.tensor2d([
    [1, 2],
    [3, 4],
  ]);
  const t = tf.tensor2d([
    [1, 0],
    [0, 4],
  ]);
  close(value(mse()(p, t)), (0 + 4 + 9 + 0) / 4);
  tf.dispose([p, t]);
});

test('accuracy and top-k accuracy count the examples whose target ranks high enough', () => {
  const l = tf.tensor2d([
    [3, 2, 1],
    [1, 3, 2],
    [1, 2, 3],
    [3, 1, 2],
  ]);
  const y = tf.tensor1d([0, 2, 0, 1], 'int32');
  close(value(accuracy().compute(l, y)), 0.25);
  close(value(topKAccuracy(2).compute(l, y)), 0.5);
  close(value(topKAccuracy(3).compute(l, y)), 1);
  assert.equal(topKAccuracy(5).name, 'top5');
  tf.dispose([l, y]);
});

test('bad loss, metric and option values are refused, naming the value', () => {
  assert.throws(() => softmaxCrossEntropy({ labelSmoothing: 1 }), InvalidArgumentError);
  assert.throws(() => hinge({ margin: 0 }), /Invalid margin: 0/);
  assert.throws(() => resolveLoss('nll' as never), /Invalid loss: "nll"/);
  assert.throws(() => resolveMetric('mcc' as never), /Invalid metric: "mcc"/);
  assert.throws(() => topKAccuracy(0), /Invalid k: 0/);
  const l = tf.tensor2d([[1, 2]]);
  const y = tf.tensor2d([[1, 0, 0]]);
  assert.throws(() => softmaxCrossEntropy()(l, y), /Invalid targets/);
  tf.dispose([l, y]);
});
