/**
 * `BatchMatMul` for the wasm backend, kept on XNNPACK's fast path.
 *
 * The shipped kernel calls XNNPACK's GEMM only for a single, untransposed product; with
 * `transposeA`/`transposeB` (the backward pass of every dense layer) or a batch it falls back to a
 * scalar triple loop, 10-50x slower. This kernel transposes operands explicitly (a cheap copy) and
 * calls the plain product:
 * - a single product in whichever orientation, A·B or (Bᵀ·Aᵀ)ᵀ, moves fewer floats (`preferSwapped`);
 * - a batch of `a` against one `b`: one GEMM on the stacked rows of every batch element;
 * - other batches: one GEMM per batch element. Tiny batched products, where that bookkeeping would
 *   cost more than the loop, and non-float32 inputs go to the shipped kernel.
 * Unlike the shipped kernel (and tfjs-cpu), batch dims that broadcast both ways
 * (`[2, 1, m, k] × [1, 3, k, n]`) give the full `[2, 3, m, n]` result.
 */
import * as tf from '@tensorflow/tfjs-core';
import { BatchMatMul, broadcast_util, util } from '@tensorflow/tfjs-core';
import { kernelScope, type KernelScope } from './scope.js';
import { originalKernel } from './registry.js';
import { gemm, gemmAvailable } from './gemm.js';

/** Multiply-adds per matrix product below which a batched product stays on the shipped loop. */
const SMALL_PRODUCT = 1 << 14;

export interface MatMulShapes {
  m: number;
  k: number;
  n: number;
  /** Product of the leading (batch) dims of a and b, and the broadcast batch shape of the output. */
  batchA: number;
  batchB: number;
  outBatch: number[];
}

/** Shapes of `matMul(a, b, transposeA, transposeB)` (throws on mismatched inner dims). */
export function matMulShapes(aShape: number[], bShape: number[], transposeA: boolean, transposeB: boolean): MatMulShapes {
  const ra = aShape.length;
  const rb = bShape.length;
  const m = transposeA ? aShape[ra - 1] : aShape[ra - 2];
  const k = transposeA ? aShape[ra - 2] : aShape[ra - 1];
  const kb = transposeB ? bShape[rb - 1] : bShape[rb - 2];
  const n = transposeB ? bShape[rb - 2] : bShape[rb - 1];
  util.assert(
    k === kb,
    () =>
      `Error in matMul: inner shapes (${k}) and (${kb}) of Tensors with shapes ${aShape} and ${bShape} ` +
      `and transposeA=${transposeA} and transposeB=${transposeB} must match.`,
  );
  const outerA = aShape.slice(0, -2);
  const outerB = bShape.slice(0, -2);
  return {
    m,
    k,
    n,
    batchA: util.sizeFromShape(outerA),
    batchB: util.sizeFromShape(outerB),
    outBatch: broadcast_util.assertAndGetBroadcastShape(outerA, outerB),
  };
}

/**
 * `x` as a rank-3 `[batch, rows, cols]` operand in plain (untransposed) layout: reshaped, and
 * transposed explicitly when `transposed` says its last two axes are swapped.
 */
export function plainOperand(
  s: KernelScope,
  x: tf.TensorInfo,
  batch: number,
  rows: number,
  cols: number,
  transposed: boolean,
): tf.TensorInfo {
  if (!transposed) return s.reshape(x, [batch, rows, cols]);
  return s.transpose(s.reshape(x, [batch, cols, rows]), [0, 2, 1]);
}

/** Flat index into an operand's batch dims for flat index `i` of the broadcast output batch. */
export function broadcastBatchIndex(i: number, outBatch: number[], operandBatch: number[]): number {
  let index = 0;
  let stride = 1;
  let rest = i;
  for (let d = outBatch.length - 1, e = operandBatch.length - 1; d >= 0; d--, e--) {
    const coord = rest % outBatch[d];
    rest = Math.floor(rest / outBatch[d]);
    if (e >= 0) {
      if (operandBatch[e] !== 1) index += coord * stride;
      stride *= operandBatch[e];
    }
  }
  return index;
}

