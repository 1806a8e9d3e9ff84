import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers'; // registers gradients
import { assertMatchesCpu, randomInputs, runOn, maxAbsDiff, TOLERANCE } from './oracle.fixture.js';
import { broadcastBatchIndex, matMulShapes, simdPlan, preferSwapped } from './batch_mat_mul.js';

const cases: { label: string; a: number[]; b: number[]; tA: boolean; tB: boolean }[] = [
  { label: 'plain 2-D', a: [37, 53], b: [53, 29], tA: false, tB: false },
  { label: 'transposeA', a: [53, 37], b: [53, 29], tA: true, tB: false },
  { label: 'transposeB', a: [37, 53], b: [29, 53], tA: false, tB: true },
  { label: 'both transposed', a: [53, 37], b: [29, 53], tA: true, tB: true },
  { label: 'dense backward (x^T dy)', a: [128, 78], b: [128, 51], tA: true, tB: false },
  { label: 'batched 3-D, same batch', a: [3, 40, 50], b: [3, 50, 30], tA: false, tB: false },
  { label: 'batched 3-D, transposeB', a: [3, 40, 50], b: [3, 30, 50], tA: false, tB: true },
  { label: 'batched 3-D, transposeA', a: [3, 50, 40], b: [3, 50, 30], tA: true, tB: false },
  { label: 'batch of a, shared 2-D b', a: [4, 33, 50], b: [50, 31], tA: false, tB: false },
  { label: 'batch of a, shared b transposed', a: [4, 50, 33], b: [31, 50], tA: true, tB: true },
  { label: 'a broadcast over the batch of b', a: [1, 40, 50], b: [3, 50, 30], tA: false, tB: false },
  { label: 'rank 4, b broadcast', a: [2, 3, 20, 30], b: [1, 1, 30, 25], tA: false, tB: false },
  { label: 'tiny batched (shipped loop)', a: [5, 4, 6], b: [5, 7, 6], tA: false, tB: true },
  { label: 'single row and column', a: [1, 64], b: [64, 1], tA: false, tB: false },
  { label: 'dense backward (dy W^T), swapped orientation', a: [96, 200], b: [150, 200], tA: false, tB: true },
  { label: 'swapped orientation, both transposed', a: [200, 40], b: [150, 200], tA: true, tB: true },
  { label: 'few output columns (a 10-class layer\'s weight gradient): swapped, a read transposed in place', a: [128, 72], b: [128, 10], tA: true, tB: false },
  { label: 'few output columns, plain a: swapped with a transposed explicitly', a: [72, 40], b: [40, 6], tA: false, tB: false },
  { label: 'short shared dimension, transposeB (a 10-class layer\'s input gradient)', a: [64, 10], b: [96, 10], tA: false, tB: true },
  { label: 'fewer than 8 columns both ways (XNNPACK)', a: [5, 300], b: [300, 6], tA: false, tB: false },
];

for (const c of cases) {
  test(`BatchMatMul on wasm matches cpu: ${c.label}`, async () => {
    const inputs = randomInputs(11, { a: c.a, b: c.b });
    await assertMatchesCpu(c.label, inputs, ({ a, b }) => tf.matMul(a, b, c.tA, c.tB));
  });
}

test('BatchMatMul broadcasts batch dims both ways, which the shipped kernel and cpu get wrong', async () => {
  // [2, 1] × [1, 3] batches → [2, 3]: compare with six explicit 2-D products on cpu.
  const inputs = randomInputs(5, { a: [2, 1, 20, 30], b: [1, 3, 30, 25] });
  const wasm = await runOn('wasm', inputs, ({ a, b }) => tf.matMul(a, b));
  assert.deepEqual(wasm.shapes[0], [2, 3, 20, 25]);
  assert.equal(wasm.leakedBuffers, 0);
  const expected = await runOn('cpu', inputs, ({ a, b }) => {
    const rows: tf.Tensor[] = [];
    for (let i = 0; i < 2; i++) {
      for (let j = 0; j < 3; j++) {
        const ai = tf.reshape(tf.slice(a, [i, 0, 0, 0], [1, 1, 20, 30]), [20, 30]);
        const bj = tf.reshape(tf.slice(b, [0, j, 0, 0], [1, 1, 30, 25]), [30, 25]);
        rows.push(tf.matMul(ai, bj));
      }
    }
    return tf.reshape(tf.stack(rows), [2, 3, 20, 25]);
  });
  assert.ok(maxAbsDiff(wasm.values[0], expected.values[0]) <= TOLERANCE * 30);
});

test('the gradients of a matMul (transposed products) match cpu and leak nothing', async () => {
  const inputs = randomInputs(3, { a: [32, 48], b: [48, 24], dy: [32, 24] });
  await assertMatchesCpu('matMul grads', inputs, ({ a, b, dy }) => {
    const f = (x: tf.Tensor, y: tf.Tensor) => tf.matMul(x, y);
    return tf.grads(f)([a, b], dy);
  });
});

test('matMulShapes reads m, k, n and the broadcast batch, and rejects mismatched inner dims', () => {
  assert.deepEqual(matMulShapes([2, 5, 3], [3, 4], false, false), { m: 5, k: 3, n: 4, batchA: 2, batchB: 1, outBatch: [2] });
  assert.deepEqual(matMulShapes([3, 5], [4, 3], true, true), { m: 5, k: 3, n: 4, batchA: 1, batchB: 1, outBatch: [] });
  assert.throws(() => matMulShapes([2, 3], [4, 5], false, false), /inner shapes/);
});

test('broadcastBatchIndex maps an output batch index to each operand, repeating size-1 dims', () => {
  // out batch [2, 3]; operand [2, 1] repeats along the second dim, [3] along the first.
  assert.deepEqual([0, 1, 2, 3, 4, 5].map((i) => broadcastBatchIndex(i, [2, 3], [2, 1])), [0, 0, 0, 1, 1, 1]);
  assert.deepEqual([0, 1, 2, 3, 4, 5].map((i) => broadcastBatchIndex(i, [2, 3], [3])), [0, 1, 2, 0, 1, 2]);
  assert.deepEqual([0, 1, 2, 3, 4, 5].map((i) => broadcastBatchIndex(i, [2, 3], [2, 3])), [0, 1, 2, 3, 4, 5]);
});

test('preferSwapped lets the smaller matrix be repacked: dy·Wᵀ swaps, xᵀ·dy and plain x·W do not', () => {
  assert.equal(preferSwapped(128, 512, 512, false, true), true); // dy[128,512]·W[512,512]ᵀ
  assert.equal(preferSwapped(128, 10, 512, false, true), false); // dy[128,10]·W[512,10]ᵀ: W is small
  assert.equal(preferSwapped(784, 128, 512, true, false), false); // x[128,784]ᵀ·dy[128,512]
  assert.equal(preferSwapped(128, 784, 512, false, false), false); // forward x·W
});

test('simdPlan: direct for plain products, swapped where it saves transposes or scalar columns, none when both sides are narrow', () => {
  assert.equal(simdPlan(128, 784, 512, false, false)?.route, 'direct');
  assert.equal(simdPlan(128, 512, 784, false, true)?.route, 'swapped', "dy·Wᵀ: transpose dy and C, not W");
  assert.equal(simdPlan(512, 128, 10, true, false)?.route, 'swapped', 'ten columns: put them in the rows');
  assert.equal(simdPlan(5, 300, 6, false, false), undefined);
});
