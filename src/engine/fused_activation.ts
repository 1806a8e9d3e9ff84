/**
 * A dense or convolution layer's bias and ReLU fused into its product while training, on the wasm
 * engine.
 *
 * tfjs-layers computes `Dense` and `Conv2D` with `tf.fused.matMul` / `tf.fused.conv2d` (product +
 * bias + activation in one kernel). Under a gradient tape, tfjs-core fuses only a linear
 * activation (its `shouldFuse`); with ReLU it runs the product, then `Add`, then `Relu`: two more
 * passes over the layer's output forward, and backward an `Add` gradient (reshapes and a sum) on
 * top of ReLU's — about ten tfjs dispatches and tape records more per layer and step (measured: the
 * CNN's bias `Add` alone, 6 ms of a 78-ms step).
 *
 * While trainkit's wasm kernels are installed and wasm is the active backend, trainkit routes that
 * case — ReLU, under a tape, a 2-D product without transposes or a 2-D NHWC convolution of
 * dilation 1, with a bias of one value per output — to the fused kernel itself (`_FusedMatMul`,
 * `FusedConv2D`: the native product, its bias and ReLU) and records it on the tape with the
 * gradients registered here: dz = dy·step(y) (y = relu(z) > 0 exactly where z > 0), then the
 * product's two gradients and Σ dz for the bias, each computed only if the tape needs it (a first
 * layer gets no input gradient). A dense layer with a linear activation and a bias (a classifier's
 * last layer) takes the same route with dz = dy: tfjs-core fuses that one too, but through its own
 * op. Dense layers run the kernel on their rank-2 operands as they are, where tfjs-core's op
 * reshapes them to a batch of one and back (three more tape records per layer, each with an
 * Identity clone and a gradient): 62 → 34 kernel calls for a 3-layer MLP's forward and backward
 * pass, +4–5% on the benchmark MLP's throughput (alternating rounds in one process). The numbers
 * are those of tfjs-core's ops. Every other call (another activation, no tape, another backend, the
 * fixes removed) is tfjs-core's own op, untouched.
 *
 * How: `tf.fused` is a plain object in tfjs-core's Node build, and its `matMul` and `conv2d` are
 * replaced by functions that take the case above and hand everything else to the originals
 * (`installFusedActivation`, done when the wasm fixes are installed; `removeFusedActivation` puts
 * the originals back). Where `tf.fused` cannot be changed (an ES-module build in a bundler), nothing
 * is replaced and training takes tfjs's unfused route.
 */
import * as tf from '@tensorflow/tfjs-core';
import { _FusedMatMul, BatchMatMul, Conv2DBackpropFilter, Conv2DBackpropInput, FusedConv2D } from '@tensorflow/tfjs-core';
import { EngineError } from '../errors.js';
import { reluGrad } from './kernels/fused_relu_grad.js';
import { reluGradBias } from './kernels/relu_grad_bias.js';

type FusedOps = typeof tf.fused;
type MatMulArgs = Parameters<FusedOps['matMul']>[0];
type Conv2DArgs = Parameters<FusedOps['conv2d']>[0];

const fused = tf.fused as { -readonly [K in keyof FusedOps]: FusedOps[K] };
let originals: Pick<FusedOps, 'matMul' | 'conv2d'> | null = null;
let active: () => boolean = () => false;

const isTensor = (x: unknown): x is tf.Tensor => x instanceof tf.Tensor;
const underTape = () => (tf.engine().state as unknown as { gradientDepth: number }).gradientDepth > 0;

/** A bias of one float32 value per output (shape [n] or [1, ..., 1, n]). */
function isRowBias(bias: unknown, n: number): bias is tf.Tensor {
  return isTensor(bias) && bias.dtype === 'float32' && bias.size === n && bias.shape[bias.rank - 1] === n;
}

/** The dense layers' activations recorded by `fusedDense`, each with its gradient's dz (see below). */
const DENSE_ACTIVATIONS = ['relu', 'linear'];

function fusedDense(args: MatMulArgs): tf.Tensor | undefined {
  const { a, b, bias, activation = 'linear', transposeA, transposeB, preluActivationWeights } = args;
  if (!DENSE_ACTIVATIONS.includes(activation) || transposeA === true || transposeB === true || preluActivationWeights != null) return undefined;
  if (!isTensor(a) || !isTensor(b) || a.rank !== 2 || b.rank !== 2 || a.dtype !== 'float32' || b.dtype !== 'float32') return undefined;
  if (a.shape[1] !== b.shape[0] || a.size === 0 || b.size === 0 || !isRowBias(bias, b.shape[1]!)) return undefined;
  // trainkit's `_FusedMatMul` kernels take the rank-2 operands as they are (tfjs-core's op reshapes
  // them to a batch of one and back: three more records on the tape, each an Identity clone and a
  // gradient of its own); the bias as [n].
  const $bias = bias.rank === 1 ? bias : tf.reshape(bias, [b.shape[1]!]);
  return tf.engine().runKernel(_FusedMatMul, { a, b, bias: $bias }, { transposeA: false, transposeB: false, activation }) as tf.Tensor;
}

