/**
 * `Conv2DBackpropFilter` (the filter gradient of conv2d) for the wasm backend, which ships none:
 * without it a CNN cannot train on wasm.
 *
 * The filter gradient is itself a convolution, with the batch and channel axes of x swapped and dy
 * as the filter:
 *   dW[i, j, c, o] = Σ_{n,h,w} x[n, s·h + i − p, s·w + j − p, c] · dy[n, h, w, o]
 *                  = conv2d(xᵀ, dyᵀ, stride 1, dilation s)[c, i, j, o]
 * the forward stride becoming the dilation of the new filter. It runs on XNNPACK's Conv2D.
 * (The mirror identity, x as the filter and dy spread as the input, measured 1.1-3.7× slower on
 * the shapes of small CNNs: its GEMM has only c output columns.)
 */
import * as tf from '@tensorflow/tfjs-core';
import { Conv2D, Conv2DBackpropFilter } from '@tensorflow/tfjs-core';
import { EngineError } from '../../errors.js';
import { kernelScope, type KernelScope } from './scope.js';
import { cropLeading, explicitPad, isChannelsLast, nhwcConvInfo, type Conv2DGradAttrs, type Pads } from './layout.js';
import { gemm, gemmAvailable } from './gemm.js';

/** The convolution's geometry (from tfjs's conv info), with windows padded to be whole. */
interface FilterGradGeometry {
  n: number;
  inHeight: number;
  inWidth: number;
  inChannels: number;
  outHeight: number;
  outWidth: number;
  outChannels: number;
  kh: number;
  kw: number;
  strideHeight: number;
  strideWidth: number;
  pads: Pads;
}

/**
 * dW = conv2d(xᵀ, dyᵀ, stride 1, dilation s), with xᵀ = x as [c, H, W, n] (padded by the
 * convolution itself) and dyᵀ = dy as [h, w, n, o] the filter; crop, then [c,kh,kw,o] → [kh,kw,c,o].
 */
function viaDyAsFilter(s: KernelScope, x: tf.TensorInfo, dy: tf.TensorInfo, g: FilterGradGeometry): tf.TensorInfo {
  const xT = s.transpose(x, [3, 1, 2, 0]);
  const dyT = s.transpose(dy, [1, 2, 0, 3]);
  const r = s.run(
    Conv2D,
    { x: xT, filter: dyT },
    { strides: [1, 1], dilations: [g.strideHeight, g.strideWidth], pad: explicitPad(g.pads), dataFormat: 'NHWC' } as unknown as tf.NamedAttrMap,
  );
  return s.transpose(cropLeading(s, r, [g.inChannels, g.kh, g.kw, g.outChannels]), [1, 2, 0, 3]);
}

/**
 * Stride 1: kh GEMMs on trainkit's SIMD GEMM, reading x and dy in place (no im2col matrix).
 *
 * Lay x out padded as xp[n, Hp, Wp, c] (every window whole, plus a zero tail) and dy as
 * dyp[n, Hp, Wp, o] (zeros where no output is). Number the positions q = (n·Hp + h)·Wp + w; then
 * x at (n, h + i, w + j) is xp at q + i·Wp + j, so for each filter row i
 *   dW[i, j, c, o] = Σ_q xp[(q + i·Wp + j)·C + c] · dyp[q·O + o]
 * is one product C_i[(j, c), o] = A_i[(j, c), q] · B[q, o] whose A_i is xp read with a shifted base,
 * row stride one float (over (j, c)) and column stride C floats (over q). Positions outside the
 * output (h ≥ outH, w ≥ outW, where a shifted read wraps into the next row) meet dyp's zeros, so
 * they add exact zeros, as long as x is finite (a ±Inf or NaN in x can turn such a zero into NaN,
 * where the cpu backend would not read that element at all).
 * Work: kh·kw·C·O·n·Hp·Wp multiply-adds, (Hp·Wp)/(outH·outW) more than the true count.
 */
function viaShiftedGemm(s: KernelScope, backend: unknown, x: tf.TensorInfo, dy: tf.TensorInfo, g: FilterGradGeometry): tf.TensorInfo {
  const { n, inHeight, inWidth, inChannels: c, outHeight, outWidth, outChannels: o, kh, kw, pads } = g;
  const hp = pads.top + inHeight + pads.bottom;
  const wp = pads.left + inWidth + pads.right;
  const positions = n * hp * wp;
  const tail = (kh * wp + kw) * c;
  const xp = s.alloc([positions * c + tail]);
  const dyp = s.alloc([positions * o]);
  const dw = s.alloc([kh, kw, c, o]);
  const [xv, dyv, xpv, dypv] = [s.view(x), s.view(dy), s.view(xp), s.view(dyp)];
  xpv.fill(0);
  dypv.fill(0);
  for (let b = 0; b < n; b++) {
    for (let h = 0; h < inHeight; h++) {
      const from = (b * inHeight + h) * inWidth * c;
      xpv.set(xv.subarray(from, from + inWidth * c), ((b * hp + h + pads.top) * wp + pads.left) * c);
    }
    for (let h = 0; h < outHeight; h++) {
      const from = (b * outHeight + h) * outWidth * o;
      dypv.set(dyv.subarray(from, from + outWidth * o), (b * hp + h) * wp * o);
    }
  }
  const [px, pdy, pdw] = [xpv.byteOffset, dypv.byteOffset, s.view(dw).byteOffset];
  for (let i = 0; i < kh; i++) {
    gemm(backend, {
      a: { ptr: px + 4 * i * wp * c, rowStride: 4, colStride: 4 * c },
      b: { ptr: pdy, rowStride: 4 * o, colStride: 4 },
      c: { ptr: pdw + 4 * i * kw * c * o, rowStride: 4 * o, colStride: 4 },
      m: kw * c,
      k: positions,
      n: o,
    });
  }
  return dw;
}

