/**
 * `DepthwiseConv2dNativeBackpropInput` for the wasm backend, which ships none.
 *
 * As for a dense convolution, the input gradient is a stride-1 "full" correlation of dy (spread on
 * a grid of step s for stride s) with the spatially flipped filter — here a depthwise one, so it
 * runs on the fast forward DepthwiseConv2dNative kernel. With a channel multiplier M > 1 each
 * input channel receives M filtered maps: the filter is viewed as [kh, kw, c·M, 1] and the M maps
 * of each channel are summed. NHWC, dilation 1, any stride and padding.
 */
import * as tf from '@tensorflow/tfjs-core';
import { DepthwiseConv2dNative, DepthwiseConv2dNativeBackpropInput, Sum } from '@tensorflow/tfjs-core';
import { kernelScope } from './scope.js';
import { depthwiseGradientInfo } from './depthwise_geometry.js';
import { explicitPad, fullCorrelationPads, needsSpread, spread } from './layout.js';

function depthwiseBackpropInput(args: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
  const { inputs, backend, attrs } = args;
  const dy = inputs.dy as tf.TensorInfo;
  const filter = inputs.filter as tf.TensorInfo;
  const { inputShape } = attrs as unknown as { inputShape: [number, number, number, number] };
  const info = depthwiseGradientInfo(
    DepthwiseConv2dNativeBackpropInput,
    inputShape,
    filter.shape as [number, number, number, number],
    attrs,
    [dy, filter],
  );
  const [kh, kw, c, mult] = filter.shape;
  const pads = fullCorrelationPads(info);
  return kernelScope(backend, (s) => {
    const flipped = s.reshape(s.run('Reverse', { x: filter }, { dims: [0, 1] }), [kh, kw, c * mult, 1]);
    const spreadNeeded = needsSpread(info.strideHeight, info.strideWidth, pads);
    const source = spreadNeeded ? spread(s, dy, info.strideHeight, info.strideWidth, pads) : dy;
    const maps = s.run(
      DepthwiseConv2dNative,
      { x: source, filter: flipped },
      { strides: [1, 1], dilations: [1, 1], pad: spreadNeeded ? 'valid' : explicitPad(pads) } as unknown as tf.NamedAttrMap,
    );
    if (mult === 1) return maps;
    const [n, h, w] = inputShape;
    return s.run(Sum, { x: s.reshape(maps, [n, h, w, c, mult]) }, { axis: [4], keepDims: false });
  });
}

/** Kernel config: `DepthwiseConv2dNativeBackpropInput` on wasm as a forward depthwise convolution. */
export const depthwiseBackpropInputConfig: tf.KernelConfig = {
  kernelName: DepthwiseConv2dNativeBackpropInput,
  backendName: 'wasm',
  kernelFunc: depthwiseBackpropInput as tf.KernelFunc,
};
