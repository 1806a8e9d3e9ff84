/**
 * `DepthwiseConv2dNativeBackpropFilter` for the wasm backend, which ships none.
 *
 *   dW[i, j, c, m] = Σ_{n,h,w} x[n, s·h + i − p, s·w + j − p, c] · dy[n, h, w, c·M + m]
 *
 * Channels never mix, so no GEMM applies; this is one pass over dy per filter tap with the
 * channel loop innermost (contiguous in both x and dy), accumulated in float64. Its cost is that
 * of the forward depthwise convolution (taps × outputs), small next to the dense convolutions of a
 * network. NHWC, dilation 1, any stride and padding.
 */
import * as tf from '@tensorflow/tfjs-core';
import { DepthwiseConv2dNativeBackpropFilter } from '@tensorflow/tfjs-core';
import { kernelScope } from './scope.js';
import { depthwiseGradientInfo } from './depthwise_geometry.js';

function depthwiseBackpropFilter(args: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
  const { inputs, backend, attrs } = args;
  const x = inputs.x as tf.TensorInfo;
  const dy = inputs.dy as tf.TensorInfo;
  const { filterShape } = attrs as unknown as { filterShape: [number, number, number, number] };
  const info = depthwiseGradientInfo(
    DepthwiseConv2dNativeBackpropFilter,
    x.shape as [number, number, number, number],
    filterShape,
    attrs,
    [x, dy],
  );
  const { batchSize, inHeight, inWidth, inChannels: c, outHeight, outWidth, filterHeight: kh, filterWidth: kw } = info;
  const mult = info.outChannels / c;
  const { top, left } = info.padInfo;
  const sh = info.strideHeight;
  const sw = info.strideWidth;
  const rowLen = c * mult;
  const acc = new Float64Array(kh * kw * rowLen);
  return kernelScope(backend, (s) => {
    const out = s.alloc([kh, kw, c, mult]);
    const xv = s.view(x);
    const dyv = s.view(dy);
    for (let n = 0; n < batchSize; n++) {
      for (let h = 0; h < outHeight; h++) {
        for (let w = 0; w < outWidth; w++) {
          const dyOff = ((n * outHeight + h) * outWidth + w) * rowLen;
          for (let i = 0; i < kh; i++) {
            const ih = h * sh + i - top;
            if (ih < 0 || ih >= inHeight) continue;
            for (let j = 0; j < kw; j++) {
              const iw = w * sw + j - left;
              if (iw < 0 || iw >= inWidth) continue;
              const xOff = ((n * inHeight + ih) * inWidth + iw) * c;
              const aOff = (i * kw + j) * rowLen;
              if (mult === 1) {
                for (let ch = 0; ch < c; ch++) acc[aOff + ch] += xv[xOff + ch] * dyv[dyOff + ch];
              } else {
                for (let ch = 0; ch < c; ch++) {
                  const xval = xv[xOff + ch];
                  const base = ch * mult;
                  for (let m = 0; m < mult; m++) acc[aOff + base + m] += xval * dyv[dyOff + base + m];
                }
              }
            }
          }
        }
      }
    }
    s.view(out).set(acc);
    return out;
  });
}

/** Kernel config: `DepthwiseConv2dNativeBackpropFilter` on wasm. */
export const depthwiseBackpropFilterConfig: tf.KernelConfig = {
  kernelName: DepthwiseConv2dNativeBackpropFilter,
  backendName: 'wasm',
  kernelFunc: depthwiseBackpropFilter as tf.KernelFunc,
};