function batchMatMul(args: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
  const { inputs, backend, attrs } = args;
  const a = inputs.a as tf.TensorInfo;
  const b = inputs.b as tf.TensorInfo;
  const transposeA = attrs?.transposeA === true;
  const transposeB = attrs?.transposeB === true;
  const shipped = originalKernel(BatchMatMul)!;
  if (a.dtype !== 'float32' || b.dtype !== 'float32') return shipped.kernelFunc(args) as tf.TensorInfo;
  const shapes = matMulShapes(a.shape, b.shape, transposeA, transposeB);
  const { m, k, n, batchA, batchB, outBatch } = shapes;
  const outShape = [...outBatch, m, n];
  const outBatchSize = util.sizeFromShape(outBatch);
  if (m * k * n === 0) return shipped.kernelFunc(args) as tf.TensorInfo;
  // The shipped loop is fine for tiny products, but it sizes its output max(batchA, batchB): wrong
  // when both sides broadcast ([2, 1, ...] × [1, 3, ...]), which the loop below gets right.
  const shippedIsRight = outBatchSize === Math.max(batchA, batchB);
  if (batchB > 1 && m * k * n < SMALL_PRODUCT && shippedIsRight) return shipped.kernelFunc(args) as tf.TensorInfo;
  const route = simdRoute(backend, m, k, n, transposeA, transposeB, batchA, batchB);
  if (route !== undefined) return simdProduct(backend, a, b, transposeA, transposeB, shapes, route);

  if (batchA === 1 && batchB === 1 && preferSwapped(m, k, n, transposeA, transposeB)) {
    // C = (Bᵀ·Aᵀ)ᵀ: XNNPACK repacks the right operand of every new product, so let the smaller
    // matrix be it (e.g. dy·Wᵀ in a dense layer's backward pass packs dy, not W).
    return kernelScope(backend, (s) => {
      const bT = plainOperand(s, b, 1, n, k, !transposeB);
      const aT = plainOperand(s, a, 1, k, m, !transposeA);
      const cT = s.run(BatchMatMul, { a: bT, b: aT }, { transposeA: false, transposeB: false });
      return s.reshape(s.transpose(cT, [0, 2, 1]), outShape);
    });
  }
  return kernelScope(backend, (s) => {
    const a3 = plainOperand(s, a, batchA, m, k, transposeA);
    const b3 = plainOperand(s, b, batchB, k, n, transposeB);
    if (batchB === 1) {
      // Every batch of `a` meets the same `b`: stack their rows into one GEMM.
      const out = s.run(BatchMatMul, { a: s.reshape(a3, [1, batchA * m, k]), b: b3 }, { transposeA: false, transposeB: false });
      if (batchA === outBatchSize) return s.reshape(out, outShape);
      // `a` itself was broadcast (batchA = 1 < output batch): repeat the single product.
      return repeatRows(s, out, outBatchSize, outShape);
    }
    const out = s.alloc([outBatchSize, m, n]);
    const aOuter = a.shape.slice(0, -2);
    const bOuter = b.shape.slice(0, -2);
    for (let i = 0; i < outBatchSize; i++) {
      const ai = copyBatch(s, a3, broadcastBatchIndex(i, outBatch, aOuter), m * k, [1, m, k]);
      const bi = copyBatch(s, b3, broadcastBatchIndex(i, outBatch, bOuter), k * n, [1, k, n]);
      const oi = s.run(BatchMatMul, { a: ai, b: bi }, { transposeA: false, transposeB: false });
      s.view(out).set(s.view(oi), i * m * n);
      s.free(oi);
      s.free(bi);
      s.free(ai);
    }
    return s.reshape(out, outShape);
  });
}

/** Estimated cost (ns) of one float moved by an explicit transpose, and of one scalar multiply-add. */
const TRANSPOSE_NS = 2;
const SCALAR_MAC_NS = 1;

/**
 * How the SIMD GEMM would compute a single product, and its overhead in ns, or undefined when it
 * should not (fewer than 8 output columns either way: tiny products stay on XNNPACK).
 * - 'direct': C = A·B. B must be unit-stride along n: a transposed `b` is transposed explicitly.
 * - 'swapped': Cᵀ = Bᵀ·Aᵀ, then C transposed back. Aᵀ must be unit-stride along m: a plain `a` is
 *   transposed explicitly. Bᵀ is read in place either way.
 * Overhead counted: explicit transposes, and the scalar loop over the last (columns mod 8).
 */
export function simdPlan(m: number, k: number, n: number, transposeA: boolean, transposeB: boolean): { route: 'direct' | 'swapped'; cost: number } | undefined {
  const plans: { route: 'direct' | 'swapped'; cost: number; cols: number }[] = [
    { route: 'direct', cols: n, cost: (transposeB ? k * n : 0) * TRANSPOSE_NS + m * k * (n % 8) * SCALAR_MAC_NS },
    { route: 'swapped', cols: m, cost: ((transposeA ? 0 : m * k) + m * n) * TRANSPOSE_NS + n * k * (m % 8) * SCALAR_MAC_NS },
  ];
  const usable = plans.filter((p) => p.cols >= 8).sort((x, y) => x.cost - y.cost);
  return usable.length > 0 ? { route: usable[0].route, cost: usable[0].cost } : undefined;
}

/**
 * How the SIMD GEMM takes a product, or undefined when it does not: it must be available and have a
 * plan (single products), or, for a batch (always direct), at least 8 columns.
 * (`TRAINKIT_SIMD_GEMM=0` in the environment turns the route off, for comparisons.)
 */
function simdRoute(backend: unknown, m: number, k: number, n: number, transposeA: boolean, transposeB: boolean, batchA: number, batchB: number): 'direct' | 'swapped' | undefined {
  if (process.env.TRAINKIT_SIMD_GEMM === '0' || !gemmAvailable(backend)) return undefined;
  if (batchA === 1 && batchB === 1) return simdPlan(m, k, n, transposeA, transposeB)?.route;
  return n >= 8 ? 'direct' : undefined;
}

