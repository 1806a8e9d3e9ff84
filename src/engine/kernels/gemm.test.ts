import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../backend.js';
import { Rng } from '../rng.js';
import { gemmAvailable } from './gemm.js';
import { K_BLOCK } from './gemm_simd.js';
import { random, reference, run } from './gemm-fixtures.fixture.js';
import { chunking, setGemmThreads } from './gemm_threads.js';

const SHAPES: [number, number, number][] = [
  [4, 3, 8], // one tile
  [7, 5, 13], // row and column remainders
  [1, 9, 8], // a single row (1-row kernel only)
  [12, 2 * K_BLOCK + 7, 16], // several blocks of the shared dimension
  [33, 40, 72], // several column chunks (threads take them in turn)
  [64, 20, 8], // few columns: chunks of rows
  [3, 4, 5], // columns only in the scalar remainder
];

test('the SIMD GEMM gives the float32 product bit for bit, plain and transposed A, overwrite and accumulate', async () => {
  await useBackend('wasm', { threads: 1, native: false });
  assert.ok(gemmAvailable(tf.backend()), 'SIMD GEMM available on wasm in Node');
  const rng = new Rng(7);
  for (const [m, k, n] of SHAPES) {
    for (const transposeA of [false, true]) {
      const a = random(rng, m * k);
      const b = random(rng, k * n);
      assert.deepEqual(run(a, b, m, k, n, transposeA), reference(a, b, m, k, n, transposeA), `${m}x${k}x${n} transposeA=${transposeA}`);
      const c0 = random(rng, m * n);
      assert.deepEqual(run(a, b, m, k, n, transposeA, c0), reference(a, b, m, k, n, transposeA, c0), `${m}x${k}x${n} accumulate`);
    }
  }
});

test('chunking: column blocks when there are enough for every thread, else row blocks covering every row', () => {
  assert.deepEqual(chunking(128, 512, 2), { byRows: false, size: 8, chunks: 64 });
  const rows = chunking(100, 8, 2);
  assert.equal(rows.byRows, true);
  assert.equal(rows.size % 4, 0);
  assert.ok(rows.size * rows.chunks >= 100 && rows.size * (rows.chunks - 1) < 100);
});

test('setGemmThreads rejects what is not an integer in [1, 8], naming it', () => {
  assert.throws(() => setGemmThreads(0), /\[1, 8\], got 0/);
  assert.throws(() => setGemmThreads(2.5), /got 2.5/);
});
