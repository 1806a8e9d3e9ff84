import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers'; // registers gradients
import { Rng } from '../rng.js';
import { useBackend } from '../backend.js';
import { assertMatchesCpu, maxAbsDiff, randomInputs, runOn, TOLERANCE, type Input } from '../kernels/oracle.fixture.js';
import { nativeProducts } from './blas.js';
import { NATIVE_WASM, NO_NATIVE } from './native.fixture.js';

const cases: { label: string; a: number[]; b: number[]; tA: boolean; tB: boolean }[] = [
  { label: 'plain 2-D, odd sizes', a: [37, 53], b: [53, 29], tA: false, tB: false },
  { label: 'transposeA', a: [53, 37], b: [53, 29], tA: true, tB: false },
  { label: 'transposeB', a: [37, 53], b: [29, 53], tA: false, tB: true },
  { label: 'both transposed', a: [53, 37], b: [29, 53], tA: true, tB: true },
  { label: 'a dense layer\'s weight gradient (xᵀ·dy)', a: [128, 78], b: [128, 10], tA: true, tB: false },
  { label: 'a dense layer\'s input gradient (dy·Wᵀ)', a: [128, 10], b: [78, 10], tA: false, tB: true },
  { label: 'batched 3-D, same batch', a: [3, 40, 50], b: [3, 50, 30], tA: false, tB: false },
  { label: 'batched 3-D, both transposed', a: [3, 50, 40], b: [3, 30, 50], tA: true, tB: true },
  { label: 'batch of a against one b (stacked rows)', a: [4, 33, 50], b: [50, 31], tA: false, tB: false },
  { label: 'batch of transposed a against one transposed b', a: [4, 50, 33], b: [31, 50], tA: true, tB: true },
  { label: 'a broadcast over the batch of b', a: [1, 40, 50], b: [3, 50, 30], tA: false, tB: false },
  { label: 'single row and column', a: [1, 64], b: [64, 1], tA: false, tB: false },
  { label: 'shared dimension 1 (an outer product)', a: [7, 1], b: [1, 5], tA: false, tB: false },
  { label: 'tiny batched', a: [5, 4, 6], b: [5, 7, 6], tA: false, tB: true },
];

/**
 * Asserts that `matMul(a, b, tA, tB)` on native wasm matches cpu's product of the operands broadcast
 * to the output's batch shape first (cpu's own BatchMatMul sizes a two-way broadcast wrongly).
 */
async function assertMatchesBroadcastCpu(label: string, inputs: Record<string, Input>, tA: boolean, tB: boolean): Promise<void> {
  const wasm = await runOn('wasm', inputs, ({ a, b }) => tf.matMul(a, b, tA, tB), NATIVE_WASM);
  const cpu = await runOn('cpu', inputs, ({ a, b }) => {
    const batch = wasm.shapes[0].slice(0, -2);
    const full = (x: tf.Tensor) => tf.broadcastTo(x, [...batch, ...x.shape.slice(-2)]);
    return tf.matMul(full(a), full(b), tA, tB);
  });
  assert.deepEqual(wasm.shapes, cpu.shapes, `${label}: shapes`);
  const limit = TOLERANCE * Math.max(1, ...cpu.values[0].map(Math.abs));
  assert.ok(maxAbsDiff(wasm.values[0], cpu.values[0]) <= limit, `${label}: differs from cpu`);
  assert.equal(wasm.leakedTensors, 0, `${label}: leaked tensors`);
  assert.equal(wasm.leakedBuffers, 0, `${label}: leaked wasm buffers`);
}

test('BatchMatMul on the native BLAS broadcasts batch dims both ways ([2, 1] × [1, 3] → [2, 3])', { skip: NO_NATIVE }, async () => {
  const inputs = randomInputs(5, { a: [2, 1, 20, 30], b: [1, 3, 25, 30] });
  await assertMatchesBroadcastCpu('rank 4, both ways, transposeB', inputs, false, true);
});

for (const c of cases) {
  test(`BatchMatMul on the native BLAS matches cpu: ${c.label}`, { skip: NO_NATIVE }, async () => {
    const before = nativeProducts();
    await assertMatchesCpu(c.label, randomInputs(11, { a: c.a, b: c.b }), ({ a, b }) => tf.matMul(a, b, c.tA, c.tB), NATIVE_WASM);
    assert.ok(nativeProducts() > before, 'the product ran on the native BLAS');
  });
}

test('BatchMatMul on the native BLAS matches cpu on 30 random shapes, transposes and broadcasts', { skip: NO_NATIVE }, async () => {
  const rng = new Rng(2026);
  const size = () => 1 + Math.floor(rng.uniform() * 70);
  for (let trial = 0; trial < 30; trial++) {
    const [m, k, n] = [size(), size(), size()];
    const [tA, tB] = [rng.uniform() < 0.5, rng.uniform() < 0.5];
    const batches: [number[], number[]][] = [[[], []], [[3], [3]], [[4], []], [[], [2]], [[2, 1], [1, 3]]];
    const [ba, bb] = batches[trial % batches.length];
    const a = [...ba, ...(tA ? [k, m] : [m, k])];
    const b = [...bb, ...(tB ? [n, k] : [k, n])];
    const label = `a ${a} b ${b} tA ${tA} tB ${tB}`;
    await assertMatchesBroadcastCpu(label, randomInputs(trial, { a, b }), tA, tB);
  }
});

test('gradients through native products match cpu, and the step leaves no tensor behind', { skip: NO_NATIVE }, async () => {
  const inputs = randomInputs(3, { x: [16, 24], w: [24, 12], v: [12, 5] });
  const loss = ({ x, w, v }: Record<string, tf.Tensor>) =>
    tf.grads((w: tf.Tensor, v: tf.Tensor) => tf.sum(tf.square(tf.matMul(tf.relu(tf.matMul(x, w)), v))))([w, v]);
  await assertMatchesCpu('grads of a two-layer product', inputs, loss, NATIVE_WASM);
});

test('with native: false the product stays on the wasm route and gives the same numbers', { skip: NO_NATIVE }, async () => {
  const inputs = randomInputs(4, { a: [3, 40, 50], b: [50, 30] });
  const product = ({ a, b }: Record<string, tf.Tensor>) => tf.matMul(a, b);
  const native = await runOn('wasm', inputs, product, NATIVE_WASM);
  const before = nativeProducts();
  const wasm = await runOn('wasm', inputs, product, { threads: 1, native: false });
  assert.equal(nativeProducts(), before, 'no product went to the native BLAS');
  const gap = Math.max(...native.values[0].map((v, i) => Math.abs(v - wasm.values[0][i])));
  assert.ok(gap <= 1e-4, `native and wasm routes differ by ${gap}`);
  await useBackend('wasm', NATIVE_WASM);
});
