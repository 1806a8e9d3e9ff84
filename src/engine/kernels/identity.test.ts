import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../backend.js';

test('Identity on wasm shares the buffer: a clone keeps its values after the original is disposed, and nothing leaks', async () => {
  await useBackend('wasm', { threads: 1 });
  const buffersBefore = tf.backend().numDataIds();
  const tensorsBefore = tf.memory().numTensors;
  const x = tf.tensor([1, 2, 3, 4], [2, 2]);
  const y = tf.clone(x);
  assert.equal(tf.backend().numDataIds(), buffersBefore + 1, 'one buffer for x and its clone');
  const z = tf.add(y, 1); // a kernel writes a fresh output, never into y's (shared) buffer
  x.dispose();
  assert.deepEqual(Array.from(y.dataSync()), [1, 2, 3, 4]);
  assert.deepEqual(Array.from(z.dataSync()), [2, 3, 4, 5]);
  tf.dispose([y, z]);
  assert.equal(tf.memory().numTensors, tensorsBefore);
  assert.equal(tf.backend().numDataIds(), buffersBefore);
  const s = tf.clone(tf.tensor(['a', 'b'])); // strings keep the shipped kernel
  assert.deepEqual(s.arraySync(), ['a', 'b']);
});
