/**
 * TrainkitReluGradBias (relu_grad_bias.ts): dz to the bit of TrainkitReluGrad, and the bias
 * gradient to the bit of a sum of dz in double precision, rows in order (the cpu backend's `Sum`),
 * on shapes of rank 1–4 with NaN, ±∞, ±0 and subnormals; the cases it declines; no leaks.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../backend.js';
import { Rng } from '../rng.js';
import { reluGrad } from './fused_relu_grad.js';
import { RELU_GRAD_BIAS, reluGradBias } from './relu_grad_bias.js';

const SPECIAL = [NaN, Infinity, -Infinity, 0, -0, 1e-40, -1e-40, 3.4e38];

function values(n: number, rng: Rng, special: boolean): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => (special && i % 7 === 3 ? SPECIAL[(i >> 3) % SPECIAL.length] : rng.normal() * (i % 5 === 0 ? 1e3 : 1)));
}

const bits = (a: Float32Array) => new Uint32Array(a.buffer, a.byteOffset, a.length);
/** Bits, with every NaN as one value (a NaN's sign and payload are not specified through a float64 sum). */
const sumBits = (a: Float32Array) => Array.from(bits(a), (b, i) => (Number.isNaN(a[i]) ? 'NaN' : b));

test('on wasm: dz is TrainkitReluGrad to the bit and db the in-order double sum of dz, rounded once', async () => {
  await useBackend('wasm', { threads: 1 });
  const rng = new Rng(11);
  const shapes = [[8], [3, 4], [5, 12], [2, 3, 5, 8], [4, 6, 6, 32], [1, 1, 1, 64], [2, 4, 4, 4]];
  for (const shape of shapes) {
    for (const special of [false, true]) {
      const n = shape.reduce((a, b) => a * b, 1);
      const dy = tf.tensor(values(n, rng, special), shape);
      const y = tf.tensor(values(n, rng, special), shape);
      const before = tf.memory().numTensors;
      const dataIds = tf.engine().backend.numDataIds();
      const out = reluGradBias(dy, y);
      assert.ok(out !== undefined, `[${shape}]`);
      const [dz, db] = out;
      const want = reluGrad(dy, y);
      assert.deepEqual(dz.shape, shape);
      assert.deepEqual(db.shape, [shape[shape.length - 1]]);
      const got = dz.dataSync() as Float32Array;
      assert.deepEqual(bits(got), bits(want.dataSync() as Float32Array), `dz [${shape}] special=${special}`);
      const cols = shape[shape.length - 1];
      const sums = new Float64Array(cols);
      for (let i = 0; i < n; i++) sums[i % cols] += got[i];
      assert.deepEqual(sumBits(db.dataSync() as Float32Array), sumBits(Float32Array.from(sums)), `db [${shape}] special=${special}`);
      tf.dispose([dz, db, want]);
      assert.equal(tf.memory().numTensors, before, 'no tensor leaked');
      assert.equal(tf.engine().backend.numDataIds(), dataIds, 'no buffer leaked (the accumulators are freed)');
      tf.dispose([dy, y]);
    }
  }
});

test('declines (undefined, nothing allocated) where it does not apply: width not a multiple of 4, shapes or dtypes that differ, the cpu backend', async () => {
  await useBackend('wasm', { threads: 1 });
  const cases: Array<[tf.Tensor, tf.Tensor]> = [
    [tf.ones([2, 3]), tf.ones([2, 3])],
    [tf.ones([2, 4]), tf.ones([4, 2])],
    [tf.ones([2, 4], 'int32'), tf.ones([2, 4], 'int32')],
    [tf.scalar(1), tf.scalar(1)],
  ];
  for (const [dy, y] of cases) {
    const before = tf.memory().numTensors;
    assert.equal(reluGradBias(dy, y), undefined, `[${dy.shape}] ${dy.dtype}, [${y.shape}]`);
    assert.equal(tf.memory().numTensors, before);
    tf.dispose([dy, y]);
  }
  await useBackend('cpu');
  const [dy, y] = [tf.ones([2, 4]), tf.ones([2, 4])];
  assert.equal(reluGradBias(dy, y), undefined, 'cpu: no such kernel');
  assert.equal(tf.getKernel(RELU_GRAD_BIAS, 'cpu'), undefined);
  tf.dispose([dy, y]);
});

test('the kernel called directly on a shape it cannot take throws an EngineError naming the shape', async () => {
  await useBackend('wasm', { threads: 1 });
  const [dy, y] = [tf.ones([2, 6]), tf.ones([2, 6])];
  assert.throws(() => tf.engine().runKernel(RELU_GRAD_BIAS, { dy, y }), /multiple of 4 \(got 6\)/);
  const [a, b] = [tf.ones([2, 4]), tf.ones([4, 2])];
  assert.throws(() => tf.engine().runKernel(RELU_GRAD_BIAS, { dy: a, y: b }), /\[2,4\].*\[4,2\]/);
  tf.dispose([dy, y, a, b]);
});
