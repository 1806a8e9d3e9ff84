/**
 * A float32 matrix product in WebAssembly SIMD that reads its operands where they are.
 *
 * Why: XNNPACK (behind the wasm backend's MatMul and Conv2D) repacks the right operand of every new
 * product before computing, and in tfjs-backend-wasm 4.22 that repacking costs 10–26 ns per
 * element (measured, 2 threads) against ~0.06 ns per multiply-add of the product itself: for a
 * training step, where every weight and gradient is a new tensor, packing costs as much as the
 * arithmetic. This kernel needs no packing: its inner loop keeps a 4×8 block of C in eight SIMD
 * registers and, per step of the shared dimension, loads 8 floats of a row of B and broadcasts 4
 * floats of A.
 *
 * The module exports one function, `chunk(...job, byRows, size, index)` (`ChunkRunner`): one chunk
 * of the product C (+)= A·B described by `GemmJob`, with byte addresses (A[i, p] = a + i·sai + p·sak,
 * B[p, j] = b + p·sbk + 4j, C[i, j] = c + i·ldc + 4j: strides let A be read transposed without a
 * copy; B and C are unit-stride along j). The chunk is rows [index·size, +size) of C, every column
 * below n8 (byRows ≠ 0), or columns [index·size, +size) below n8, every row (byRows = 0); a chunk of
 * size n8 by columns is the whole product. The caller and every GEMM worker thread run products
 * through this one function (gemm_threads.ts), so they share one block loop.
 *
 * Inside a chunk: the shared dimension is cut into blocks of `K_BLOCK` so that the panel of B a
 * tile sweeps (K_BLOCK rows × 8 columns) stays in the first-level cache while every row tile of A
 * passes over it; the first block overwrites C (unless the job accumulates), later blocks add to it.
 * Each block runs the 4-row tile kernel over the rows down to the last multiple of 4 and the 1-row
 * kernel over the rest. So every element is summed in ascending p in float32, whatever the chunks.
 */
import { backendMemory, uleb, sleb, str, vec, section, simd, I32, V128, OP, VOP as V } from './fused_simd.js';

/** Rows of the shared dimension per block (a 256 × 8 float panel is 8 KiB). */
export const K_BLOCK = 256;

const mem = (offset: number) => [4, ...uleb(offset)]; // align 2^4 hint, byte offset

// Parameters, then locals.
const P = { a: 0, b: 1, c: 2, m: 3, k: 4, sai: 5, sak: 6, sbk: 7, ldc: 8, j0: 9, j1: 10, accumulate: 11 } as const;
const PARAMS = 12;
const L = { i: 12, j: 13, kk: 14, pb: 15, pc: 16, pa: 17 } as const;
const get = (x: number) => [OP.localGet, ...uleb(x)];
const set = (x: number) => [OP.localSet, ...uleb(x)];
const ZERO = [...simd(V.const), ...new Array(16).fill(0)];

/**
 * The body of the R-row tile kernel `(a, b, c, m, k, sai, sak, sbk, ldc, j0, j1, accumulate)`: for
 * rows 0 ≤ i < m (a multiple of R) and columns j0 ≤ j < j1 (j1 − j0 a multiple of 8),
 * C[i, j] (+)= Σ_p<k A[i, p]·B[p, j], adding to C when `accumulate` ≠ 0.
 */
