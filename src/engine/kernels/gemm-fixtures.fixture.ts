/**
 * Shared helpers of the GEMM tests (no tests here; *.fixture.ts: the build leaves it out of dist/
 * and the test runner does not load it as a test file).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { Rng } from '../rng.js';
import { gemm } from './gemm.js';

/** Float32 reference, summing over p in ascending order like the kernels (so bits must agree). */
export function reference(a: Float32Array, b: Float32Array, m: number, k: number, n: number, transposeA: boolean, c0?: Float32Array): Float32Array {
  const c = new Float32Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = c0 === undefined ? 0 : c0[i * n + j];
      for (let p = 0; p < k; p++) s = Math.fround(s + Math.fround((transposeA ? a[p * m + i] : a[i * k + p]) * b[p * n + j]));
      c[i * n + j] = s;
    }
  }
  return c;
}

export function random(rng: Rng, size: number): Float32Array {
  return Float32Array.from({ length: size }, () => rng.normal());
}

/** Runs gemm on wasm tensors and returns C (disposing the tensors, also when gemm throws). */
export function run(aValues: Float32Array, bValues: Float32Array, m: number, k: number, n: number, transposeA: boolean, c0?: Float32Array): Float32Array {
  const be = tf.backend() as BackendWasm;
  const [a, b, c] = [tf.tensor(aValues), tf.tensor(bValues), tf.tensor(c0 ?? new Float32Array(m * n))];
  const view = (t: tf.Tensor) => be.typedArrayFromHeap(t as unknown as tf.TensorInfo) as Float32Array;
  try {
    gemm(be, {
      a: transposeA ? { ptr: view(a).byteOffset, rowStride: 4, colStride: 4 * m } : { ptr: view(a).byteOffset, rowStride: 4 * k, colStride: 4 },
      b: { ptr: view(b).byteOffset, rowStride: 4 * n, colStride: 4 },
      c: { ptr: view(c).byteOffset, rowStride: 4 * n, colStride: 4 },
      m,
      k,
      n,
      accumulate: c0 !== undefined,
    });
    return c.dataSync() as Float32Array;
  } finally {
    tf.dispose([a, b, c]);
  }
}
