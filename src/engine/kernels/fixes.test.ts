import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers'; // registers gradients
import { useBackend } from '../backend.js';
import { installWasmFixes, installedWasmFixes, removeWasmFixes, WASM_FIXES } from './fixes.js';
import { assertMatchesCpu, randomInputs, type Input } from './oracle.fixture.js';

/** One-hot rows as an oracle input (made on each backend by the oracle, not moved between them). */
function oneHot(classes: number[], depth: number): Input {
  const values = new Float32Array(classes.length * depth);
  classes.forEach((c, i) => (values[i * depth + c] = 1));
  return { shape: [classes.length, depth], values };
}

/** Softmax cross-entropy of logits against one-hot labels (mean over the batch). */
function crossEntropy(logits: tf.Tensor, labels: tf.Tensor): tf.Scalar {
  return tf.neg(tf.mean(tf.sum(tf.mul(labels, tf.logSoftmax(logits)), -1))) as tf.Scalar;
}

test('a tiny CNN (conv stride 1, conv stride 2, dense) gets the same gradients on fixed wasm as on cpu', async () => {
  const inputs = randomInputs(61, {
    x: [4, 12, 11, 2],
    w1: [3, 3, 2, 6],
    b1: [6],
    w2: [3, 3, 6, 8],
    w3: [6 * 6 * 8, 5],
    b3: [5],
  });
  for (const w of ['w1', 'w2', 'w3']) inputs[w].values.forEach((v, i, a) => (a[i] = 0.3 * v));
  inputs.labels = oneHot([0, 3, 1, 4], 5);
  const lossGiven = (labels: tf.Tensor) => (x: tf.Tensor, w1: tf.Tensor, b1: tf.Tensor, w2: tf.Tensor, w3: tf.Tensor, b3: tf.Tensor) => {
    const h1 = tf.relu(tf.add(tf.conv2d(x as tf.Tensor4D, w1 as tf.Tensor4D, 1, 'same'), b1));
    const h2 = tf.relu(tf.conv2d(h1 as tf.Tensor4D, w2 as tf.Tensor4D, 2, 'same'));
    const logits = tf.add(tf.matMul(tf.reshape(h2, [4, -1]), w3), b3);
    return crossEntropy(logits, labels);
  };
  await assertMatchesCpu('cnn', inputs, ({ labels, x, w1, b1, w2, w3, b3 }) => {
    const { value, grads } = tf.valueAndGrads(lossGiven(labels))([x, w1, b1, w2, w3, b3]);
    return [value, ...grads];
  });
});

test('a separable CNN (max pool, depthwise stride 2, pointwise) gets the same gradients on fixed wasm as on cpu', async () => {
  const inputs = randomInputs(62, {
    x: [3, 10, 10, 3],
    w1: [3, 3, 3, 4],
    dw: [3, 3, 4, 2],
    pw: [1, 1, 8, 6],
    w3: [3 * 3 * 6, 4],
  });
  for (const w of ['w1', 'dw', 'pw', 'w3']) inputs[w].values.forEach((v, i, a) => (a[i] = 0.3 * v));
  inputs.labels = oneHot([2, 0, 3], 4);
  const lossGiven = (labels: tf.Tensor) => (x: tf.Tensor, w1: tf.Tensor, dw: tf.Tensor, pw: tf.Tensor, w3: tf.Tensor) => {
    const h1 = tf.relu(tf.conv2d(x as tf.Tensor4D, w1 as tf.Tensor4D, 1, 'same'));
    const p = tf.maxPool(h1, 2, 2, 'valid');
    const h2 = tf.relu(tf.separableConv2d(p, dw as tf.Tensor4D, pw as tf.Tensor4D, 2, 'same'));
    return crossEntropy(tf.matMul(tf.reshape(h2, [3, -1]), w3), labels);
  };
  await assertMatchesCpu('separable cnn', inputs, ({ labels, x, w1, dw, pw, w3 }) => {
    const { value, grads } = tf.valueAndGrads(lossGiven(labels))([x, w1, dw, pw, w3]);
    return [value, ...grads];
  });
});

test('removing the fixes restores wasm as shipped, and installing them again is idempotent', async () => {
  await useBackend('wasm', { threads: 1 });
  const names = WASM_FIXES.map((f) => f.kernelName);
  assert.deepEqual(installWasmFixes(), names);
  const mine = tf.getKernel('BatchMatMul', 'wasm');
  assert.deepEqual(installWasmFixes(), names);
  assert.equal(tf.getKernel('BatchMatMul', 'wasm'), mine, 'a second install registers nothing new');

  removeWasmFixes();
  assert.deepEqual(installedWasmFixes(), []);
  assert.notEqual(tf.getKernel('BatchMatMul', 'wasm'), mine, 'the shipped BatchMatMul is back');
  assert.equal(tf.getKernel('Conv2DBackpropFilter', 'wasm'), undefined, 'wasm ships no Conv2DBackpropFilter');
  removeWasmFixes(); // idempotent
  const shipped = tf.tidy(() => tf.matMul(tf.ones([3, 4]), tf.ones([5, 4]), false, true).dataSync());
  assert.deepEqual(Array.from(shipped), new Array(15).fill(4));

  await useBackend('wasm', { fixes: true });
  assert.deepEqual(installedWasmFixes(), names);
  // The re-registered kernels still work after switching backends (setup functions re-run).
  await useBackend('cpu');
  await useBackend('wasm');
  const fixed = tf.tidy(() => tf.matMul(tf.ones([3, 4]), tf.ones([5, 4]), false, true).dataSync());
  assert.deepEqual(Array.from(fixed), new Array(15).fill(4));
});
