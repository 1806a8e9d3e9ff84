/**
 * 2-D convolutions for the wasm backend on oneDNN (onednn.ts), when it is active: `Conv2D`,
 * `FusedConv2D` (convolution + bias + activation: a conv layer's forward pass), and the two
 * gradients, `Conv2DBackpropInput` and `Conv2DBackpropFilter`. Each reads and writes tfjs's NHWC /
 * HWIO tensors in place on the wasm heap.
 *
 * Other cases (no active oneDNN, NCHW, dilation > 1, non-float32, an empty tensor, a bias that is
 * not one value per output channel) go to the kernel each one replaces: XNNPACK's for the forward
 * ones, trainkit's wasm fixes for the gradients. So does a convolution oneDNN refuses to build, with
 * one process warning per kernel.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Conv2D, Conv2DBackpropFilter, Conv2DBackpropInput, FusedConv2D, util } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { EngineError } from '../../errors.js';
import { originalKernel } from '../kernels/registry.js';
import { conv2DBackpropInputConfig } from '../kernels/conv2d_backprop_input.js';
import { conv2DBackpropFilterConfig } from '../kernels/conv2d_backprop_filter.js';
import { backendMemory } from '../kernels/fused_simd.js';
import { kernelScope } from '../kernels/scope.js';
import { reluInPlace } from '../kernels/relu_in_place.js';
import { isChannelsLast, nhwcConvInfo, type Conv2DGradAttrs } from '../kernels/layout.js';
import { activeConv, type ConvGeometry, type NativeConv } from './dnn.js';
import { heapOf } from './blas.js';
import { ACTIVATION_KERNELS } from './fused_mat_mul.js';

type KernelArgs = Parameters<tf.KernelFunc>[0];
type ConvAttrs = Conv2DGradAttrs & { dilations?: number | [number, number] };

/** The active convolutions and the heap, when this kernel call can run on them. */
function nativeFor(args: KernelArgs, tensors: tf.TensorInfo[]): { conv: NativeConv; heap: () => Float32Array } | undefined {
  const conv = activeConv();
  const memory = backendMemory(args.backend);
  const attrs = args.attrs as unknown as ConvAttrs;
  if (conv === null || memory === undefined || !isChannelsLast(attrs)) return undefined;
  const dilations = attrs.dilations ?? 1;
  if (!(Array.isArray(dilations) ? dilations : [dilations]).every((d) => d === 1)) return undefined;
  if (tensors.some((t) => t.dtype !== 'float32' || util.sizeFromShape(t.shape) === 0)) return undefined;
  return { conv, heap: () => heapOf(memory) };
}

function geometry(xShape: number[], filterShape: number[], attrs: ConvAttrs): ConvGeometry {
  const info = nhwcConvInfo(xShape, filterShape, attrs);
  return {
    n: info.batchSize,
    inH: info.inHeight,
    inW: info.inWidth,
    inC: info.inChannels,
    outH: info.outHeight,
    outW: info.outWidth,
    outC: info.outChannels,
    kh: info.filterHeight,
    kw: info.filterWidth,
    strideH: info.strideHeight,
    strideW: info.strideWidth,
    padTop: info.padInfo.top,
    padLeft: info.padInfo.left,
  };
}

const offset = (backend: BackendWasm, t: tf.TensorInfo) => (backend.typedArrayFromHeap(t) as Float32Array).byteOffset;

const refused = new Set<string>();

/** `run`, or, if oneDNN fails on this convolution, `fallback` (with one warning per kernel name). */
function orFallback(kernel: string, run: () => tf.TensorInfo, fallback: () => tf.TensorInfo): tf.TensorInfo {
  try {
    return run();
  } catch (error) {
    if (!(error instanceof EngineError)) throw error;
    if (!refused.has(kernel)) {
      refused.add(kernel);
      process.emitWarning(`native kernels: ${error.message}; ${kernel} goes to its wasm kernel where oneDNN fails`, 'TrainkitWarning');
    }
    return fallback();
  }
}

function conv2D(args: KernelArgs): tf.TensorInfo {
  const x = args.inputs.x as tf.TensorInfo;
  const filter = args.inputs.filter as tf.TensorInfo;
  const native = nativeFor(args, [x, filter]);
  const shipped = () => originalKernel(Conv2D)!.kernelFunc(args) as tf.TensorInfo;
  if (native === undefined) return shipped();
  const backend = args.backend as BackendWasm;
  const g = geometry(x.shape, filter.shape, args.attrs as unknown as ConvAttrs);
  const run = () =>
    kernelScope(backend, (s) => {
      const y = s.alloc([g.n, g.outH, g.outW, g.outC]);
      native.conv.forward(native.heap(), g, offset(backend, x), offset(backend, filter), offset(backend, y));
      return y;
    });
  return orFallback(Conv2D, run, shipped);
}

