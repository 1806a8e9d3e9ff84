/**
 * The fused-kernel machinery: registration, the checks a direct call gets, and the wasm side (the
 * WebAssembly SIMD loop plus the JavaScript tail, heap growth, buffers). The optimizers' numerics
 * on both routes are checked in src/optim/fused.test.ts; the threaded (shared-memory) wasm build in
 * fused_threads.test.ts (another process: the thread count is fixed per process).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../backend.js';
import { Rng } from '../rng.js';
import { EngineError } from '../../errors.js';
import { FUSED_KERNELS, installFusedKernels, removeFusedKernels } from './fused_optimizers.js';
import { ADAM_UPDATE } from './fused_adam.js';
import { LION_UPDATE } from './fused_lion.js';
import { backendMemory, compileSimdModule, simdFunction } from './fused_simd.js';
import { runFusedTree } from './fused_elementwise.js';

const ADAM_ATTRS = { b1: 0.9, b2: 0.999, c1: 3.1622776601683795, c2: 3.1622776601683794e-10 };
const simdOf = (k: typeof ADAM_UPDATE) => ({
  name: k.name,
  inputs: k.inputs.length,
  outputs: k.outputs,
  constants: k.constants.length,
  build: k.lanes,
});

function normals(seed: number, n: number): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: n }, () => rng.normal());
}

/** Runs Adam's fused kernel on the active backend and reads its three outputs. */
function adamOnce(g: Float32Array, m: Float32Array, v: Float32Array): Float32Array[] {
  const inputs = { g: tf.tensor1d(g), m: tf.tensor1d(m), v: tf.tensor1d(v) };
  const out = tf.engine().runKernel(ADAM_UPDATE.name, inputs, ADAM_ATTRS) as unknown as tf.Tensor[];
  const values = out.map((t) => t.dataSync() as Float32Array);
  tf.dispose([...out, ...Object.values(inputs)]);
  return values;
}

test('the fused kernels are registered for cpu and wasm as soon as the engine is imported', () => {
  assert.deepEqual(FUSED_KERNELS, [
    'TrainkitAdamUpdate',
    'TrainkitMomentumUpdate',
    'TrainkitNesterovUpdate',
    'TrainkitRmsUpdate',
    'TrainkitCenteredRmsUpdate',
    'TrainkitRssUpdate',
    'TrainkitLionUpdate',
    'TrainkitDecayUpdate',
    'TrainkitAdamStep',
    'TrainkitAdamL2Step',
    'TrainkitAdamWStep',
  ]);
  for (const name of FUSED_KERNELS) for (const backend of ['cpu', 'wasm']) assert.ok(tf.getKernel(name, backend), `${name} on ${backend}`);
  removeFusedKernels();
  removeFusedKernels();
  assert.ok(FUSED_KERNELS.every((name) => tf.getKernel(name, 'cpu') === undefined && tf.getKernel(name, 'wasm') === undefined));
  assert.deepEqual(installFusedKernels(), FUSED_KERNELS);
  assert.deepEqual(installFusedKernels(), FUSED_KERNELS);
  assert.ok(FUSED_KERNELS.every((name) => tf.getKernel(name, 'cpu') !== undefined && tf.getKernel(name, 'wasm') !== undefined));
});

for (const backend of ['cpu', 'wasm'] as const) {
  test(`a direct call on ${backend} rejects a non-float32 input or a shape mismatch, naming it, and allocates nothing`, async () => {
    await useBackend(backend, backend === 'wasm' ? { threads: 1 } : {});
    const g = tf.ones([4]);
    const buffers = tf.backend().numDataIds();
    const run = (inputs: Record<string, tf.Tensor>) => () => tf.engine().runKernel(ADAM_UPDATE.name, inputs, ADAM_ATTRS);
    const int = tf.zeros([4], 'int32');
    const long = tf.zeros([5]);
    assert.throws(run({ g, m: int, v: g }), (e: unknown) => e instanceof EngineError && /input m is int32/.test(e.message));
    assert.throws(run({ g, m: g, v: long }), (e: unknown) => e instanceof EngineError && /input v has shape \[5\]/.test(e.message));
    assert.throws(run({ g, m: g }), (e: unknown) => e instanceof EngineError && /input v is missing/.test(e.message));
    assert.equal(tf.backend().numDataIds(), buffers + 2, 'only the two inputs made here');
    tf.dispose([g, int, long]);
  });
}

