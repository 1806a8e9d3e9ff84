/**
 * `MaxPoolGrad` for the wasm backend: each output's gradient goes to the first maximum of its
 * pooling window (the cpu backend's rule, so ties and NaN behave the same).
 *
 * One pass over the windows; for each window and channel the running maximum and its position are
 * kept in locals while the window's positions are scanned (NHWC: a window's values of one channel
 * are `c` floats apart). The common 2×2 stride-2 pool has two faster routes: a SIMD kernel (one
 * call per window, four channels per lane op, branch-free) and, where SIMD is unavailable, an
 * unrolled scalar loop.
 */
import * as tf from '@tensorflow/tfjs-core';
import { backend_util, MaxPoolGrad } from '@tensorflow/tfjs-core';
import { EngineError } from '../../errors.js';
import { kernelScope } from './scope.js';
import { lanes, simdFunction, type SimdKernel, type SimdFunction } from './fused_simd.js';

/**
 * One 2×2 window's gradient for `count` channels at once: inputs x00, x01, x10, x11 (the window's
 * four positions, each `count` contiguous channels) and dy; outputs the four dx runs. Constant 0
 * is −∞. The first strict maximum in scan order wins, as in the scalar loop: position k wins when
 * it beats the running maximum and no later position beats it.
 */
const POOL2X2: SimdKernel = {
  name: 'trainkit.maxPoolGrad2x2',
  inputs: 5,
  outputs: 4,
  constants: 1,
  build: ([x00, x01, x10, x11, dy], [negInf]) => {
    const { gt, select, and, andNot } = lanes;
    const g0 = gt(x00, negInf);
    const m0 = select(g0, x00, negInf);
    const g1 = gt(x01, m0);
    const m1 = select(g1, x01, m0);
    const g2 = gt(x10, m1);
    const m2 = select(g2, x10, m1);
    const g3 = gt(x11, m2);
    return [
      andNot(andNot(andNot(and(g0, dy), g1), g2), g3),
      andNot(andNot(and(g1, dy), g2), g3),
      andNot(and(g2, dy), g3),
      and(g3, dy),
    ];
  },
};

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
  return kernelScope(backend, (s) => {
    const dx = s.alloc(x.shape);
    const xv = s.view(x);
    const dyv = s.view(dy);
    const dxv = s.view(dx);
    const is2x2 = fh === 2 && fw === 2 && strideHeight === 2 && strideWidth === 2 && top === 0 && left === 0;
    const whole = 2 * outHeight <= inHeight && 2 * outWidth <= inWidth;
    const run = is2x2 && whole && c % 4 === 0 ? simdFunction(backend, POOL2X2) : undefined;
    if (run !== undefined) {
      // Every window is whole and writes all four of its positions: only rows/columns past the
      // last window (odd sizes) need the zeros.
      if (2 * outHeight < inHeight || 2 * outWidth < inWidth) dxv.fill(0);
      pool2x2Simd(run, { xv, dyv, dxv }, { batchSize, inHeight, inWidth, c, outHeight, outWidth });
      return dx;
    }
    dxv.fill(0);
    if (is2x2) {
      pool2x2({ xv, dyv, dxv }, { batchSize, inHeight, inWidth, c, outHeight, outWidth });
      return dx;
    }
    for (let n = 0; n < batchSize; n++) {
      for (let h = 0; h < outHeight; h++) {
        const r0 = Math.max(0, h * strideHeight - top);
        const r1 = Math.min(inHeight, h * strideHeight - top + fh);
        for (let w = 0; w < outWidth; w++) {
          const c0 = Math.max(0, w * strideWidth - left);
          const c1 = Math.min(inWidth, w * strideWidth - left + fw);
          const dyOff = ((n * outHeight + h) * outWidth + w) * c;
          const first = ((n * inHeight + r0) * inWidth + c0) * c;
          const rowStep = inWidth * c;
          for (let ch = 0; ch < c; ch++) {
            let best = -Infinity;
            let where = -1;
            for (let r = r0, rowOff = first + ch; r < r1; r++, rowOff += rowStep) {
              for (let col = c0, off = rowOff; col < c1; col++, off += c) {
                const v = xv[off];
                if (v > best) {
                  best = v;
                  where = off;
                }
              }
            }
            if (where >= 0) dxv[where] += dyv[dyOff + ch];
          }
        }
      }
    }
    return dx;
  });
}