function fusedConv2D(args: KernelArgs): tf.TensorInfo {
  const { inputs, attrs } = args;
  const x = inputs.x as tf.TensorInfo;
  const filter = inputs.filter as tf.TensorInfo;
  const bias = inputs.bias as tf.TensorInfo | undefined;
  const activation = String(attrs?.activation ?? 'linear');
  const kernel = ACTIVATION_KERNELS[activation];
  const native = nativeFor(args, bias === undefined ? [x, filter] : [x, filter, bias]);
  const biasFits = bias === undefined || util.sizeFromShape(bias.shape) === filter.shape[3];
  const shipped = () => originalKernel(FusedConv2D)!.kernelFunc(args) as tf.TensorInfo;
  if (native === undefined || !biasFits || (activation !== 'linear' && kernel === undefined)) return shipped();
  const backend = args.backend as BackendWasm;
  const g = geometry(x.shape, filter.shape, attrs as unknown as ConvAttrs);
  const run = () => kernelScope(backend, (s) => {
    const y = s.alloc([g.n, g.outH, g.outW, g.outC]);
    const at = (t: tf.TensorInfo) => offset(backend, t);
    native.conv.forward(native.heap(), g, at(x), at(filter), at(y), bias === undefined ? undefined : at(bias));
    if (kernel === undefined || (kernel === 'Relu' && reluInPlace(backend, y))) return y;
    if (kernel === 'Prelu') return s.run(kernel, { x: y, alpha: inputs.preluActivationWeights as tf.TensorInfo });
    if (kernel === 'LeakyRelu') return s.run(kernel, { x: y }, { alpha: Number(attrs?.leakyreluAlpha ?? 0.2) });
    return s.run(kernel, { x: y });
  });
  return orFallback(FusedConv2D, run, shipped);
}

function conv2DBackpropInput(args: KernelArgs): tf.TensorInfo {
  const dy = args.inputs.dy as tf.TensorInfo;
  const filter = args.inputs.filter as tf.TensorInfo;
  const native = nativeFor(args, [dy, filter]);
  const wasm = () => conv2DBackpropInputConfig.kernelFunc(args) as tf.TensorInfo;
  if (native === undefined) return wasm();
  const backend = args.backend as BackendWasm;
  const attrs = args.attrs as unknown as ConvAttrs & { inputShape: number[] };
  const g = geometry(attrs.inputShape, filter.shape, attrs);
  const run = () =>
    kernelScope(backend, (s) => {
      const dx = s.alloc([...attrs.inputShape]);
      native.conv.backwardData(native.heap(), g, offset(backend, dy), offset(backend, filter), offset(backend, dx));
      return dx;
    });
  return orFallback(Conv2DBackpropInput, run, wasm);
}

function conv2DBackpropFilter(args: KernelArgs): tf.TensorInfo {
  const x = args.inputs.x as tf.TensorInfo;
  const dy = args.inputs.dy as tf.TensorInfo;
  const native = nativeFor(args, [x, dy]);
  const wasm = () => conv2DBackpropFilterConfig.kernelFunc(args) as tf.TensorInfo;
  if (native === undefined) return wasm();
  const backend = args.backend as BackendWasm;
  const attrs = args.attrs as unknown as ConvAttrs & { filterShape: number[] };
  const g = geometry(x.shape, attrs.filterShape, attrs);
  const run = () =>
    kernelScope(backend, (s) => {
      const dw = s.alloc([...attrs.filterShape]);
      native.conv.backwardWeights(native.heap(), g, offset(backend, x), offset(backend, dy), offset(backend, dw));
      return dw;
    });
  return orFallback(Conv2DBackpropFilter, run, wasm);
}

const config = (kernelName: string, kernelFunc: (args: KernelArgs) => tf.TensorInfo): tf.KernelConfig => ({
  kernelName,
  backendName: 'wasm',
  kernelFunc: kernelFunc as tf.KernelFunc,
});

/** Kernel configs: the convolutions on oneDNN when it is active, else the kernels they replace. */
export const nativeConv2DConfig = config(Conv2D, conv2D);
export const nativeFusedConv2DConfig = config(FusedConv2D, fusedConv2D);
export const nativeConv2DBackpropInputConfig = config(Conv2DBackpropInput, conv2DBackpropInput);
export const nativeConv2DBackpropFilterConfig = config(Conv2DBackpropFilter, conv2DBackpropFilter);
