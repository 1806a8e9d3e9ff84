import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { maxAbsDiff, randomInputs, runOn } from './oracle.fixture.js';

test('maxAbsDiff reports the largest gap, and Infinity for a length or NaN mismatch', () => {
  assert.equal(maxAbsDiff([1, 2, 3], [1, 2.5, 2]), 1);
  assert.equal(maxAbsDiff([1, 2], [1, 2, 3]), Infinity);
  assert.equal(maxAbsDiff([NaN, 1], [0, 1]), Infinity);
  assert.equal(maxAbsDiff([NaN, 1], [NaN, 1]), 0);
});

test('runOn counts a tensor kept alive by the computation as a leak', async () => {
  const inputs = randomInputs(1, { x: [4] });
  let kept: tf.Tensor | undefined;
  const leaky = await runOn('cpu', inputs, ({ x }) => {
    kept = tf.keep(tf.square(x));
    return tf.neg(x);
  });
  assert.equal(leaky.leakedTensors, 1);
  kept?.dispose();
  const clean = await runOn('wasm', inputs, ({ x }) => tf.neg(x));
  assert.equal(clean.leakedTensors, 0);
  assert.equal(clean.leakedBuffers, 0);
  assert.deepEqual(Array.from(clean.values[0]), Array.from(inputs.x.values, (v) => -v));
});