function fusedConv(args: Conv2DArgs): tf.Tensor | undefined {
  const { x, filter, strides, pad, dataFormat = 'NHWC', dilations = [1, 1], dimRoundingMode, bias, activation, preluActivationWeights } = args;
  if (activation !== 'relu' || dataFormat !== 'NHWC' || preluActivationWeights != null || typeof pad !== 'string') return undefined;
  if (Array.isArray(dilations) ? dilations.some((d) => d !== 1) : dilations !== 1) return undefined;
  if (!isTensor(x) || !isTensor(filter) || x.rank !== 4 || filter.rank !== 4 || x.dtype !== 'float32' || filter.dtype !== 'float32') return undefined;
  if (x.shape[3] !== filter.shape[2] || !isRowBias(bias, filter.shape[3]!)) return undefined;
  const $bias = bias.rank === 1 ? bias : tf.reshape(bias, [filter.shape[3]!]);
  const attrs = { strides, pad, dataFormat, dilations, activation: 'relu', ...(dimRoundingMode === undefined ? {} : { dimRoundingMode }) };
  return tf.engine().runKernel(FusedConv2D, { x, filter, bias: $bias }, attrs) as tf.Tensor;
}

// The gradients of the two fused kernels as recorded by `fusedDense` / `fusedConv` (tfjs-core
// registers none: its own fused ops differentiate through tf.customGrad). dz, the gradient before
// the activation, is computed once, outside the per-input thunks (the tape runs each thunk in its
// own tidy); a thunk runs only if the tape needs that gradient. For ReLU dz = dy·step(y), y the
// layer's output, and on wasm the bias gradient Σ dz comes out of the same pass as dz
// (TrainkitReluGradBias); what the bias thunk does not return is disposed with the rest of the
// backward pass's tensors. A dense layer's products run as `BatchMatMul` kernels on its rank-2
// operands (`tf.matMul` would reshape them to a batch of one and back).
tf.registerGradient({
  kernelName: _FusedMatMul,
  inputsToSave: ['a', 'b'],
  outputsToSave: [true],
  gradFunc: (dy, saved, attrs) => {
    const [a, b, y] = saved;
    const activation = String((attrs as { activation?: string }).activation ?? 'linear');
    if (!DENSE_ACTIVATIONS.includes(activation)) throw new EngineError(`trainkit's _FusedMatMul gradient covers ${DENSE_ACTIVATIONS.join(' and ')}, not '${activation}'`);
    const [dz, db] = activation === 'relu' ? (reluGradBias(dy as tf.Tensor, y) ?? [reluGrad(dy as tf.Tensor, y), undefined]) : [dy as tf.Tensor, undefined];
    const rows = Array.from({ length: dz.rank - 1 }, (_, i) => i);
    return {
      a: () => tf.engine().runKernel(BatchMatMul, { a: dz, b }, { transposeA: false, transposeB: true }) as tf.Tensor,
      b: () => tf.engine().runKernel(BatchMatMul, { a, b: dz }, { transposeA: true, transposeB: false }) as tf.Tensor,
      bias: () => db ?? tf.sum(dz, rows),
    };
  },
});

tf.registerGradient({
  kernelName: FusedConv2D,
  inputsToSave: ['x', 'filter'],
  outputsToSave: [true],
  gradFunc: (dy, saved, attrs) => {
    const [x, filter, y] = saved;
    const { strides, pad, dimRoundingMode } = attrs as unknown as Conv2DArgs;
    const [dz, db] = reluGradBias(dy as tf.Tensor, y) ?? [reluGrad(dy as tf.Tensor, y), undefined];
    const common = { strides, pad, dataFormat: 'NHWC', dilations: [1, 1], ...(dimRoundingMode === undefined ? {} : { dimRoundingMode }) };
    return {
      x: () => tf.engine().runKernel(Conv2DBackpropInput, { dy: dz, filter }, { ...common, inputShape: x.shape }) as tf.Tensor,
      filter: () => tf.engine().runKernel(Conv2DBackpropFilter, { x, dy: dz }, { ...common, filterShape: filter.shape }) as tf.Tensor,
      bias: () => db ?? tf.sum(dz, [0, 1, 2]),
    };
  },
});

/**
 * Replaces `tf.fused.matMul` and `tf.fused.conv2d` by versions that fuse bias + ReLU under a tape
 * whenever `when()` says so (the engine passes "wasm is active with trainkit's kernels"). Returns
 * whether they are in place (false where `tf.fused` is read-only). Idempotent.
 *
 * @example
 * installFusedActivation(() => tf.getBackend() === 'wasm');
 */
export function installFusedActivation(when: () => boolean): boolean {
  active = when;
  if (originals !== null) return true;
  const writable = (k: keyof FusedOps) => Object.getOwnPropertyDescriptor(fused, k)?.writable === true && !Object.isFrozen(fused);
  if (!writable('matMul') || !writable('conv2d')) return false;
  const saved = { matMul: fused.matMul, conv2d: fused.conv2d };
  originals = saved;
  fused.matMul = ((args: MatMulArgs) => (active() && underTape() ? fusedDense(args) : undefined) ?? saved.matMul(args)) as FusedOps['matMul'];
  fused.conv2d = ((args: Conv2DArgs) => (active() && underTape() ? fusedConv(args) : undefined) ?? saved.conv2d(args)) as FusedOps['conv2d'];
  return true;
}

/** Puts tfjs-core's own `tf.fused.matMul` and `tf.fused.conv2d` back. */
export function removeFusedActivation(): void {
  if (originals === null) return;
  fused.matMul = originals.matMul;
  fused.conv2d = originals.conv2d;
  originals = null;
}

/** Whether trainkit's `tf.fused` ops are in place (they act only while their condition holds). */
export function fusedActivationInstalled(): boolean {
  return originals !== null;
}