test('runFusedTree refuses an unknown kernel and a wrong number of trees', async () => {
  await useBackend('cpu');
  const g = tf.ones([2]);
  assert.throws(() => runFusedTree('NoSuchKernel', {}, g), EngineError);
  assert.throws(() => runFusedTree(ADAM_UPDATE.name, {}, g, g), /takes 3 trees, got 2/);
  g.dispose();
});

test('the SIMD modules are valid WebAssembly for a shared and an unshared memory', () => {
  for (const k of [ADAM_UPDATE, LION_UPDATE]) {
    for (const shared of [false, true]) assert.ok(WebAssembly.validate(compileSimdModule(simdOf(k), shared)), `${k.name} shared=${shared}`);
  }
});

test('wasm runs the SIMD loop even without the kernel fixes, and its results are cpu’s to the bit for every length mod 4', async () => {
  await useBackend('wasm', { threads: 1, fixes: false });
  assert.ok(backendMemory(tf.backend()) instanceof WebAssembly.Memory, 'the wasm backend’s memory is found');
  assert.ok(simdFunction(tf.backend(), simdOf(ADAM_UPDATE)), 'the SIMD loop builds on this Node');
  const lengths = [0, 1, 3, 4, 5, 8, 17, 1001];
  const inputs = lengths.map((n, i) => [normals(10 + i, n), normals(20 + i, n), normals(30 + i, n).map((x) => x * x)]);
  const onWasm = inputs.map(([g, m, v]) => adamOnce(g, m, v));
  await useBackend('cpu');
  const onCpu = inputs.map(([g, m, v]) => adamOnce(g, m, v));
  lengths.forEach((n, i) => {
    for (let k = 0; k < 3; k++) {
      assert.equal(onWasm[i][k].length, n);
      assert.deepEqual(onWasm[i][k], onCpu[i][k], `length ${n}, output ${k}`);
    }
  });
  await useBackend('wasm', { threads: 1 });
});

test('the optimizer kernels flush subnormal outputs to +0 on cpu and in wasm’s SIMD lanes and tail; NaN, ±∞ and normals pass', async () => {
  // Momentum with g = 0: v ← 0.9·v. Subnormal in or out → +0; the smallest normal times 0.9 is subnormal.
  const tiny = 2 ** -149;
  const cases = [tiny, -tiny, 1e-39, -1e-39, 2 ** -126, 1e-30, -1e-30, NaN, Infinity, -Infinity, 1, -0];
  const expected = [0, 0, 0, 0, 0, Math.fround(Math.fround(1e-30) * Math.fround(0.9)), -Math.fround(Math.fround(1e-30) * Math.fround(0.9)), NaN, Infinity, -Infinity, Math.fround(0.9), 0];
  const v = Float32Array.from([...cases, ...cases, ...cases.slice(0, 3)]); // 27 values: SIMD lanes, then a tail of 3
  const run = () => {
    const g = tf.zeros([v.length]);
    const vt = tf.tensor1d(v);
    const [out] = runFusedTree('TrainkitMomentumUpdate', { decay: 0.9, nesterov: false }, g, vt)! as tf.Tensor[];
    const values = Array.from(out.dataSync());
    tf.dispose([g, vt, out]);
    return values;
  };
  for (const backend of ['wasm', 'cpu'] as const) {
    await useBackend(backend, { threads: 1 });
    const values = run();
    values.forEach((x, i) => assert.ok(Object.is(x, expected[i % cases.length]) || (Number.isNaN(x) && Number.isNaN(expected[i % cases.length])), `${backend}[${i}]: ${x} for 0.9 × ${v[i]}, expected ${expected[i % cases.length]}`));
  }
  await useBackend('wasm', { threads: 1 });
});

