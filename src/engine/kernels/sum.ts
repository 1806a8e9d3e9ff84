/**
 * `Sum` over leading axes for the wasm backend, without a transpose.
 *
 * The gradient of a bias add sums dy over every axis but the last (`[n, h, w, c]` → `[c]`). The
 * shipped kernel first transposes the reduced axes to the end (a full strided copy), then sums:
 * 17 ms for a `[64, 24, 24, 64]` gradient, 4% of a small CNN's step. When the reduced axes are a
 * leading block, the input already is `rows × cols` with the sum running down the columns, and it
 * is summed by halving: the bottom half of the rows is added onto the top half with one SIMD pass
 * (trainkit's runtime-built wasm SIMD add, reading the buffer where it is), until one row is
 * left: ~1 ms for that gradient. This is pairwise summation, whose float32 rounding error grows
 * like log(rows) instead of rows for the sequential sum of the shipped kernel and of tfjs-cpu: not
 * bit-identical to them, but closer to the exact sum. Where SIMD is unavailable or a row is not a
 * whole number of SIMD lanes, a JavaScript pass accumulates the rows in order in doubles (what the
 * cpu backend computes). Other reductions (innermost axes, which the shipped kernel does without a
 * transpose; non-float32 inputs) go to the shipped kernel.
 */
import * as tf from '@tensorflow/tfjs-core';
import { backend_util, Sum, util } from '@tensorflow/tfjs-core';
import { originalKernel } from './registry.js';
import { kernelScope, type KernelScope } from './scope.js';
import { lanes, simdFunction, type SimdKernel } from './fused_simd.js';

const ADD: SimdKernel = { name: 'trainkit.sum.add', inputs: 2, outputs: 1, constants: 0, build: ([a, b]) => [lanes.add(a, b)] };

/** The number of leading axes `axes` reduces when they are exactly `0 … p−1` (else 0). */
export function leadingAxesCount(axes: number[], rank: number): number {
  const sorted = [...new Set(axes)].sort((a, b) => a - b);
  if (sorted.length === 0 || sorted.length === rank) return 0;
  return sorted.every((a, i) => a === i) ? sorted.length : 0;
}

function sum(args: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
  const { inputs, backend, attrs } = args;
  const x = inputs.x as tf.TensorInfo;
  const { axis, keepDims } = attrs as unknown as { axis: number | number[]; keepDims: boolean };
  const axes = util.parseAxisParam(axis, x.shape);
  const p = leadingAxesCount(axes, x.shape.length);
  if (x.dtype !== 'float32' || p === 0 || util.sizeFromShape(x.shape) === 0) {
    return originalKernel(Sum)!.kernelFunc(args) as tf.TensorInfo;
  }
  const rows = util.sizeFromShape(x.shape.slice(0, p));
  const cols = util.sizeFromShape(x.shape.slice(p));
  const kept = x.shape.slice(p);
  const outShape = keepDims ? backend_util.expandShapeToKeepDim(kept, axes) : kept;
  const add = simdFunction(backend, ADD);
  return kernelScope(backend, (s) => {
    const out = s.alloc(outShape);
    if (add !== undefined && cols % 4 === 0 && rows > 1) halvingSum(s, x, out, rows, cols, add);
    else sequentialSum(s, x, out, rows, cols);
    return out;
  });
}

/** Column sums of `x` (rows × cols) into `out` by repeated halving with a SIMD add. */
function halvingSum(s: KernelScope, x: tf.TensorInfo, out: tf.TensorInfo, rows: number, cols: number, add: (...a: number[]) => void): void {
  let h = rows >> 1;
  const rest = rows - h; // rows left after this pass: h sums, plus the middle row when rows is odd
  const tmp = s.alloc([rest * cols]);
  const src = s.view(x);
  const buf = s.view(tmp);
  const bytes = cols * 4;
  add(src.byteOffset, src.byteOffset + (rows - h) * bytes, buf.byteOffset, h * cols);
  if (rest > h) buf.set(src.subarray(h * cols, (h + 1) * cols), h * cols);
  for (let n = rest; n > 1; n -= h) {
    h = n >> 1;
    add(buf.byteOffset, buf.byteOffset + (n - h) * bytes, buf.byteOffset, h * cols);
  }
  s.view(out).set(buf.subarray(0, cols));
}

/** Column sums in one pass, rows added in order into double accumulators. */
function sequentialSum(s: KernelScope, x: tf.TensorInfo, out: tf.TensorInfo, rows: number, cols: number): void {
  const src = s.view(x);
  const acc = new Float64Array(cols);
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    for (let c = 0; c < cols; c++) acc[c] += src[o + c];
  }
  s.view(out).set(acc);
}

/** Kernel config: `Sum` on wasm, leading axes summed in one pass. */
export const sumConfig: tf.KernelConfig = {
  kernelName: Sum,
  backendName: 'wasm',
  kernelFunc: sum as tf.KernelFunc,
};
