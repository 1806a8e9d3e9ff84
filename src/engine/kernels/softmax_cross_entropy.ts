/**
 * Softmax cross-entropy on class labels as one kernel forward and one backward, for cpu and wasm:
 * `TrainkitSoftmaxCrossEntropy` (logits [b, C] and int32 labels [b] → per-example losses [b] and the
 * softmax [b, C]) and `TrainkitSoftmaxCrossEntropyGrad` (dy [b], the softmax and the labels →
 * dlogits [b, C] = dy_i·(p_ic − y_ic)).
 *
 * The op route (`oneHot`, `cast`, `logSoftmax`, `mul`, `sum`, `neg`) runs ~10 kernels forward and
 * ~12 backward, each one a tfjs dispatch, a tape record and an allocation: on a small classifier
 * (an MLP's 128 × 10 logits) their bookkeeping, not their arithmetic, is the cost. Here one pass per
 * row: the row maximum, Σ exp(s − max) and the loss in double precision, rounded once to float32
 * (so the values are those of the op route within a few float32 ulps, and no logit overflows). The
 * labels' row y is one-hot, smoothed to (1 − ε)·onehot + ε/C with label smoothing ε; a label
 * outside [0, C) gives a row of zeros (+ ε/C), as `tf.oneHot` does. A class whose target weight is
 * 0 adds nothing, even at a logit of −∞ (finite loss, as torch.nn.CrossEntropyLoss), where the op
 * route's 0·(−∞) makes the loss NaN. The arithmetic is a JavaScript
 * loop on both backends (on wasm over the backend's heap): for b·C up to `MAX_FUSED_ELEMENTS` it
 * takes microseconds; larger problems keep the op route and its SIMD kernels.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { EngineError } from '../../errors.js';

export const SOFTMAX_CROSS_ENTROPY = 'TrainkitSoftmaxCrossEntropy';
export const SOFTMAX_CROSS_ENTROPY_GRAD = 'TrainkitSoftmaxCrossEntropyGrad';

/** Logit counts (b·C) above which the op route, whose kernels are SIMD, is used instead. */
export const MAX_FUSED_ELEMENTS = 1 << 16;

/** Reads a tensor's values and allocates an output, on either backend. */
interface Arrays {
  read(t: tf.TensorInfo): Float32Array | Int32Array;
  /** A new float32 output and a function returning its values (call it after the last allocation). */
  alloc(shape: number[]): [tf.TensorInfo, () => Float32Array];
}

function cpuArrays(backend: MathBackendCPU): Arrays {
  return {
    read: (t) => backend.data.get(t.dataId).values as Float32Array | Int32Array,
    alloc: (shape) => {
      const values = new Float32Array(tf.util.sizeFromShape(shape));
      return [backend.makeTensorInfo(shape, 'float32', values), () => values];
    },
  };
}

function wasmArrays(backend: BackendWasm): Arrays {
  return {
    read: (t) => backend.typedArrayFromHeap(t) as Float32Array | Int32Array,
    // A view taken after every allocation of the call (an allocation may grow, and so detach, the heap).
    alloc: (shape) => {
      const info = backend.makeOutput(shape, 'float32');
      return [info, () => backend.typedArrayFromHeap(info) as Float32Array];
    },
  };
}

function arraysOf(backend: tf.KernelBackend): Arrays {
  return tf.getBackend() === 'cpu' ? cpuArrays(backend as MathBackendCPU) : wasmArrays(backend as BackendWasm);
}

function checkShapes(kernel: string, logits: tf.TensorInfo, labels: tf.TensorInfo): [number, number] {
  if (logits.shape.length !== 2 || logits.dtype !== 'float32')
    throw new EngineError(`${kernel}: logits must be float32 [batch, classes], got ${logits.dtype} [${logits.shape}]`);
  if (labels.dtype !== 'int32' || labels.shape.length !== 1 || labels.shape[0] !== logits.shape[0])
    throw new EngineError(`${kernel}: labels must be int32 [${logits.shape[0]}], got ${labels.dtype} [${labels.shape}]`);
  return [logits.shape[0], logits.shape[1]];
}

/** The target weight of class c in a row whose label is `label` (one-hot, smoothed by ε over C classes). */
function target(c: number, label: number, smoothing: number, classes: number): number {
  return (c === label ? 1 - smoothing : 0) + smoothing / classes;
}

