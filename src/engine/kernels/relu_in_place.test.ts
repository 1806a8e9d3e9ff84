/** reluInPlace (relu_in_place.ts): the wasm backend's `Relu`, bit for bit, written over its input. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../backend.js';
import { Rng } from '../rng.js';
import { reluInPlace } from './relu_in_place.js';

test('on wasm: the Relu kernel\'s bits (−0 and negatives to +0, subnormals kept), every NaN the canonical NaN, in place, tails included', async () => {
  await useBackend('wasm', { threads: 1 });
  const rng = new Rng(4);
  const special = [NaN, -NaN, Infinity, -Infinity, 0, -0, 1e-40, -1e-40, 3.4e38, -3.4e38];
  for (const n of [1, 3, 4, 7, 16, 1027]) {
    const values = Float32Array.from({ length: n }, (_, i) => (i % 3 === 0 ? special[i % special.length] : rng.normal()));
    const bitsIn = new Uint32Array(values.buffer);
    bitsIn[0] = 0xffc00123; // a negative NaN with a payload
    const x = tf.tensor(values);
    const want = tf.relu(x);
    const info = { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
    assert.ok(reluInPlace(tf.backend(), info), 'SIMD available on wasm');
    const got = Array.from(new Uint32Array((x.dataSync() as Float32Array).slice().buffer));
    // The shipped kernel's own NaN handling differs between its SIMD loop (NaN) and its tail (0).
    const expected = Array.from(new Uint32Array((want.dataSync() as Float32Array).slice().buffer), (b, j) => (Number.isNaN(values[j]) ? 0x7fc00000 : b));
    assert.deepEqual(got, expected, `n = ${n}`);
    tf.dispose([x, want]);
  }
});

test('declines where it cannot run: an int32 buffer, a backend without the wasm memory', async () => {
  await useBackend('wasm', { threads: 1 });
  const i = tf.tensor([1, -2], undefined, 'int32');
  assert.equal(reluInPlace(tf.backend(), { dataId: i.dataId, shape: i.shape, dtype: 'int32' }), false);
  assert.deepEqual(Array.from(i.dataSync()), [1, -2], 'untouched');
  i.dispose();
  await useBackend('cpu');
  const c = tf.tensor([1, -2]);
  assert.equal(reluInPlace(tf.backend(), { dataId: c.dataId, shape: c.shape, dtype: 'float32' }), false);
  assert.deepEqual(Array.from(c.dataSync()), [1, -2], 'untouched');
  c.dispose();
});