function body(rows: number): number[] {
  const acc = L.pa + rows; // v128 locals: 2·rows accumulators, b0, b1, av
  const b0 = acc + 2 * rows;
  const b1 = b0 + 1;
  const av = b1 + 1;
  const c: number[] = [];
  const pcOfTile = [...get(P.c), ...get(L.i), ...get(P.ldc), OP.i32Mul, OP.i32Add, ...get(L.j), OP.i32Const, 4, OP.i32Mul, OP.i32Add, ...set(L.pc)];
  c.push(...get(P.j0), ...set(L.j));
  c.push(OP.block, 0x40, OP.loop, 0x40);
  c.push(...get(L.j), ...get(P.j1), OP.i32GeU, OP.brIf, 1);
  c.push(OP.i32Const, 0, ...set(L.i));
  c.push(OP.block, 0x40, OP.loop, 0x40);
  c.push(...get(L.i), ...get(P.m), OP.i32GeU, OP.brIf, 1);
  // Accumulators: C's current values (accumulate ≠ 0) or zeros.
  c.push(...get(P.accumulate), OP.if, 0x40, ...pcOfTile);
  for (let r = 0; r < rows; r++) {
    c.push(...get(L.pc), ...simd(V.load), ...mem(0), ...set(acc + 2 * r));
    c.push(...get(L.pc), ...simd(V.load), ...mem(16), ...set(acc + 2 * r + 1));
    c.push(...get(L.pc), ...get(P.ldc), OP.i32Add, ...set(L.pc));
  }
  c.push(OP.else);
  for (let r = 0; r < 2 * rows; r++) c.push(...ZERO, ...set(acc + r));
  c.push(OP.end);
  // Row pointers into A: pa_r = a + (i + r)·sai; pb = b + 4j.
  c.push(...get(P.a), ...get(L.i), ...get(P.sai), OP.i32Mul, OP.i32Add, ...set(L.pa));
  for (let r = 1; r < rows; r++) c.push(...get(L.pa + r - 1), ...get(P.sai), OP.i32Add, ...set(L.pa + r));
  c.push(...get(P.b), ...get(L.j), OP.i32Const, 4, OP.i32Mul, OP.i32Add, ...set(L.pb));
  c.push(...get(P.k), ...set(L.kk));
  c.push(OP.block, 0x40, OP.loop, 0x40);
  c.push(...get(L.kk), OP.i32Eqz, OP.brIf, 1);
  c.push(...get(L.pb), ...simd(V.load), ...mem(0), ...set(b0));
  c.push(...get(L.pb), ...simd(V.load), ...mem(16), ...set(b1));
  for (let r = 0; r < rows; r++) {
    c.push(...get(L.pa + r), ...simd(V.load32Splat), 2, 0, ...set(av));
    for (let h = 0; h < 2; h++) {
      const x = acc + 2 * r + h;
      c.push(...get(x), ...get(av), ...get(h === 0 ? b0 : b1), ...simd(V.f32x4Mul), ...simd(V.f32x4Add), ...set(x));
    }
  }
  for (let r = 0; r < rows; r++) c.push(...get(L.pa + r), ...get(P.sak), OP.i32Add, ...set(L.pa + r));
  c.push(...get(L.pb), ...get(P.sbk), OP.i32Add, ...set(L.pb));
  c.push(...get(L.kk), OP.i32Const, 1, OP.i32Sub, ...set(L.kk));
  c.push(OP.br, 0, OP.end, OP.end);
  c.push(...pcOfTile);
  for (let r = 0; r < rows; r++) {
    c.push(...get(L.pc), ...get(acc + 2 * r), ...simd(V.store), ...mem(0));
    c.push(...get(L.pc), ...get(acc + 2 * r + 1), ...simd(V.store), ...mem(16));
    c.push(...get(L.pc), ...get(P.ldc), OP.i32Add, ...set(L.pc));
  }
  c.push(...get(L.i), OP.i32Const, rows, OP.i32Add, ...set(L.i));
  c.push(OP.br, 0, OP.end, OP.end);
  c.push(...get(L.j), OP.i32Const, 8, OP.i32Add, ...set(L.j));
  c.push(OP.br, 0, OP.end, OP.end);
  c.push(OP.end);
  const locals = vec([
    [...uleb(L.pa + rows - PARAMS), I32],
    [...uleb(2 * rows + 3), V128],
  ]);
  return [...locals, ...c];
}

// The chunk function: its parameters (the job, then byRows, size, index), then locals.
const Q = { a: 0, sai: 1, sak: 2, b: 3, sbk: 4, c: 5, ldc: 6, m: 7, k: 8, accumulate: 9, n8: 10, byRows: 11, size: 12, index: 13 } as const;
const CHUNK_PARAMS = 14;
const CL = { i0: 14, rows: 15, j0: 16, j1: 17, m4: 18, k0: 19, pa: 20, pak: 21, pb: 22, pc: 23, acc: 24, kc: 25 } as const;
const RUN4 = 0;
const RUN1 = 1;
const i32 = (x: number) => [OP.i32Const, ...sleb(x)];
/** min(x, y), unsigned; x and y are side-effect-free code, evaluated twice. */
const minU = (x: number[], y: number[]) => [...x, ...y, ...x, ...y, OP.i32LtU, OP.select];

