/**
 * `gemm`: C (+)= A·B on the wasm heap with trainkit's SIMD kernels (gemm_simd.ts), for the kernels
 * that replace XNNPACK's packing-bound products. Operands are described by byte addresses and byte
 * strides, so transposed, shifted or batched views are read in place, never copied.
 *
 * Columns up to the last multiple of 8 go through the wasm module's chunks (its block loop and tile
 * kernels), shared between threads when the product is large (gemm_threads.ts); the columns past
 * the last multiple of 8 through a scalar loop here.
 */
import { EngineError } from '../../errors.js';
import { gemmChunkRunner } from './gemm_simd.js';
import { backendMemory } from './fused_simd.js';
import { parallelProduct } from './gemm_threads.js';
import { nativeGemm } from '../native/gemm.js';

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
  return gemmChunkRunner(backend) !== undefined;
}

/**
 * C (+)= A·B: on the native BLAS when one is active (engine/native), else on the SIMD kernels.
 * Throws if the SIMD kernels are unavailable: check `gemmAvailable` first.
 */
export function gemm(backend: unknown, args: GemmArgs): void {
  if (nativeGemm(backendMemory(backend), args)) return;
  const runChunk = gemmChunkRunner(backend);
  const memory = backendMemory(backend);
  if (runChunk === undefined || memory === undefined) throw new EngineError('gemm: no SIMD kernels on this backend');
  const { a, b, c, m, k, n } = args;
  if (b.colStride !== 4 || c.colStride !== 4) throw new EngineError(`gemm: B and C must be unit-stride along columns (colStride 4), got ${b.colStride} and ${c.colStride}`);
  const n8 = n - (n % 8);
  const accumulate = args.accumulate === true ? 1 : 0;
  if (n8 > 0) parallelProduct(runChunk, memory, [a.ptr, a.rowStride, a.colStride, b.ptr, b.rowStride, c.ptr, c.rowStride, m, k, accumulate, n8]);
  if (n8 < n) scalarColumns(memory, args, n8, n);
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
