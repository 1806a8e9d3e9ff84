/**
 * trainkit's `gemm` (kernels/gemm.ts: operands as byte addresses and byte strides on the wasm heap)
 * on the native BLAS, when one is active.
 *
 * BLAS takes a row-major operand plain (unit stride along rows, leading dimension ≥ its columns) or
 * transposed (unit stride down columns, leading dimension ≥ its rows). An A read in place with
 * overlapping rows (the shifted windows of a convolution's filter gradient: unit row stride, column
 * stride C < m floats) is cut into blocks of C rows, each a valid transposed operand.
 */
import { activeBlas, heapOf } from './blas.js';

/** A matrix on the heap: element (r, c) at `ptr + r·rowStride + c·colStride` (bytes). */
interface HeapOperand {
  ptr: number;
  rowStride: number;
  colStride: number;
}

/** C (+)= A·B as kernels/gemm.ts's `GemmArgs` describes it (that module imports this one). */
export interface HeapProduct {
  a: HeapOperand;
  b: HeapOperand;
  c: HeapOperand;
  m: number;
  k: number;
  n: number;
  accumulate?: boolean;
}

/**
 * Computes `args` on the active native BLAS and returns true, or returns false (and does nothing)
 * when no BLAS is active or the strides are not ones BLAS can take.
 *
 * @example
 * if (!nativeGemm(memory, args)) wasmGemm(backend, args);
 */
export function nativeGemm(memory: WebAssembly.Memory | undefined, args: HeapProduct): boolean {
  const blas = activeBlas();
  if (blas === null || memory === undefined) return false;
  const { a, b, c, m, k, n } = args;
  if (b.colStride !== 4 || c.colStride !== 4 || b.rowStride % 4 !== 0 || c.rowStride % 4 !== 0) return false;
  const [ldb, ldc] = [b.rowStride / 4, c.rowStride / 4];
  if (ldb < n || ldc < n) return false;
  const beta = args.accumulate === true ? 1 : 0;
  const heap = heapOf(memory);
  if (a.colStride === 4 && a.rowStride % 4 === 0 && a.rowStride / 4 >= Math.max(1, k)) {
    blas.sgemm(heap, false, false, m, n, k, a.ptr, a.rowStride / 4, b.ptr, ldb, beta, c.ptr, ldc);
    return true;
  }
  if (a.rowStride !== 4 || a.colStride % 4 !== 0 || a.colStride === 0) return false;
  const lda = a.colStride / 4;
  for (let r = 0; r < m; r += lda) {
    const rows = Math.min(lda, m - r);
    blas.sgemm(heap, true, false, rows, n, k, a.ptr + 4 * r, lda, b.ptr, ldb, beta, c.ptr + r * c.rowStride, ldc);
  }
  return true;
}