/** The body of `chunk`: the chunk's rectangle of C, then the block loop over the shared dimension. */
function chunkBody(): number[] {
  const c: number[] = [];
  // Rows [i0, i0 + rows) and columns [j0, j1) of C.
  c.push(...get(Q.byRows), OP.if, 0x40);
  c.push(...get(Q.index), ...get(Q.size), OP.i32Mul, ...set(CL.i0));
  c.push(...minU([...get(Q.m), ...get(CL.i0), OP.i32Sub], get(Q.size)), ...set(CL.rows));
  c.push(...i32(0), ...set(CL.j0), ...get(Q.n8), ...set(CL.j1));
  c.push(OP.else);
  c.push(...i32(0), ...set(CL.i0), ...get(Q.m), ...set(CL.rows));
  c.push(...get(Q.index), ...get(Q.size), OP.i32Mul, ...set(CL.j0));
  c.push(...get(CL.j0), ...minU([...get(Q.n8), ...get(CL.j0), OP.i32Sub], get(Q.size)), OP.i32Add, ...set(CL.j1));
  c.push(OP.end);
  c.push(...get(CL.rows), ...i32(-4), OP.i32And, ...set(CL.m4));
  c.push(...get(Q.a), ...get(CL.i0), ...get(Q.sai), OP.i32Mul, OP.i32Add, ...set(CL.pa));
  c.push(...get(Q.c), ...get(CL.i0), ...get(Q.ldc), OP.i32Mul, OP.i32Add, ...set(CL.pc));
  c.push(...i32(0), ...set(CL.k0));
  c.push(OP.block, 0x40, OP.loop, 0x40);
  c.push(...get(CL.k0), ...get(Q.k), OP.i32GeU, OP.brIf, 1);
  c.push(...minU([...get(Q.k), ...get(CL.k0), OP.i32Sub], i32(K_BLOCK)), ...set(CL.kc));
  c.push(...get(Q.accumulate), ...get(CL.k0), ...i32(0), OP.i32Ne, OP.i32Or, ...set(CL.acc));
  c.push(...get(CL.pa), ...get(CL.k0), ...get(Q.sak), OP.i32Mul, OP.i32Add, ...set(CL.pak));
  c.push(...get(Q.b), ...get(CL.k0), ...get(Q.sbk), OP.i32Mul, OP.i32Add, ...set(CL.pb));
  const strides = [...get(Q.sai), ...get(Q.sak), ...get(Q.sbk), ...get(Q.ldc), ...get(CL.j0), ...get(CL.j1), ...get(CL.acc)];
  c.push(...get(CL.m4), OP.if, 0x40);
  c.push(...get(CL.pak), ...get(CL.pb), ...get(CL.pc), ...get(CL.m4), ...get(CL.kc), ...strides, OP.call, RUN4);
  c.push(OP.end);
  c.push(...get(CL.m4), ...get(CL.rows), OP.i32LtU, OP.if, 0x40);
  c.push(...get(CL.pak), ...get(CL.m4), ...get(Q.sai), OP.i32Mul, OP.i32Add, ...get(CL.pb));
  c.push(...get(CL.pc), ...get(CL.m4), ...get(Q.ldc), OP.i32Mul, OP.i32Add);
  c.push(...get(CL.rows), ...get(CL.m4), OP.i32Sub, ...get(CL.kc), ...strides, OP.call, RUN1);
  c.push(OP.end);
  c.push(...get(CL.k0), ...i32(K_BLOCK), OP.i32Add, ...set(CL.k0));
  c.push(OP.br, 0, OP.end, OP.end);
  c.push(OP.end);
  const locals = vec([[...uleb(CL.kc + 1 - CHUNK_PARAMS), I32]]);
  return [...locals, ...c];
}

/** The module: imports `env.memory` (shared or not), exports `chunk` (its helpers, the tile kernels, stay inside). */
export function compileGemmModule(sharedMemory: boolean): Uint8Array<ArrayBuffer> {
  const i32s = (n: number) => vec(Array.from({ length: n }, () => [I32]));
  const tileType = [0x60, ...i32s(PARAMS), ...vec([])];
  const chunkType = [0x60, ...i32s(CHUNK_PARAMS), ...vec([])];
  const limits = sharedMemory ? [0x03, 0, ...uleb(65536)] : [0x00, 0];
  const bodies = [body(4), body(1), chunkBody()];
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec([tileType, chunkType])),
    ...section(2, vec([[...str('env'), ...str('memory'), 0x02, ...limits]])),
    ...section(3, vec([[0], [0], [1]])), // run4, run1: tileType; chunk: chunkType
    ...section(7, vec([[...str('chunk'), 0x00, 2]])),
    ...section(10, vec(bodies.map((b) => [...uleb(b.length), ...b]))),
  ]);
}

/**
 * A product as `chunk` takes it: byte addresses and strides of A, B and C, the sizes, `accumulate`
 * (1: add to C, 0: overwrite it), and n8, the columns the tiles cover (n rounded down to a
 * multiple of 8; the caller does the rest).
 */
export type GemmJob = [a: number, sai: number, sak: number, b: number, sbk: number, c: number, ldc: number, m: number, k: number, accumulate: number, n8: number];

/** The module's `chunk`: see the module comment. */
export type ChunkRunner = (...args: [...GemmJob, byRows: number, size: number, index: number]) => void;

const runners = new WeakMap<WebAssembly.Memory, ChunkRunner | null>();
const modules = new Map<boolean, WebAssembly.Module>();

/**
 * The compiled module (one per kind of memory). Worker threads instantiate this same module: V8
 * shares its compiled code between threads, so the optimised code of the hot loop, once tiered up,
 * serves every thread (a module compiled again in each worker would run its first calls there in
 * the baseline compiler's much slower code).
 */
export function gemmModule(sharedMemory: boolean): WebAssembly.Module {
  let module = modules.get(sharedMemory);
  if (module === undefined) modules.set(sharedMemory, (module = new WebAssembly.Module(compileGemmModule(sharedMemory))));
  return module;
}

/** The module's `chunk` on this wasm backend's memory, or undefined where it cannot be built. */
export function gemmChunkRunner(backend: unknown): ChunkRunner | undefined {
  const memory = backendMemory(backend);
  if (memory === undefined) return undefined;
  if (!runners.has(memory)) {
    let fn: ChunkRunner | null = null;
    try {
      const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
      fn = new WebAssembly.Instance(gemmModule(shared), { env: { memory } }).exports.chunk as ChunkRunner;
    } catch {
      fn = null;
    }
    runners.set(memory, fn);
  }
  return runners.get(memory) ?? undefined;
}
