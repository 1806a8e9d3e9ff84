/**
 * `Conv2DBackpropInput` (the input gradient of conv2d) for the wasm backend, on XNNPACK.
 *
 * The shipped kernel is a scalar loop (half of a CNN training step in a profile). The input
 * gradient of a dilation-1 NHWC convolution is itself a stride-1 convolution: the "full"
 * correlation of dy with the spatially flipped filter whose in/out channels are swapped,
 *   dx = conv2d(pad(dy, k−1−p), flip(W)ᵀ),
 * and for stride s the same after spreading dy on a grid of step s (zeros between rows and
 * columns). Both run on the fast forward Conv2D kernel. NCHW goes to the shipped kernel.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Conv2D, Conv2DBackpropInput } from '@tensorflow/tfjs-core';
import { kernelScope } from './scope.js';
import { originalKernel } from './registry.js';
import { explicitPad, fullCorrelationPads, isChannelsLast, needsSpread, nhwcConvInfo, spread, type Conv2DGradAttrs } from './layout.js';

function conv2DBackpropInput(args: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
  const { inputs, backend, attrs } = args;
  const dy = inputs.dy as tf.TensorInfo;
  const filter = inputs.filter as tf.TensorInfo;
  const convAttrs = attrs as unknown as Conv2DGradAttrs & { inputShape: [number, number, number, number] };
  if (!isChannelsLast(convAttrs) || dy.dtype !== 'float32' || filter.dtype !== 'float32') {
    return originalKernel(Conv2DBackpropInput)!.kernelFunc(args) as tf.TensorInfo;
  }
  const info = nhwcConvInfo(convAttrs.inputShape, filter.shape, convAttrs);
  const pads = fullCorrelationPads(info);
  return kernelScope(backend, (s) => {
    // flip(W)ᵀ: reverse both spatial axes, swap in/out channels → [kh, kw, outC, inC].
    const flipped = s.transpose(s.run('Reverse', { x: filter }, { dims: [0, 1] }), [0, 1, 3, 2]);
    const spreadNeeded = needsSpread(info.strideHeight, info.strideWidth, pads);
    const source = spreadNeeded ? spread(s, dy, info.strideHeight, info.strideWidth, pads) : dy;
    return s.run(
      Conv2D,
      { x: source, filter: flipped },
      {
        strides: [1, 1],
        dilations: [1, 1],
        pad: spreadNeeded ? 'valid' : explicitPad(pads),
        dataFormat: 'NHWC',
      } as unknown as tf.NamedAttrMap,
    );
  });
}

/** Kernel config: `Conv2DBackpropInput` on wasm as a forward XNNPACK convolution. */
export const conv2DBackpropInputConfig: tf.KernelConfig = {
  kernelName: Conv2DBackpropInput,
  backendName: 'wasm',
  kernelFunc: conv2DBackpropInput as tf.KernelFunc,
};
