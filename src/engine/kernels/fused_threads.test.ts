/**
 * The fused kernels on the threaded wasm build (its own process: the thread count is fixed once
 * per process), where the heap is a SharedArrayBuffer and the SIMD module must import it as a
 * shared memory. Each kernel's outputs must equal the op route's to the bit.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend, backendInfo } from '../backend.js';
import { Rng } from '../rng.js';
import { ADAM_UPDATE } from './fused_adam.js';
import { backendMemory, simdFunction } from './fused_simd.js';
import { fusedAdam, fusedMomentum, fusedRms, installFusedKernels, removeFusedKernels } from './fused_optimizers.js';

test('on two wasm threads the SIMD loop runs on the shared heap and matches the op route bit for bit', async () => {
  await useBackend('wasm', { threads: 2 });
  assert.equal(backendInfo().threads, 2);
  const memory = backendMemory(tf.backend())!;
  assert.ok(memory.buffer instanceof SharedArrayBuffer, 'the threaded heap is shared');
  const simd = { name: ADAM_UPDATE.name, inputs: 3, outputs: 3, constants: ADAM_UPDATE.constants.length, build: ADAM_UPDATE.lanes };
  assert.ok(simdFunction(tf.backend(), simd), 'the SIMD module imports the shared memory');

  const rng = new Rng(5);
  const leaf = (n: number, square = false) =>
    tf.tensor1d(Float32Array.from({ length: n }, () => (square ? rng.normal() ** 2 : rng.normal())));
  const g = { a: leaf(1027), b: leaf(6) };
  const m = { a: leaf(1027), b: leaf(6) };
  const v = { a: leaf(1027, true), b: leaf(6, true) };
  const read = (trees: unknown) => (trees as Record<string, tf.Tensor>[]).flatMap((t) => Object.values(t).map((x) => Array.from(x.dataSync())));
  const routes = () => [
    fusedAdam(g, m, v, { b1: 0.9, b2: 0.999, c1: 3.16, c2: 3e-10 }),
    fusedMomentum(g, m, { decay: 0.9, nesterov: true }),
    fusedRms(g, v, m, { decay: 0.9, eps: 1e-8 }),
  ];
  const fused = routes();
  assert.ok(fused.every((out) => out !== undefined));
  removeFusedKernels();
  try {
    assert.ok(routes().every((out) => out === undefined), 'without the kernels every fused route declines');
  } finally {
    installFusedKernels();
  }
  // The op route, spelled out for the three kernels above.
  const ops = tf.tidy(() => {
    const s = (x: number) => tf.scalar(x);
    const adam = Object.keys(g).map((k) => {
      const [gi, mi, vi] = [g, m, v].map((t) => t[k as 'a']);
      const m1 = tf.add(tf.mul(mi, s(0.9)), tf.mul(gi, s(1 - 0.9)));
      const v1 = tf.add(tf.mul(vi, s(0.999)), tf.mul(tf.square(gi), s(1 - 0.999)));
      return [tf.mul(tf.div(m1, tf.add(tf.sqrt(v1), s(3e-10))), s(3.16)), m1, v1];
    });
    const nesterov = Object.keys(g).map((k) => {
      const nv = tf.add(tf.mul(m[k as 'a'], s(0.9)), g[k as 'a']);
      return [tf.add(g[k as 'a'], tf.mul(nv, s(0.9))), nv];
    });
    const rms = Object.keys(g).map((k) => {
      const [gi, si, mi] = [g, v, m].map((t) => t[k as 'a']);
      const s1 = tf.add(tf.mul(si, s(0.9)), tf.mul(tf.square(gi), s(1 - 0.9)));
      const m1 = tf.add(tf.mul(mi, s(0.9)), tf.mul(gi, s(1 - 0.9)));
      return [tf.div(gi, tf.add(tf.sqrt(tf.sub(s1, tf.square(m1))), s(1e-8))), s1, m1];
    });
    // Regroup leaf-major lists into output-major lists, as `read` reads the fused trees.
    return [adam, nesterov, rms].map((perLeaf) => perLeaf[0].map((_, j) => perLeaf.map((outs) => outs[j])));
  });
  fused.forEach((out, r) => {
    const got = read(out);
    const want = ops[r].flat().map((t) => Array.from(t.dataSync()));
    assert.deepEqual(got, want, `kernel ${r}`);
  });
  tf.dispose([...ops.flat(2), ...Object.values(g), ...Object.values(m), ...Object.values(v)]);
  fused.forEach((out) => tf.dispose(out as unknown as tf.Tensor[]));
});

test('on two wasm threads TrainkitReluGradBias runs on the shared heap: dz as TrainkitReluGrad, db the in-order double sum', async () => {
  await useBackend('wasm', { threads: 2 });
  const { reluGradBias } = await import('./relu_grad_bias.js');
  const { reluGrad } = await import('./fused_relu_grad.js');
  const rng = new Rng(9);
  const shape = [3, 5, 5, 8];
  const n = shape.reduce((a, b) => a * b, 1);
  const dy = tf.tensor(Float32Array.from({ length: n }, () => rng.normal()), shape);
  const y = tf.tensor(Float32Array.from({ length: n }, () => rng.normal()), shape);
  const out = reluGradBias(dy, y);
  assert.ok(out !== undefined, 'the module imports the shared memory');
  const want = reluGrad(dy, y);
  const dz = out[0].dataSync() as Float32Array;
  assert.deepEqual(Array.from(dz), Array.from(want.dataSync()));
  const sums = new Float64Array(8);
  dz.forEach((x, i) => (sums[i % 8] += x));
  assert.deepEqual(Array.from(out[1].dataSync()), Array.from(Float32Array.from(sums)));
  tf.dispose([dy, y, want, ...out]);
});