/**
 * The product on trainkit's SIMD GEMM (gemm.ts), which reads its operands in place: no packing, and
 * a transposed `a` or a batch element is just other strides/offsets. `route` is `simdRoute`'s: a
 * batch is always direct, one GEMM per batch element (a transposed `b` is transposed explicitly first).
 */
function simdProduct(
  backend: unknown,
  a: tf.TensorInfo,
  b: tf.TensorInfo,
  transposeA: boolean,
  transposeB: boolean,
  { m, k, n, batchA, batchB, outBatch }: MatMulShapes,
  route: 'direct' | 'swapped',
): tf.TensorInfo {
  const outShape = [...outBatch, m, n];
  const aOuter = a.shape.slice(0, -2);
  const bOuter = b.shape.slice(0, -2);
  const outBatchSize = util.sizeFromShape(outBatch);
  return kernelScope(backend, (s) => {
    if (route === 'swapped') {
      // Cᵀ[n, m] = Bᵀ[n, k] · Aᵀ[k, m], then C = (Cᵀ)ᵀ.
      const aT = transposeA ? a : s.transpose(s.reshape(a, [m, k]), [1, 0]); // [k, m]
      const cT = s.alloc([n, m]);
      const [pb, pa, pc] = [s.view(b).byteOffset, s.view(aT).byteOffset, s.view(cT).byteOffset];
      gemm(backend, {
        // Bᵀ[j, p]: b is [k, n] (element (p, j) at 4(p·n + j)) or, transposed, [n, k].
        a: transposeB ? { ptr: pb, rowStride: 4 * k, colStride: 4 } : { ptr: pb, rowStride: 4, colStride: 4 * n },
        b: { ptr: pa, rowStride: 4 * m, colStride: 4 },
        c: { ptr: pc, rowStride: 4 * m, colStride: 4 },
        m: n,
        k,
        n: m,
      });
      return s.reshape(s.transpose(cT, [1, 0]), outShape);
    }
    // b unit-stride along its columns: [batchB, k, n].
    const bPlain = transposeB ? plainOperand(s, b, batchB, k, n, true) : b;
    const out = s.alloc([outBatchSize, m, n]);
    const [pa, pb, pc] = [s.view(a).byteOffset, s.view(bPlain).byteOffset, s.view(out).byteOffset];
    for (let i = 0; i < outBatchSize; i++) {
      const ai = batchA === outBatchSize ? i : broadcastBatchIndex(i, outBatch, aOuter);
      const bi = batchB === outBatchSize ? i : broadcastBatchIndex(i, outBatch, bOuter);
      gemm(backend, {
        // A[i, p]: a is [m, k] (row stride k) or, transposed, [k, m] (row stride 1).
        a: transposeA
          ? { ptr: pa + 4 * ai * m * k, rowStride: 4, colStride: 4 * m }
          : { ptr: pa + 4 * ai * m * k, rowStride: 4 * k, colStride: 4 },
        b: { ptr: pb + 4 * bi * k * n, rowStride: 4 * n, colStride: 4 },
        c: { ptr: pc + 4 * i * m * n, rowStride: 4 * n, colStride: 4 },
        m,
        k,
        n,
      });
    }
    return s.reshape(out, outShape);
  });
}

/**
 * Whether computing (Bᵀ·Aᵀ)ᵀ moves fewer floats than A·B. Counted: explicit transposes and the
 * repacking of the right operand that XNNPACK does for every new right operand (a fresh tensor each
 * training step). Direct: [tA]·mk + [tB]·kn + kn. Swapped: [¬tB]·kn + [¬tA]·mk + mk + mn.
 */
export function preferSwapped(m: number, k: number, n: number, transposeA: boolean, transposeB: boolean): boolean {
  const direct = (transposeA ? m * k : 0) + (transposeB ? k * n : 0) + k * n;
  const swapped = (transposeB ? 0 : k * n) + (transposeA ? 0 : m * k) + m * k + m * n;
  return swapped < direct;
}

/** A copy of batch element `index` (each `size` floats long) of a rank-3 operand. */
function copyBatch(s: KernelScope, x: tf.TensorInfo, index: number, size: number, shape: number[]): tf.TensorInfo {
  const out = s.alloc(shape);
  s.view(out).set(s.view(x).subarray(index * size, (index + 1) * size));
  return out;
}

function repeatRows(s: KernelScope, x: tf.TensorInfo, times: number, shape: number[]): tf.TensorInfo {
  const out = s.alloc(shape);
  const src = s.view(x);
  const dst = s.view(out);
  for (let i = 0; i < times; i++) dst.set(src, i * src.length);
  return out;
}

/** Kernel config: `BatchMatMul` on wasm through explicit transposes and XNNPACK's GEMM. */
export const batchMatMulConfig: tf.KernelConfig = {
  kernelName: BatchMatMul,
  backendName: 'wasm',
  kernelFunc: batchMatMul as tf.KernelFunc,
};
