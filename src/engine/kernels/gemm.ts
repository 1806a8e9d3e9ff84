/**
 * `gemm`: C (+)= A·B on the wasm heap with trainkit's SIMD tile kernels (gemm_simd.ts), for the
 * kernels that replace XNNPACK's packing-bound products. Operands are described by byte addresses
 * and byte strides, so transposed, shifted or batched views are read in place, never copied.
 *
 * Blocking: the shared dimension is cut into blocks of `K_BLOCK` so that the panel of B a tile
 * sweeps (K_BLOCK rows × 8 columns) stays in the first-level cache while every row tile of A
 * passes over it; later blocks add to C. Rows past the last multiple of 4 go through the 1-row
 * kernel, columns past the last multiple of 8 through a scalar loop.
 */
import { EngineError } from '../../errors.js';
import { gemmKernels, type GemmKernels } from './gemm_simd.js';
import { backendMemory } from './fused_simd.js';
import { parallelColumns } from './gemm_threads.js';

/** Rows of the shared dimension per block (a 256 × 8 float panel is 8 KiB). */
export const K_BLOCK = 256;

/** A matrix on the heap: element (r, c) at `ptr + r·rowStride + c·colStride` (bytes). */
export interface HeapMatrix {
  ptr: number;
  rowStride: number;
  colStride: number;
}

export interface GemmArgs {
  a: HeapMatrix;
  /** B must be unit-stride along its columns (colStride 4). */
  b: HeapMatrix;
  /** C must be unit-stride along its columns (colStride 4). */
  c: HeapMatrix;
  m: number;
  k: number;
  n: number;
  /** Add to C instead of overwriting it. */
  accumulate?: boolean;
}

/** Whether the SIMD GEMM can run on this backend (wasm with SIMD and a reachable heap). */
export function gemmAvailable(backend: unknown): boolean {
  return gemmKernels(backend) !== undefined;
}

/** C (+)= A·B. Throws if the SIMD kernels are unavailable: check `gemmAvailable` first. */
export function gemm(backend: unknown, args: GemmArgs): void {
  const kernels = gemmKernels(backend);
  const memory = backendMemory(backend);
  if (kernels === undefined || memory === undefined) throw new EngineError('gemm: no SIMD kernels on this backend');
  const { a, b, c, m, k, n } = args;
  if (b.colStride !== 4 || c.colStride !== 4) throw new EngineError(`gemm: B and C must be unit-stride along columns (colStride 4), got ${b.colStride} and ${c.colStride}`);
  const n8 = n - (n % 8);
  if (n8 > 0) parallelColumns(kernels, memory, args, n8);
  if (n8 < n) scalarColumns(memory, args, n8, n);
}

/** Columns [j0, j1) (multiples of 8) of C, every row, every block of the shared dimension. */
export function tiles(kernels: GemmKernels, args: GemmArgs, j0: number, j1: number): void {
  const { a, b, c, m, k } = args;
  const m4 = m - (m % 4);
  for (let k0 = 0; k0 < k; k0 += K_BLOCK) {
    const kc = Math.min(K_BLOCK, k - k0);
    const acc = args.accumulate === true || k0 > 0 ? 1 : 0;
    const pa = a.ptr + k0 * a.colStride;
    const pb = b.ptr + k0 * b.rowStride;
    if (m4 > 0) kernels.run4(pa, pb, c.ptr, m4, kc, a.rowStride, a.colStride, b.rowStride, c.rowStride, j0, j1, acc);
    if (m4 < m) kernels.run1(pa + m4 * a.rowStride, pb, c.ptr + m4 * c.rowStride, m - m4, kc, a.rowStride, a.colStride, b.rowStride, c.rowStride, j0, j1, acc);
  }
}

/** The last n mod 8 columns, in scalar float32 arithmetic (same order as the tiles: p ascending). */
function scalarColumns(memory: WebAssembly.Memory, args: GemmArgs, j0: number, j1: number): void {
  const heap = new Float32Array(memory.buffer);
  const { a, b, c, m, k } = args;
  for (let i = 0; i < m; i++) {
    for (let j = j0; j < j1; j++) {
      const ci = (c.ptr + i * c.rowStride + 4 * j) >>> 2; // >>> : heap addresses may pass 2³¹
      let s = args.accumulate === true ? heap[ci] : 0;
      let pa = a.ptr + i * a.rowStride;
      let pb = b.ptr + 4 * j;
      for (let p = 0; p < k; p++, pa += a.colStride, pb += b.rowStride) s = Math.fround(s + Math.fround(heap[pa >>> 2] * heap[pb >>> 2]));
      heap[ci] = s;
    }
  }
}
