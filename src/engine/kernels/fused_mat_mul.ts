/**
 * `_FusedMatMul` (matMul + bias + activation, what dense layers call) for the wasm backend.
 *
 * It shares the shipped BatchMatMul's C++ path, so it has the same defect: a transposed operand
 * or a batch leaves XNNPACK for a scalar loop. This kernel transposes explicitly and stacks the
 * rows of a batch that shares `b`, then calls the shipped kernel on the plain product (bias and
 * activation stay fused); rank-2 operands are reshaped to a batch of one for it, and the output
 * back. Other cases (batched `b`, PReLU on a batch) go to the shipped kernel.
 */
import * as tf from '@tensorflow/tfjs-core';
import { _FusedMatMul } from '@tensorflow/tfjs-core';
import { kernelScope } from './scope.js';
import { originalKernel } from './registry.js';
import { matMulShapes, plainOperand } from './batch_mat_mul.js';

function fusedMatMul(args: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
  const { inputs, backend, attrs } = args;
  const a = inputs.a as tf.TensorInfo;
  const b = inputs.b as tf.TensorInfo;
  const transposeA = attrs?.transposeA === true;
  const transposeB = attrs?.transposeB === true;
  const shipped = originalKernel(_FusedMatMul)!;
  if (a.dtype !== 'float32' || b.dtype !== 'float32') return shipped.kernelFunc(args) as tf.TensorInfo;
  const { m, k, n, batchA, batchB, outBatch } = matMulShapes(a.shape, b.shape, transposeA, transposeB);
  const stackable = batchB === 1 && (batchA === 1 || inputs.preluActivationWeights == null);
  // The shipped kernel reads rank-3 operands; trainkit's dense layers pass rank 2 (fused_activation.ts).
  const plain = !transposeA && !transposeB && batchA === 1 && a.shape.length === 3 && b.shape.length === 3;
  if (m * k * n === 0 || !stackable || plain) {
    return shipped.kernelFunc(args) as tf.TensorInfo;
  }
  return kernelScope(backend, (s) => {
    const a3 = s.reshape(plainOperand(s, a, batchA, m, k, transposeA), [1, batchA * m, k]);
    const b3 = plainOperand(s, b, 1, k, n, transposeB);
    const out = shipped.kernelFunc({
      inputs: { ...inputs, a: a3, b: b3 },
      backend,
      attrs: { ...attrs, transposeA: false, transposeB: false },
    }) as tf.TensorInfo;
    return s.reshape(s.adopt(out), [...outBatch, m, n]);
  });
}

/** Kernel config: `_FusedMatMul` on wasm with explicit transposes, on XNNPACK's GEMM. */
export const fusedMatMulConfig: tf.KernelConfig = {
  kernelName: _FusedMatMul,
  backendName: 'wasm',
  kernelFunc: fusedMatMul as tf.KernelFunc,
};