function forward({ inputs, backend, attrs }: Parameters<tf.KernelFunc>[0]): tf.TensorInfo[] {
  const logits = inputs.logits as tf.TensorInfo;
  const labels = inputs.labels as tf.TensorInfo;
  const [b, classes] = checkShapes(SOFTMAX_CROSS_ENTROPY, logits, labels);
  const smoothing = Number(attrs?.smoothing ?? 0);
  const a = arraysOf(backend as tf.KernelBackend);
  const [lossInfo, lossView] = a.alloc([b]);
  const [probsInfo, probsView] = a.alloc([b, classes]);
  const [s, y, loss, probs] = [a.read(logits), a.read(labels), lossView(), probsView()];
  for (let i = 0; i < b; i++) {
    const row = i * classes;
    let max = -Infinity;
    for (let c = 0; c < classes; c++) max = Math.max(max, s[row + c]);
    let sum = 0;
    for (let c = 0; c < classes; c++) sum += Math.exp(s[row + c] - max);
    const logSum = Math.log(sum);
    let l = 0;
    const label = y[i];
    for (let c = 0; c < classes; c++) {
      const logP = s[row + c] - max - logSum;
      probs[row + c] = Math.exp(logP);
      const t = target(c, label, smoothing, classes);
      if (t !== 0) l -= t * logP;
    }
    loss[i] = l;
  }
  return [lossInfo, probsInfo];
}

function backward({ inputs, backend, attrs }: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
  const dy = inputs.dy as tf.TensorInfo;
  const probs = inputs.probs as tf.TensorInfo;
  const labels = inputs.labels as tf.TensorInfo;
  const [b, classes] = checkShapes(SOFTMAX_CROSS_ENTROPY_GRAD, probs, labels);
  if (dy.shape.length !== 1 || dy.shape[0] !== b) throw new EngineError(`${SOFTMAX_CROSS_ENTROPY_GRAD}: dy must be [${b}], got [${dy.shape}]`);
  const smoothing = Number(attrs?.smoothing ?? 0);
  const a = arraysOf(backend as tf.KernelBackend);
  const [outInfo, outView] = a.alloc([b, classes]);
  const [g, p, y, out] = [a.read(dy), a.read(probs), a.read(labels), outView()];
  for (let i = 0; i < b; i++) {
    const row = i * classes;
    // Σ_c y_c is 1 for a label in range (and ε for one outside): d/ds_c = dy·(p_c·Σy − y_c).
    const label = y[i];
    const total = label >= 0 && label < classes ? 1 : smoothing;
    for (let c = 0; c < classes; c++) out[row + c] = g[i] * (p[row + c] * total - target(c, label, smoothing, classes));
  }
  return outInfo;
}

for (const backendName of ['cpu', 'wasm']) {
  tf.registerKernel({ kernelName: SOFTMAX_CROSS_ENTROPY, backendName, kernelFunc: forward as tf.KernelFunc });
  tf.registerKernel({ kernelName: SOFTMAX_CROSS_ENTROPY_GRAD, backendName, kernelFunc: backward as tf.KernelFunc });
}

/**
 * The per-example softmax cross-entropy [b] of `logits` [b, C] against int32 `labels` [b] (label
 * smoothing ε), differentiable in the logits, through the two kernels; or `undefined` where they
 * do not apply (another backend, logits not float32 [b, C], more than MAX_FUSED_ELEMENTS logits):
 * the caller takes its op route. The labels get no gradient (they are integers).
 *
 * @example
 * const perExample = fusedSoftmaxCrossEntropy(logits, labels, 0.1) ?? opRoute(logits, labels);
 */
export function fusedSoftmaxCrossEntropy(logits: tf.Tensor, labels: tf.Tensor, smoothing = 0): tf.Tensor | undefined {
  const backend = tf.getBackend();
  if (backend !== 'cpu' && backend !== 'wasm') return undefined;
  if (tf.getKernel(SOFTMAX_CROSS_ENTROPY, backend) === undefined) return undefined;
  if (logits.rank !== 2 || logits.dtype !== 'float32' || labels.dtype !== 'int32' || labels.rank !== 1) return undefined;
  if (logits.size > MAX_FUSED_ELEMENTS || logits.size === 0) return undefined;
  const attrs = { smoothing };
  // customGrad's inputs are its tensors followed by the save function (its typing is looser).
  const op = tf.customGrad(((x: tf.Tensor, save: tf.GradSaveFunc) => {
    const [loss, probs] = tf.engine().runKernel(SOFTMAX_CROSS_ENTROPY, { logits: x, labels }, attrs) as unknown as tf.Tensor[];
    save([probs]);
    return {
      value: loss,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.engine().runKernel(SOFTMAX_CROSS_ENTROPY_GRAD, { dy, probs: saved[0], labels }, attrs) as tf.Tensor,
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return op(logits) as tf.Tensor;
}
