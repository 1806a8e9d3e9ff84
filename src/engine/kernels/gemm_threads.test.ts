/**
 * trainkit's SIMD GEMM on two wasm threads (its own process: the thread count is fixed once per
 * process), where the heap is shared and worker threads compute parts of a product.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend, backendInfo } from '../backend.js';
import { Rng } from '../rng.js';
import { random, reference, run } from './gemm-fixtures.fixture.js';
import { gemmThreads, setGemmThreads, sharedProducts } from './gemm_threads.js';

test('threaded products (workers on the shared wasm heap) give the same bits as single-threaded ones', async () => {
  await useBackend('wasm', { threads: 2 });
  assert.equal(backendInfo().threads, 2);
  assert.equal(gemmThreads(), 2, 'the engine gives the GEMM as many threads as XNNPACK');
  const rng = new Rng(8);
  try {
    for (const [m, k, n] of [[96, 300, 64], [512, 64, 8], [40, 600, 136]] as [number, number, number][]) {
      const a = random(rng, m * k);
      const b = random(rng, k * n);
      setGemmThreads(1);
      const shared0 = sharedProducts();
      const one = run(a, b, m, k, n, false);
      assert.equal(sharedProducts(), shared0, 'one thread: nothing shared');
      setGemmThreads(3);
      const three = run(a, b, m, k, n, false);
      const threeT = run(a, b, m, k, n, true);
      assert.equal(sharedProducts(), shared0 + 2, 'both products were shared with the workers');
      assert.deepEqual(three, one, `${m}x${k}x${n}`);
      assert.deepEqual(three, reference(a, b, m, k, n, false));
      assert.deepEqual(threeT, reference(a, b, m, k, n, true));
    }
  } finally {
    setGemmThreads(2);
  }
  assert.equal(tf.memory().numTensors, 0);
});
