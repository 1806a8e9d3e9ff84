/**
 * `_FusedMatMul` (matMul + bias + activation: the forward pass of a dense layer) for the wasm
 * backend, its product on the native BLAS: the output is first filled with the bias rows, then
 * `sgemm` adds A·B to it in place (beta = 1), then the activation runs as the backend's own kernel.
 *
 * With no active BLAS, a non-float32 input, an empty product, or a bias that is not one row of n
 * values, it is trainkit's wasm kernel (kernels/fused_mat_mul.ts), which it replaces in the registry.
 */
import * as tf from '@tensorflow/tfjs-core';
import { _FusedMatMul, util } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { broadcastBatchIndex, matMulShapes } from '../kernels/batch_mat_mul.js';
import { fusedMatMulConfig } from '../kernels/fused_mat_mul.js';
import { backendMemory } from '../kernels/fused_simd.js';
import { kernelScope } from '../kernels/scope.js';
import { reluInPlace } from '../kernels/relu_in_place.js';
import { activeBlas, heapOf } from './blas.js';

/** The backend kernel of each fused activation (none for 'linear'). */
export const ACTIVATION_KERNELS: Record<string, string | undefined> = {
  relu: 'Relu',
  relu6: 'Relu6',
  elu: 'Elu',
  sigmoid: 'Sigmoid',
  leakyrelu: 'LeakyRelu',
  prelu: 'Prelu',
};

function nativeFusedMatMul(args: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
  const { inputs, attrs } = args;
  const backend = args.backend as BackendWasm;
  const a = inputs.a as tf.TensorInfo;
  const b = inputs.b as tf.TensorInfo;
  const bias = inputs.bias as tf.TensorInfo | undefined;
  const activation = String(attrs?.activation ?? 'linear');
  const blas = activeBlas();
  const memory = backendMemory(backend);
  const fallback = () => fusedMatMulConfig.kernelFunc(args) as tf.TensorInfo;
  if (blas === null || memory === undefined || a.dtype !== 'float32' || b.dtype !== 'float32') return fallback();
  if (activation !== 'linear' && ACTIVATION_KERNELS[activation] === undefined) return fallback();
  const transposeA = attrs?.transposeA === true;
  const transposeB = attrs?.transposeB === true;
  const { m, k, n, batchA, batchB, outBatch } = matMulShapes(a.shape, b.shape, transposeA, transposeB);
  if (m * k * n === 0) return fallback();
  if (bias !== undefined && (bias.dtype !== 'float32' || util.sizeFromShape(bias.shape) !== n || bias.shape[bias.shape.length - 1] !== n)) {
    return fallback();
  }
  return kernelScope(backend, (s) => {
    const outBatchSize = util.sizeFromShape(outBatch);
    const out = s.alloc([...outBatch, m, n]);
    const outView = s.view(out);
    if (bias === undefined) outView.fill(0);
    else {
      const row = s.view(bias);
      for (let r = 0; r < outBatchSize * m; r++) outView.set(row, r * n);
    }
    const [pa, pb, pc] = [s.view(a).byteOffset, s.view(b).byteOffset, outView.byteOffset];
    const heap = heapOf(memory);
    const [lda, ldb] = [transposeA ? m : k, transposeB ? k : n];
    if (batchB === 1 && batchA === outBatchSize && !transposeA) {
      blas.sgemm(heap, false, transposeB, batchA * m, n, k, pa, lda, pb, ldb, 1, pc, n);
    } else {
      const [aOuter, bOuter] = [a.shape.slice(0, -2), b.shape.slice(0, -2)];
      for (let i = 0; i < outBatchSize; i++) {
        const ai = batchA === outBatchSize ? i : broadcastBatchIndex(i, outBatch, aOuter);
        const bi = batchB === outBatchSize ? i : broadcastBatchIndex(i, outBatch, bOuter);
        blas.sgemm(heap, transposeA, transposeB, m, n, k, pa + 4 * ai * m * k, lda, pb + 4 * bi * k * n, ldb, 1, pc + 4 * i * m * n, n);
      }
    }
    const kernel = ACTIVATION_KERNELS[activation];
    if (kernel === undefined || (kernel === 'Relu' && reluInPlace(backend, out))) return out;
    if (kernel === 'Prelu') return s.run(kernel, { x: out, alpha: inputs.preluActivationWeights as tf.TensorInfo });
    if (kernel === 'LeakyRelu') return s.run(kernel, { x: out }, { alpha: Number(attrs?.leakyreluAlpha ?? 0.2) });
    return s.run(kernel, { x: out });
  });
}

/** Kernel config: `_FusedMatMul` on wasm, its product on the native BLAS (trainkit's wasm kernel without one). */
export const nativeFusedMatMulConfig: tf.KernelConfig = {
  kernelName: _FusedMatMul,
  backendName: 'wasm',
  kernelFunc: nativeFusedMatMul as tf.KernelFunc,
};