/** The input, output gradient and input gradient of a pool, as views of the wasm heap. */
interface PoolViews {
  xv: Float32Array;
  dyv: Float32Array;
  dxv: Float32Array;
}

/** A pool's NHWC sizes (c: channels). */
interface PoolShape {
  batchSize: number;
  inHeight: number;
  inWidth: number;
  c: number;
  outHeight: number;
  outWidth: number;
}

/** The 2×2 pool with whole windows through the SIMD kernel: one call per window, `c` channels each. */
function pool2x2Simd(run: SimdFunction, { xv, dyv, dxv }: PoolViews, { batchSize, inHeight, inWidth, c, outHeight, outWidth }: PoolShape): void {
  const x0 = xv.byteOffset;
  const dy0 = dyv.byteOffset;
  const dx0 = dxv.byteOffset;
  const cb = 4 * c;
  const rowBytes = inWidth * cb;
  for (let n = 0; n < batchSize; n++) {
    for (let h = 0; h < outHeight; h++) {
      for (let w = 0; w < outWidth; w++) {
        const p = (((n * inHeight + 2 * h) * inWidth + 2 * w) * c) * 4;
        const g = dy0 + ((n * outHeight + h) * outWidth + w) * cb;
        run(x0 + p, x0 + p + cb, x0 + p + rowBytes, x0 + p + rowBytes + cb, g, dx0 + p, dx0 + p + cb, dx0 + p + rowBytes, dx0 + p + rowBytes + cb, c, -Infinity);
      }
    }
  }
}

/**
 * The common 2×2, stride-2 pool without padding at the top/left, unrolled: windows do not overlap,
 * so each window writes its one gradient. Rows/columns past the last whole window (odd sizes)
 * keep the zeros `dx` starts with; a window cut by bottom/right padding reads only what exists.
 */
function pool2x2({ xv, dyv, dxv }: PoolViews, { batchSize, inHeight, inWidth, c, outHeight, outWidth }: PoolShape): void {
  const rowStep = inWidth * c;
  for (let n = 0; n < batchSize; n++) {
    for (let h = 0; h < outHeight; h++) {
      const hasRow2 = 2 * h + 1 < inHeight;
      for (let w = 0; w < outWidth; w++) {
        const hasCol2 = 2 * w + 1 < inWidth;
        const p00 = ((n * inHeight + 2 * h) * inWidth + 2 * w) * c;
        const p01 = hasCol2 ? p00 + c : -1;
        const p10 = hasRow2 ? p00 + rowStep : -1;
        const p11 = hasRow2 && hasCol2 ? p00 + rowStep + c : -1;
        const g = ((n * outHeight + h) * outWidth + w) * c;
        for (let ch = 0; ch < c; ch++) {
          let best = -Infinity;
          let where = -1;
          let v = xv[p00 + ch];
          if (v > best) {
            best = v;
            where = p00 + ch;
          }
          if (p01 >= 0) {
            v = xv[p01 + ch];
            if (v > best) {
              best = v;
              where = p01 + ch;
            }
          }
          if (p10 >= 0) {
            v = xv[p10 + ch];
            if (v > best) {
              best = v;
              where = p10 + ch;
            }
          }
          if (p11 >= 0 && xv[p11 + ch] > best) where = p11 + ch;
          if (where >= 0) dxv[where] = dyv[g + ch];
        }
      }
    }
  }
}

/** Kernel config: `MaxPoolGrad` on wasm. */
export const maxPoolGradConfig: tf.KernelConfig = {
  kernelName: MaxPoolGrad,
  backendName: 'wasm',
  kernelFunc: maxPoolGrad as tf.KernelFunc,
};
