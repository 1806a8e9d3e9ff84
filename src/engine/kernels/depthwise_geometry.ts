/**
 * The geometry both depthwise-gradient kernels start from: their attributes decoded, float32
 * checked, the convolution info computed (depthwise), and dilation > 1 refused.
 */
import type * as tf from '@tensorflow/tfjs-core';
import { backend_util } from '@tensorflow/tfjs-core';
import { EngineError } from '../../errors.js';

interface DepthwiseAttrs {
  strides: [number, number] | number;
  dilations: [number, number] | number;
  pad: 'valid' | 'same' | number | backend_util.ExplicitPadding;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/**
 * `computeConv2DInfo` for a depthwise convolution of `xShape` by `filterShape` with the kernel's
 * attrs; throws an EngineError naming `kernelName` for non-float32 inputs or dilation > 1.
 */
export function depthwiseGradientInfo(
  kernelName: string,
  xShape: [number, number, number, number],
  filterShape: [number, number, number, number],
  attrs: tf.NamedAttrMap | undefined,
  operands: tf.TensorInfo[],
): backend_util.Conv2DInfo {
  const { strides, dilations, pad, dimRoundingMode } = attrs as unknown as DepthwiseAttrs;
  if (operands.some((t) => t.dtype !== 'float32')) {
    throw new EngineError(`${kernelName} on wasm supports float32 only`);
  }
  const info = backend_util.computeConv2DInfo(xShape, filterShape, strides, dilations ?? 1, pad, dimRoundingMode, true);
  if (info.dilationHeight !== 1 || info.dilationWidth !== 1) {
    throw new EngineError(`${kernelName} on wasm supports dilation 1 only, got ${dilations}`);
  }
  return info;
}
