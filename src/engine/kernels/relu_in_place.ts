/**
 * ReLU applied in place to a buffer a kernel has just written (the output of a native product or
 * convolution), instead of the backend's `Relu` kernel, which reads it and writes a second buffer
 * as large: on the benchmark CNN its two [64, 26, 26, 32] and [64, 24, 24, 64] conv outputs.
 *
 * The values are the wasm backend's `Relu`'s, bit for bit: x for x > 0 (subnormals too), +0 for
 * x ≤ 0 (−0 included); and the canonical NaN (0x7fc00000) for every NaN, which the shipped kernel
 * gives in its SIMD loop but not in its scalar tail (there fmax turns NaN into 0): a diverged layer
 * always shows NaN to the NaN-loss guard.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { lanes as L, simdFunction, type SimdKernel } from './fused_simd.js';

const RELU: SimdKernel = {
  name: 'trainkit.relu',
  inputs: 1,
  outputs: 1,
  constants: 2,
  build: ([x], [zero, nan]) => [L.select(L.gt(x, zero), x, L.and(L.ne(x, x), nan))],
};

/**
 * ReLU on `t`'s own buffer (float32, on the wasm backend `backend`); false, with nothing done, where
 * the SIMD loop cannot be built (then run the backend's `Relu`).
 *
 * @example
 * if (!reluInPlace(backend, y)) return s.run('Relu', { x: y });
 */
export function reluInPlace(backend: unknown, t: tf.TensorInfo): boolean {
  const run = simdFunction(backend, RELU);
  if (run === undefined || t.dtype !== 'float32') return false;
  const x = (backend as BackendWasm).typedArrayFromHeap(t) as Float32Array;
  const simdCount = x.length - (x.length % 4);
  if (simdCount > 0) run(x.byteOffset, x.byteOffset, simdCount, 0, NaN);
  for (let i = simdCount; i < x.length; i++) {
    const v = x[i];
    x[i] = v > 0 ? v : v !== v ? NaN : 0;
  }
  return true;
}