/**
 * A filter of few weights per output channel (kh·kw·C ≤ IM2COL_MAX, e.g. a first layer on one
 * channel), any stride: the patch matrix P[q, (i, j, c)] = x at output position q shifted by (i, j)
 * (zero outside x) is small (kh·kw·C floats per output position), so it is built explicitly and
 * dW[(i, j, c), o] = Σ_q P[q, (i, j, c)]·dy[q, o] is one product, Pᵀ read in place.
 */
function viaIm2col(s: KernelScope, backend: unknown, x: tf.TensorInfo, dy: tf.TensorInfo, g: FilterGradGeometry): tf.TensorInfo {
  const { n, inHeight, inWidth, inChannels: c, outHeight, outWidth, outChannels: o, kh, kw, strideHeight, strideWidth, pads } = g;
  const r = kh * kw * c;
  const q = n * outHeight * outWidth;
  const patches = s.alloc([q, r]);
  const dw = s.alloc([kh, kw, c, o]);
  const [xv, pv] = [s.view(x), s.view(patches)];
  let at = 0;
  for (let b = 0; b < n; b++) {
    for (let h = 0; h < outHeight; h++) {
      for (let w = 0; w < outWidth; w++) {
        for (let i = 0; i < kh; i++) {
          const row = h * strideHeight + i - pads.top;
          for (let j = 0; j < kw; j++) {
            const col = w * strideWidth + j - pads.left;
            if (row < 0 || row >= inHeight || col < 0 || col >= inWidth) {
              pv.fill(0, at, at + c);
            } else {
              const from = ((b * inHeight + row) * inWidth + col) * c;
              for (let ch = 0; ch < c; ch++) pv[at + ch] = xv[from + ch];
            }
            at += c;
          }
        }
      }
    }
  }
  gemm(backend, {
    a: { ptr: pv.byteOffset, rowStride: 4, colStride: 4 * r },
    b: { ptr: s.view(dy).byteOffset, rowStride: 4 * o, colStride: 4 },
    c: { ptr: s.view(dw).byteOffset, rowStride: 4 * o, colStride: 4 },
    m: r,
    k: q,
    n: o,
  });
  return dw;
}

/** Largest kh·kw·C for which the filter gradient builds the patch matrix (`viaIm2col`). */
const IM2COL_MAX = 32;

function conv2DBackpropFilter(args: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
  const { x, dy, g } = geometry(args);
  const simd = g.outChannels >= 8 && gemmAvailable(args.backend);
  return kernelScope(args.backend, (s) => {
    if (simd && g.kh * g.kw * g.inChannels <= IM2COL_MAX) return viaIm2col(s, args.backend, x, dy, g);
    if (simd && g.strideHeight === 1 && g.strideWidth === 1) return viaShiftedGemm(s, args.backend, x, dy, g);
    return viaDyAsFilter(s, x, dy, g);
  });
}

function geometry(args: Parameters<tf.KernelFunc>[0]): { x: tf.TensorInfo; dy: tf.TensorInfo; g: FilterGradGeometry } {
  const { inputs, attrs } = args;
  const x = inputs.x as tf.TensorInfo;
  const dy = inputs.dy as tf.TensorInfo;
  const convAttrs = attrs as unknown as Conv2DGradAttrs & { filterShape: [number, number, number, number] };
  if (!isChannelsLast(convAttrs)) {
    throw new EngineError(`Conv2DBackpropFilter on wasm supports NHWC only, got dataFormat ${convAttrs.dataFormat}`);
  }
  if (x.dtype !== 'float32' || dy.dtype !== 'float32') {
    throw new EngineError(`Conv2DBackpropFilter on wasm supports float32 only, got ${x.dtype}/${dy.dtype}`);
  }
  const info = nhwcConvInfo(x.shape, convAttrs.filterShape, convAttrs);
  const { filterHeight: kh, filterWidth: kw, strideHeight, strideWidth } = info;
  const { top, left } = info.padInfo;
  // With a rounding mode, the last windows may reach past the stated bottom/right padding (they
  // read zeros there): pad far enough that every window is whole.
  const bottom = Math.max(info.padInfo.bottom, (info.outHeight - 1) * strideHeight + kh - info.inHeight - top);
  const right = Math.max(info.padInfo.right, (info.outWidth - 1) * strideWidth + kw - info.inWidth - left);
  return {
    x,
    dy,
    g: {
      n: info.batchSize,
      inHeight: info.inHeight,
      inWidth: info.inWidth,
      inChannels: info.inChannels,
      outHeight: info.outHeight,
      outWidth: info.outWidth,
      outChannels: info.outChannels,
      kh,
      kw,
      strideHeight,
      strideWidth,
      pads: { top, bottom, left, right },
    },
  };
}

/** Kernel config: `Conv2DBackpropFilter` on wasm as a forward XNNPACK convolution. */
export const conv2DBackpropFilterConfig: tf.KernelConfig = {
  kernelName: Conv2DBackpropFilter,
  backendName: 'wasm',
  kernelFunc: conv2DBackpropFilter as tf.KernelFunc,
};
