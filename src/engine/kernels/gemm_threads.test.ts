/**
 * trainkit's SIMD GEMM on two wasm threads (its own process: the thread count is fixed once per
 * process), where the heap is shared and worker threads compute parts of a product; and what
 * happens when a worker dies (the tests run in order: each one starts or kills workers of one pool).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend, backendInfo } from '../backend.js';
import { Rng } from '../rng.js';
import { random, reference, run } from './gemm-fixtures.fixture.js';
import { EngineError } from '../../errors.js';
import { backendMemory } from './fused_simd.js';
import { crashGemmWorker, gemmThreads, gemmWorkers, setGemmThreads, sharedProducts } from './gemm_threads.js';

test('threaded products (workers on the shared wasm heap) give the same bits as single-threaded ones', async () => {
  await useBackend('wasm', { threads: 2, native: false });
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

/** A product of 64×1024×1024 (128 column chunks: every live worker claims some) and its single-threaded bits. */
function bigProduct(seed: number): { a: Float32Array; b: Float32Array; c0: Float32Array; shape: [number, number, number] } {
  const rng = new Rng(seed);
  const shape: [number, number, number] = [64, 1024, 1024];
  return { a: random(rng, 64 * 1024), b: random(rng, 1024 * 1024), c0: random(rng, 64 * 1024), shape };
}

function timed<T>(f: () => T): { value: T; ms: number } {
  const t0 = performance.now();
  const value = f();
  return { value, ms: performance.now() - t0 };
}

/** Runs products until the hooked worker has died (it dies on the first chunk it claims); returns the fatal product's time and outcome. */
function untilWorkerDies(memory: WebAssembly.Memory, thread: number, product: () => Float32Array): { ms: number; result?: Float32Array; error?: unknown } {
  crashGemmWorker(memory, thread);
  for (let attempt = 0; attempt < 200; attempt++) {
    const t0 = performance.now();
    try {
      const result = product();
      const ms = performance.now() - t0;
      if (!gemmWorkers(memory).some((w) => w.thread === thread)) return { ms, result };
    } catch (error) {
      return { ms: performance.now() - t0, error };
    }
  }
  throw new Error(`worker thread ${thread} never claimed a chunk in 200 products`);
}

test('a GEMM worker that is terminated drops out of the pool, and the next products run at once on the threads left', async () => {
  await useBackend('wasm', { threads: 2, native: false });
  const memory = backendMemory(tf.backend())!;
  const { a, b, shape: [m, k, n] } = bigProduct(11);
  setGemmThreads(1);
  const want = run(a, b, m, k, n, false);
  setGemmThreads(3);
  try {
    assert.deepEqual(run(a, b, m, k, n, false), want, 'two workers');
    assert.equal(gemmWorkers(memory).length, 2);
    const [victim, survivor] = gemmWorkers(memory);
    await victim.worker.terminate();
    assert.deepEqual(gemmWorkers(memory).map((w) => w.thread), [survivor.thread], 'its exit handler took it out');
    const shared0 = sharedProducts();
    const after = timed(() => run(a, b, m, k, n, false));
    assert.deepEqual(after.value, want);
    assert.ok(after.ms < 500, `the product took ${after.ms} ms`);
    assert.equal(sharedProducts(), shared0 + 1, 'shared with the surviving worker');
    assert.equal(gemmWorkers(memory).length, 1, 'the dead worker is not replaced');
  } finally {
    setGemmThreads(2);
  }
  assert.equal(tf.memory().numTensors, 0);
});

test('a GEMM worker that dies holding a chunk of a product that overwrites C: the caller redoes the chunk at once, same bits, and warns naming the thread', async () => {
  await useBackend('wasm', { threads: 2, native: false });
  const memory = backendMemory(tf.backend())!;
  const { a, b, shape: [m, k, n] } = bigProduct(12);
  setGemmThreads(1);
  const want = run(a, b, m, k, n, false);
  setGemmThreads(3);
  const warnings: string[] = [];
  const onWarning = (w: Error) => warnings.push(w.message);
  process.on('warning', onWarning);
  try {
    run(a, b, m, k, n, false); // the pool is started
    const [victim] = gemmWorkers(memory);
    // The pool's workers are unref'd: hold the event loop open until this one's exit arrives, or the
    // runner may see nothing pending and cancel the test while the exit is still on its way.
    victim.worker.ref();
    const exited = new Promise((resolve) => victim.worker.once('exit', resolve));
    const fatal = untilWorkerDies(memory, victim.thread, () => run(a, b, m, k, n, false));
    assert.equal(fatal.error, undefined);
    assert.deepEqual(fatal.result, want, 'the abandoned chunk was computed again');
    assert.ok(fatal.ms < 500, `the product took ${fatal.ms} ms`);
    await exited;
    await new Promise((resolve) => setImmediate(resolve));
    assert.ok(warnings.some((w) => w.includes(`GEMM worker thread ${victim.thread} died`) && w.includes('test hook')), warnings.join('\n'));
    const live = gemmWorkers(memory).length;
    for (let i = 0; i < 3; i++) assert.deepEqual(run(a, b, m, k, n, false), want);
    assert.equal(gemmWorkers(memory).length, live, 'no worker replaced the dead one');
    assert.ok(!gemmWorkers(memory).some((w) => w.thread === victim.thread));
  } finally {
    process.off('warning', onWarning);
    setGemmThreads(2);
  }
  assert.equal(tf.memory().numTensors, 0);
});

test('a GEMM worker that dies holding a chunk of a product that adds to C: the product throws an EngineError naming the thread and its error, at once', async () => {
  await useBackend('wasm', { threads: 2, native: false });
  const memory = backendMemory(tf.backend())!;
  const { a, b, c0, shape: [m, k, n] } = bigProduct(13);
  setGemmThreads(1);
  const want = run(a, b, m, k, n, false, c0);
  setGemmThreads(4); // starts a worker that has not died yet
  try {
    assert.deepEqual(run(a, b, m, k, n, false, c0), want);
    const victim = gemmWorkers(memory).at(-1)!;
    const fatal = untilWorkerDies(memory, victim.thread, () => run(a, b, m, k, n, false, c0));
    assert.ok(fatal.error instanceof EngineError, String(fatal.error));
    assert.match(fatal.error.message, new RegExp(`GEMM worker thread ${victim.thread} died .*adds to C.*: Error: GEMM thread ${victim.thread} stopped by the test hook`));
    assert.ok(fatal.ms < 500, `the product took ${fatal.ms} ms`);
    assert.deepEqual(run(a, b, m, k, n, false, c0), want, 'the next product is right');
  } finally {
    setGemmThreads(2);
  }
  assert.equal(tf.memory().numTensors, 0);
});