test('on wasm the SIMD loop writes the right buffers when its outputs make the heap grow', async () => {
  await useBackend('wasm', { threads: 1 });
  const memory = backendMemory(tf.backend())!;
  const n = 3 * (1 << 20) + 3; // 12 MB per tensor
  const [g, m, v] = [normals(1, n), normals(2, n), normals(3, n).map((x) => x * x)];
  const inputs = { g: tf.tensor1d(g), m: tf.tensor1d(m), v: tf.tensor1d(v) };
  const heapWithInputs = memory.buffer.byteLength;
  const out = tf.engine().runKernel(ADAM_UPDATE.name, inputs, ADAM_ATTRS) as unknown as tf.Tensor[];
  assert.ok(memory.buffer.byteLength > heapWithInputs, 'the outputs grew the heap (views taken before would be detached)');
  const [u, m1, v1] = out.map((t) => t.dataSync() as Float32Array);
  tf.dispose([...out, ...Object.values(inputs)]);
  const f = Math.fround;
  const [b1, a1, b2, a2, c1, c2] = ADAM_UPDATE.resolve(ADAM_ATTRS);
  for (const i of [0, 1, 2, 3, 4, n >> 1, n - 4, n - 3, n - 1]) {
    const mi = f(f(m[i] * b1) + f(g[i] * a1));
    const vi = f(f(v[i] * b2) + f(f(g[i] * g[i]) * a2));
    assert.equal(m1[i], mi, `m[${i}]`);
    assert.equal(v1[i], vi, `v[${i}]`);
    assert.equal(u[i], f(f(mi / f(f(Math.sqrt(vi)) + c2)) * c1), `u[${i}]`);
  }
});

test('the SIMD sign is 1, −1 or 0 (for ±0 and NaN) like cpu’s, in every lane and in the tail', async () => {
  const g = Float32Array.of(1e-30, -1e-30, 0, -0, NaN, Infinity, -Infinity, 3, -3);
  const zeros = new Float32Array(g.length);
  const run = () => {
    const inputs = { g: tf.tensor1d(g), m: tf.tensor1d(zeros) };
    const [u, m1] = tf.engine().runKernel(LION_UPDATE.name, inputs, { b1: 0, b2: 0.5 }) as unknown as tf.Tensor[];
    const out = Array.from(u.dataSync());
    tf.dispose([u, m1, ...Object.values(inputs)]);
    return out;
  };
  await useBackend('wasm', { threads: 1 });
  const wasm = run();
  await useBackend('cpu');
  assert.deepEqual(wasm, [1, -1, 0, 0, 0, 1, -1, 1, -1]);
  assert.deepEqual(run(), wasm);
});

test('fused kernels on wasm free their outputs when disposed: no buffer and no heap left behind', async () => {
  await useBackend('wasm', { threads: 1 });
  const n = 1 << 16;
  const [g, m, v] = [normals(4, n), normals(5, n), normals(6, n).map((x) => x * x)];
  adamOnce(g, m, v); // warm-up: the heap may grow once
  const memory = backendMemory(tf.backend())!;
  const [buffers, tensors, heap] = [tf.backend().numDataIds(), tf.memory().numTensors, memory.buffer.byteLength];
  for (let i = 0; i < 50; i++) adamOnce(g, m, v);
  assert.equal(tf.backend().numDataIds(), buffers);
  assert.equal(tf.memory().numTensors, tensors);
  assert.equal(memory.buffer.byteLength, heap, 'the heap did not grow: freed memory is reused');
});
