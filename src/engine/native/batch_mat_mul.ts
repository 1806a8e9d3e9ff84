/**
 * `BatchMatMul` for the wasm backend on the native BLAS: one `sgemm` per batch element, reading
 * both operands in place on the wasm heap (a transposed operand is a BLAS flag, not a copy) and
 * writing straight into the output tensor. A batch of `a` against one plain `b` is one `sgemm` on
 * the stacked rows. Batch dims broadcast both ways (`[2, 1, m, k] × [1, 3, k, n]` → `[2, 3, m, n]`).
 *
 * With no active BLAS, a non-float32 input or an empty product, it is trainkit's wasm kernel
 * (kernels/batch_mat_mul.ts), which it replaces in the registry.
 */
import * as tf from '@tensorflow/tfjs-core';
import { BatchMatMul, util } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { batchMatMulConfig, broadcastBatchIndex, matMulShapes } from '../kernels/batch_mat_mul.js';
import { backendMemory } from '../kernels/fused_simd.js';
import { activeBlas, heapOf } from './blas.js';

function nativeBatchMatMul(args: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
  const { inputs, attrs } = args;
  const backend = args.backend as BackendWasm;
  const a = inputs.a as tf.TensorInfo;
  const b = inputs.b as tf.TensorInfo;
  const blas = activeBlas();
  const memory = backendMemory(backend);
  if (blas === null || memory === undefined || a.dtype !== 'float32' || b.dtype !== 'float32') {
    return batchMatMulConfig.kernelFunc(args) as tf.TensorInfo;
  }
  const transposeA = attrs?.transposeA === true;
  const transposeB = attrs?.transposeB === true;
  const { m, k, n, batchA, batchB, outBatch } = matMulShapes(a.shape, b.shape, transposeA, transposeB);
  if (m * k * n === 0) return batchMatMulConfig.kernelFunc(args) as tf.TensorInfo;
  const outBatchSize = util.sizeFromShape(outBatch);
  const out = backend.makeOutput([...outBatch, m, n], 'float32');
  // Addresses after the output's allocation: it may have grown (and replaced) the heap's buffer.
  const [pa, pb, pc] = [a, b, out].map((t) => (backend.typedArrayFromHeap(t) as Float32Array).byteOffset);
  const heap = heapOf(memory);
  const [lda, ldb] = [transposeA ? m : k, transposeB ? k : n];
  if (batchB === 1 && batchA === outBatchSize && !transposeA) {
    blas.sgemm(heap, false, transposeB, batchA * m, n, k, pa, lda, pb, ldb, 0, pc, n);
    return out;
  }
  const [aOuter, bOuter] = [a.shape.slice(0, -2), b.shape.slice(0, -2)];
  for (let i = 0; i < outBatchSize; i++) {
    const ai = batchA === outBatchSize ? i : broadcastBatchIndex(i, outBatch, aOuter);
    const bi = batchB === outBatchSize ? i : broadcastBatchIndex(i, outBatch, bOuter);
    blas.sgemm(heap, transposeA, transposeB, m, n, k, pa + 4 * ai * m * k, lda, pb + 4 * bi * k * n, ldb, 0, pc + 4 * i * m * n, n);
  }
  return out;
}

/** Kernel config: `BatchMatMul` on wasm through the native BLAS (trainkit's wasm kernel without one). */
export const nativeBatchMatMulConfig: tf.KernelConfig = {
  kernelName: BatchMatMul,
  backendName: 'wasm',
  kernelFunc: nativeBatchMatMul as tf.KernelFunc,
};
