import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { hasGradient } from './gradients.js';

test('importing the engine registers the gradients of core kernels', async () => {
  await tf.setBackend('cpu');
  for (const k of ['Multiply', 'Add', 'BatchMatMul', 'Conv2D', 'Relu', 'Softmax', 'Square', 'Sum']) {
    assert.ok(hasGradient(k), k);
  }
  const g = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(x, x)))(tf.tensor([1, 2, 3]));
  assert.deepEqual(Array.from(g.dataSync()), [2, 4, 6]);
  assert.equal(hasGradient('NoSuchKernel'), false);
});
