/**
 * `MaxPoolGrad` for the wasm backend: each output's gradient goes to the first maximum of its
 * pooling window (the cpu backend's rule, so ties and NaN behave the same).
 *
 * One pass over the windows with the channel loop innermost: the running maximum of all channels
 * of a window position is updated together, reading x and writing dx contiguously. NHWC.
 */
import * as tf from '@tensorflow/tfjs-core';
import { backend_util, MaxPoolGrad } from '@tensorflow/tfjs-core';
import { EngineError } from '../../errors.js';
import { kernelScope } from './scope.js';

function maxPoolGrad(args: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
  const { inputs, backend, attrs } = args;
  const dy = inputs.dy as tf.TensorInfo;
  const x = inputs.input as tf.TensorInfo;
  const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as {
    filterSize: [number, number] | number;
    strides: [number, number] | number;
    pad: 'valid' | 'same' | number | backend_util.ExplicitPadding;
    dimRoundingMode?: 'floor' | 'round' | 'ceil';
  };
  if (x.dtype !== 'float32' || dy.dtype !== 'float32') {
    throw new EngineError(`MaxPoolGrad on wasm supports float32 only`);
  }
  const info = backend_util.computePool2DInfo(
    x.shape as [number, number, number, number],
    filterSize,
    strides,
    1,
    pad,
    dimRoundingMode,
  );
  const { batchSize, inHeight, inWidth, inChannels: c, outHeight, outWidth, strideHeight, strideWidth } = info;
  const { filterHeight: fh, filterWidth: fw } = info;
  const { top, left } = info.padInfo;
  const best = new Float32Array(c);
  const where = new Int32Array(c);
  return kernelScope(backend, (s) => {
    const dx = s.alloc(x.shape);
    const xv = s.view(x);
    const dyv = s.view(dy);
    const dxv = s.view(dx);
    dxv.fill(0);
    for (let n = 0; n < batchSize; n++) {
      for (let h = 0; h < outHeight; h++) {
        const r0 = Math.max(0, h * strideHeight - top);
        const r1 = Math.min(inHeight, h * strideHeight - top + fh);
        for (let w = 0; w < outWidth; w++) {
          const c0 = Math.max(0, w * strideWidth - left);
          const c1 = Math.min(inWidth, w * strideWidth - left + fw);
          best.fill(-Infinity);
          where.fill(-1);
          for (let r = r0; r < r1; r++) {
            for (let col = c0; col < c1; col++) {
              const off = ((n * inHeight + r) * inWidth + col) * c;
              for (let ch = 0; ch < c; ch++) {
                const v = xv[off + ch];
                if (v > best[ch]) {
                  best[ch] = v;
                  where[ch] = off + ch;
                }
              }
            }
          }
          const dyOff = ((n * outHeight + h) * outWidth + w) * c;
          for (let ch = 0; ch < c; ch++) {
            if (where[ch] >= 0) dxv[where[ch]] += dyv[dyOff + ch];
          }
        }
      }
    }
    return dx;
  });
}

/** Kernel config: `MaxPoolGrad` on wasm. */
export const maxPoolGradConfig: tf.KernelConfig = {
  kernelName: MaxPoolGrad,
  backendName: 'wasm',
  kernelFunc: maxPoolGrad as tf.KernelFunc,
};
