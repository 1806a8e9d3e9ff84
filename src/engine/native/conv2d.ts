/**
 * 2-D convolutions for the wasm backend on oneDNN (onednn.ts), when it is active: `Conv2D`,
 * `FusedConv2D` (convolution + bias + activation: a conv layer's forward pass), and the two
 * gradients, `Conv2DBackpropInput` and `Conv2DBackpropFilter`. Each reads and writes tfjs's NHWC /
 * HWIO tensors in place on the wasm heap.
 *
 * Other cases (no active oneDNN, NCHW, dilation > 1, non-float32, an empty tensor, a bias that is
 * not one value per output channel) go to the kernel each one replaces: XNNPACK's for the forward
 * ones, trainkit's wasm fixes for the gradients.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Conv2D, Conv2DBackpropFilter, Conv2DBackpropInput, FusedConv2D, util } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { originalKernel } from '../kernels/registry.js';
import { conv2DBackpropInputConfig } from '../kernels/conv2d_backprop_input.js';
import { conv2DBackpropFilterConfig } from '../kernels/conv2d_backprop_filter.js';
import { backendMemory } from '../kernels/fused_simd.js';
import { kernelScope } from '../kernels/scope.js';
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

function conv2D(args: KernelArgs): tf.TensorInfo {
  const x = args.inputs.x as tf.TensorInfo;
  const filter = args.inputs.filter as tf.TensorInfo;
  const native = nativeFor(args, [x, filter]);
  if (native === undefined) return originalKernel(Conv2D)!.kernelFunc(args) as tf.TensorInfo;
  const backend = args.backend as BackendWasm;
  const g = geometry(x.shape, filter.shape, args.attrs as unknown as ConvAttrs);
  const y = backend.makeOutput([g.n, g.outH, g.outW, g.outC], 'float32');
  native.conv.forward(native.heap(), g, offset(backend, x), offset(backend, filter), offset(backend, y));
  return y;
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
  if (native === undefined || !biasFits || (activation !== 'linear' && kernel === undefined)) {
    return originalKernel(FusedConv2D)!.kernelFunc(args) as tf.TensorInfo;
  }
  const backend = args.backend as BackendWasm;
  const g = geometry(x.shape, filter.shape, attrs as unknown as ConvAttrs);
  return kernelScope(backend, (s) => {
    const y = s.alloc([g.n, g.outH, g.outW, g.outC]);
    const at = (t: tf.TensorInfo) => offset(backend, t);
    native.conv.forward(native.heap(), g, at(x), at(filter), at(y), bias === undefined ? undefined : at(bias));
    if (kernel === undefined) return y;
    if (kernel === 'Prelu') return s.run(kernel, { x: y, alpha: inputs.preluActivationWeights as tf.TensorInfo });
    if (kernel === 'LeakyRelu') return s.run(kernel, { x: y }, { alpha: Number(attrs?.leakyreluAlpha ?? 0.2) });
    return s.run(kernel, { x: y });
  });
}

function conv2DBackpropInput(args: KernelArgs): tf.TensorInfo {
  const dy = args.inputs.dy as tf.TensorInfo;
  const filter = args.inputs.filter as tf.TensorInfo;
  const native = nativeFor(args, [dy, filter]);
  if (native === undefined) return conv2DBackpropInputConfig.kernelFunc(args) as tf.TensorInfo;
  const backend = args.backend as BackendWasm;
  const attrs = args.attrs as unknown as ConvAttrs & { inputShape: number[] };
  const g = geometry(attrs.inputShape, filter.shape, attrs);
  const dx = backend.makeOutput([...attrs.inputShape], 'float32');
  native.conv.backwardData(native.heap(), g, offset(backend, dy), offset(backend, filter), offset(backend, dx));
  return dx;
}

function conv2DBackpropFilter(args: KernelArgs): tf.TensorInfo {
  const x = args.inputs.x as tf.TensorInfo;
  const dy = args.inputs.dy as tf.TensorInfo;
  const native = nativeFor(args, [x, dy]);
  if (native === undefined) return conv2DBackpropFilterConfig.kernelFunc(args) as tf.TensorInfo;
  const backend = args.backend as BackendWasm;
  const attrs = args.attrs as unknown as ConvAttrs & { filterShape: number[] };
  const g = geometry(x.shape, attrs.filterShape, attrs);
  const dw = backend.makeOutput([...attrs.filterShape], 'float32');
  native.conv.backwardWeights(native.heap(), g, offset(backend, x), offset(backend, dy), offset(backend, dw));
  return dw;
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
