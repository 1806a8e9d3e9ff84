/** gatherRows against the plain gather + tf.tensor, on cpu and wasm. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from './backend.js';
import { gatherRows } from './gather_rows.js';

for (const backend of ['cpu', 'wasm'] as const) {
  test(`gatherRows on ${backend}: the rows asked for, in that order, float32 and int32, and nothing leaks`, async () => {
    await useBackend(backend, backend === 'wasm' ? { threads: 1 } : {});
    const floats = Float32Array.from({ length: 5 * 6 }, (_, i) => i + 0.5);
    const ints = Int32Array.from({ length: 5 }, (_, i) => 10 * i);
    const [tensors, buffers] = [tf.memory().numTensors, tf.backend().numDataIds()];
    const x = gatherRows(floats, Int32Array.of(4, 0, 4, 2), [2, 3]);
    assert.deepEqual(x.shape, [4, 2, 3]);
    assert.equal(x.dtype, 'float32');
    const row = (i: number) => Array.from(floats.subarray(6 * i, 6 * i + 6));
    assert.deepEqual(Array.from(x.dataSync()), [...row(4), ...row(0), ...row(4), ...row(2)]);
    const y = gatherRows(ints, [3, 1], []);
    assert.deepEqual([y.shape, y.dtype, Array.from(y.dataSync())], [[2], 'int32', [30, 10]]);
    const empty = gatherRows(floats, [], [6]);
    assert.deepEqual(empty.shape, [0, 6]);
    // The tensor is an ordinary one: ops take it, dispose frees its buffer.
    const sum = tf.sum(x);
  assert.equal(sum.dataSync()[0], [...row(4), ...row(0), ...row(4), ...row(2)].reduce((a, b) => a + b, 0));
  sum.dispose();
    tf.dispose([x, y, empty]);
    assert.equal(tf.memory().numTensors, tensors);
    assert.equal(tf.backend().numDataIds(), buffers);
  });
}
