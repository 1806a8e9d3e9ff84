import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { InvalidArgumentError } from '../errors.js';
import { leakyRelu } from './index.js';

await tf.setBackend('cpu');

const close = (a: ArrayLike<number>, b: number[]) =>
  assert.ok(Array.from(a).every((v, i) => Math.abs(v - b[i]) < 1e-6), `${Array.from(a)} vs ${b}`);

test("tfjs-layers behaviour (pinned): the leakyReLU layer defaults to alpha = 0.3 (Keras), not PyTorch's 0.01", () => {
  const x = tf.tensor([-2, -0.5, 0, 3]);
  close((tfl.layers.leakyReLU().apply(x) as tf.Tensor).dataSync(), [-0.6, -0.15, 0, 3]);
  close((tfl.layers.leakyReLU({ alpha: 0.01 }).apply(x) as tf.Tensor).dataSync(), [-0.02, -0.005, 0, 3]);
});

test('leakyRelu defaults to alpha = 0.01 and its gradient is alpha below 0 and 1 above', () => {
  const x = tf.tensor([-2, -0.5, 1, 3]);
  close(leakyRelu(x).dataSync(), [-0.02, -0.005, 1, 3]);
  close(leakyRelu(x, 0.2).dataSync(), [-0.4, -0.1, 1, 3]);
  close(tf.grad((t: tf.Tensor) => tf.sum(leakyRelu(t)))(x).dataSync(), [0.01, 0.01, 1, 1]);
});

test('leakyRelu refuses a negative or non-finite alpha', () => {
  assert.throws(() => leakyRelu(tf.ones([1]), -0.1), InvalidArgumentError);
  assert.throws(() => leakyRelu(tf.ones([1]), NaN), /Invalid alpha: NaN/);
});
