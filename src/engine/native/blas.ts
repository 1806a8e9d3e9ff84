/**
 * The native BLAS that trainkit's wasm kernels may hand their matrix products to, and whether they
 * do now. This module holds state only (no Node imports): the kernels read it, the engine sets it
 * (`openblas.ts` loads the library in Node, `route.ts` decides whether it is used).
 */

/**
 * One row-major single-precision product C = A·B (+ beta·C) on a wasm heap, as `cblas_sgemm` takes
 * it: operands are byte offsets into `heap`, leading dimensions are in floats.
 */
export type Sgemm = (
  heap: Float32Array,
  transA: boolean,
  transB: boolean,
  m: number,
  n: number,
  k: number,
  a: number,
  lda: number,
  b: number,
  ldb: number,
  beta: number,
  c: number,
  ldc: number,
) => void;

/** A loaded native BLAS. */
export interface NativeBlas {
  sgemm: Sgemm;
  /** The file that was loaded. */
  library: string;
  /** The library's own description of its build (OpenBLAS: `openblas_get_config()`). */
  version: string;
  /** Threads the library computes a product with. */
  threads: number;
}

let active: NativeBlas | null = null;
/** The BLAS `active` counts the products of. */
let source: NativeBlas | null = null;
let products = 0;

/** The BLAS that kernels use now, or null: they stay on the wasm route. */
export function activeBlas(): NativeBlas | null {
  return active;
}

/** Makes `blas` the BLAS of the kernels (null: the wasm route). */
export function setActiveBlas(blas: NativeBlas | null): void {
  if (blas === source || blas === active) return;
  source = blas;
  if (blas === null) {
    active = null;
    return;
  }
  const sgemm = blas.sgemm;
  const counted: Sgemm = (...args) => {
    products++;
    sgemm(...args);
  };
  active = { ...blas, sgemm: counted };
}

/** How many products the kernels gave the native BLAS so far (for tests and benchmarks). */
export function nativeProducts(): number {
  return products;
}

const heaps = new WeakMap<ArrayBufferLike, Float32Array>();

/** A Float32Array over the whole of `memory` (cached per buffer: growing the memory replaces it). */
export function heapOf(memory: WebAssembly.Memory): Float32Array {
  const buffer = memory.buffer;
  let heap = heaps.get(buffer);
  if (heap === undefined) {
    heap = new Float32Array(buffer);
    heaps.set(buffer, heap);
  }
  return heap;
}
