/**
 * Memory-layout helpers shared by the convolution-gradient kernels: plain copies on the wasm heap
 * (no arithmetic), written as row copies so they run at memcpy speed.
 */
import type * as tf from '@tensorflow/tfjs-core';
import { backend_util } from '@tensorflow/tfjs-core';
import { EngineError } from '../../errors.js';
import type { KernelScope } from './scope.js';

/** Padding of a convolution on each side (may be negative: then rows/columns are cropped). */
export interface Pads {
  top: number;
  bottom: number;
  left: number;
  right: number;
}

/**
 * Spreads an NHWC tensor on a grid: element (h, w) goes to (top + h·strideH, left + w·strideW) of a
 * zero `[n, outH, outW, c]` tensor, where outH = top + (h−1)·strideH + 1 + bottom. With stride s
 * this is the "dilated" gradient that turns a strided convolution's input gradient into a
 * stride-1 one; negative pads crop. Positions that fall outside are dropped.
 */
export function spread(s: KernelScope, x: tf.TensorInfo, strideH: number, strideW: number, pads: Pads): tf.TensorInfo {
  const [n, h, w, c] = x.shape;
  const outH = pads.top + (h - 1) * strideH + 1 + pads.bottom;
  const outW = pads.left + (w - 1) * strideW + 1 + pads.right;
  if (outH <= 0 || outW <= 0) throw new EngineError(`convolution gradient: empty spread of ${x.shape}`);
  const out = s.alloc([n, outH, outW, c]);
  const src = s.view(x);
  const dst = s.view(out);
  dst.fill(0);
  for (let b = 0; b < n; b++) {
    for (let i = 0; i < h; i++) {
      const r = pads.top + i * strideH;
      if (r < 0 || r >= outH) continue;
      for (let j = 0; j < w; j++) {
        const col = pads.left + j * strideW;
        if (col < 0 || col >= outW) continue;
        const from = ((b * h + i) * w + j) * c;
        dst.set(src.subarray(from, from + c), ((b * outH + r) * outW + col) * c);
      }
    }
  }
  return out;
}

/** The leading `[d0, d1, d2, d3]` block of a rank-4 tensor (`x` itself when nothing is cut). */
export function cropLeading(s: KernelScope, x: tf.TensorInfo, size: number[]): tf.TensorInfo {
  const [a0, a1, a2, a3] = x.shape;
  const [d0, d1, d2, d3] = size;
  if (d0 === a0 && d1 === a1 && d2 === a2 && d3 === a3) return x;
  const out = s.alloc(size);
  const src = s.view(x);
  const dst = s.view(out);
  let o = 0;
  for (let i = 0; i < d0; i++) {
    for (let j = 0; j < d1; j++) {
      for (let k = 0; k < d2; k++) {
        const from = ((i * a1 + j) * a2 + k) * a3;
        dst.set(src.subarray(from, from + d3), o);
        o += d3;
      }
    }
  }
  return out;
}

/** Explicit NHWC padding in the form tfjs convolution kernels accept. */
export function explicitPad(p: Pads): [[number, number], [number, number], [number, number], [number, number]] {
  return [
    [0, 0],
    [p.top, p.bottom],
    [p.left, p.right],
    [0, 0],
  ];
}

/**
 * Pads that make a stride-1 "full" correlation of the (spread) output gradient with a flipped
 * filter return exactly the input's height and width: the input gradient of a convolution.
 */
export function fullCorrelationPads(
  convInfo: { filterHeight: number; filterWidth: number; inHeight: number; inWidth: number; outHeight: number; outWidth: number; strideHeight: number; strideWidth: number; padInfo: { top: number; left: number } },
): Pads {
  const { filterHeight: kh, filterWidth: kw, inHeight, inWidth, outHeight, outWidth, strideHeight, strideWidth } = convInfo;
  const top = kh - 1 - convInfo.padInfo.top;
  const left = kw - 1 - convInfo.padInfo.left;
  return {
    top,
    left,
    bottom: inHeight + kh - 1 - top - ((outHeight - 1) * strideHeight + 1),
    right: inWidth + kw - 1 - left - ((outWidth - 1) * strideWidth + 1),
  };
}

/** Whether a spread is needed, or the convolution's own (non-negative) padding will do. */
export function needsSpread(strideH: number, strideW: number, p: Pads): boolean {
  return strideH !== 1 || strideW !== 1 || p.top < 0 || p.bottom < 0 || p.left < 0 || p.right < 0;
}

/** The attributes both 2-D convolution-gradient kernels carry (beside the filter or input shape). */
export interface Conv2DGradAttrs {
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/** Whether a convolution kernel's `dataFormat` is NHWC (the only layout the fixes handle). */
export function isChannelsLast(attrs: Conv2DGradAttrs): boolean {
  return backend_util.convertConv2DDataFormat(attrs.dataFormat) === 'channelsLast';
}

/** tfjs's convolution info of an NHWC, dilation-1 convolution of `xShape` by `filterShape`. */
export function nhwcConvInfo(xShape: number[], filterShape: number[], attrs: Conv2DGradAttrs): backend_util.Conv2DInfo {
  const shape4 = (s: number[]) => s as [number, number, number, number];
  return backend_util.computeConv2DInfo(shape4(xShape), shape4(filterShape), attrs.strides, 1, attrs.pad, attrs.dimRoundingMode, false, 'channelsLast');
}
