import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { Rng } from '../rng.js';
import { useBackend } from '../backend.js';
import { backendMemory } from '../kernels/fused_simd.js';
import { random, reference, run } from '../kernels/gemm-fixtures.fixture.js';
import { maxAbsDiff } from '../kernels/oracle.fixture.js';
import { nativeGemm } from './gemm.js';
import { nativeProducts } from './blas.js';
import { NATIVE_WASM, NO_NATIVE } from './native.fixture.js';

/** Float32 sums in another order than the reference's: a relative gap of ~1e-6 per k terms. */
function assertClose(got: Float32Array, want: Float32Array, label: string): void {
  const limit = 1e-4 * Math.max(1, ...want.map(Math.abs));
  assert.ok(maxAbsDiff(got, want) <= limit, `${label}: differs by ${maxAbsDiff(got, want)} (limit ${limit})`);
}

test('gemm on the native BLAS matches the float32 reference, plain and transposed, overwriting and adding', { skip: NO_NATIVE }, async () => {
  await useBackend('wasm', NATIVE_WASM);
  const rng = new Rng(17);
  for (const [m, k, n] of [[1, 1, 1], [7, 13, 5], [96, 300, 64], [40, 600, 136], [33, 1, 9]] as [number, number, number][]) {
    for (const transposeA of [false, true]) {
      const [a, b, c0] = [random(rng, m * k), random(rng, k * n), random(rng, m * n)];
      const before = nativeProducts();
      assertClose(run(a, b, m, k, n, transposeA), reference(a, b, m, k, n, transposeA), `${m}x${k}x${n} tA ${transposeA}`);
      assertClose(run(a, b, m, k, n, transposeA, c0), reference(a, b, m, k, n, transposeA, c0), `${m}x${k}x${n} tA ${transposeA} +C`);
      assert.ok(nativeProducts() >= before + 2, 'both products ran on the native BLAS');
    }
  }
  assert.equal(tf.memory().numTensors, 0);
});

test('an A read with overlapping rows (shifted windows) is cut into blocks BLAS can take', { skip: NO_NATIVE }, async () => {
  await useBackend('wasm', NATIVE_WASM);
  const backend = tf.backend() as BackendWasm;
  // A[r, q] = x[r + 3q]: unit row stride, column stride 3 floats, 8 rows (rows overlap: 8 > 3).
  const [m, k, n, step] = [8, 20, 6, 3];
  const rng = new Rng(5);
  const xs = random(rng, m + step * k);
  const bs = random(rng, k * n);
  const [x, b, c] = [tf.tensor(xs), tf.tensor(bs), tf.zeros([m, n])];
  const ptr = (t: tf.Tensor) => (backend.typedArrayFromHeap(t as unknown as tf.TensorInfo) as Float32Array).byteOffset;
  const done = nativeGemm(backendMemory(backend), {
    a: { ptr: ptr(x), rowStride: 4, colStride: 4 * step },
    b: { ptr: ptr(b), rowStride: 4 * n, colStride: 4 },
    c: { ptr: ptr(c), rowStride: 4 * n, colStride: 4 },
    m,
    k,
    n,
  });
  assert.equal(done, true);
  const a = Float32Array.from({ length: m * k }, (_, i) => xs[Math.floor(i / k) + step * (i % k)]);
  assertClose(c.dataSync() as Float32Array, reference(a, bs, m, k, n, false), 'overlapping rows');
  tf.dispose([x, b, c]);
});

test('strides BLAS cannot take (A strided both ways) are refused, for the wasm GEMM to compute', { skip: NO_NATIVE }, async () => {
  await useBackend('wasm', NATIVE_WASM);
  const memory = backendMemory(tf.backend());
  const plain = { ptr: 0, rowStride: 16, colStride: 4 };
  assert.equal(nativeGemm(memory, { a: { ptr: 0, rowStride: 8, colStride: 8 }, b: plain, c: plain, m: 2, k: 2, n: 4 }), false);
  assert.equal(nativeGemm(memory, { a: plain, b: { ptr: 0, rowStride: 8, colStride: 4 }, c: plain, m: 2, k: 4, n: 4 }), false, 'ldb < n');
});

test('with native kernels off, nativeGemm declines every product', async () => {
  await useBackend('wasm', { threads: 1, native: false });
  const plain = { ptr: 0, rowStride: 16, colStride: 4 };
  assert.equal(nativeGemm(backendMemory(tf.backend()), { a: plain, b: plain, c: plain, m: 1, k: 4, n: 4 }), false);
});
