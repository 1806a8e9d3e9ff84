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
 * `run(a, b, c, m, k, sai, sak, sbk, ldc, j0, j1)`: for rows 0 ≤ i < m (a multiple of 4) and
 * columns j0 ≤ j < j1 (j1 − j0 a multiple of 8), C[i, j] = Σ_p A[i, p]·B[p, j], where (byte
 * addresses) A[i, p] = a + i·sai + p·sak, B[p, j] = b + p·sbk + 4j, C[i, j] = c + i·ldc + 4j.
 * Strides let A be read transposed (sai = 4) without a copy; B must be unit-stride along j.
 */
import { backendMemory, uleb, str, vec, section, simd, I32, V128, OP, VOP as V } from './fused_simd.js';

const mem = (offset: number) => [4, ...uleb(offset)]; // align 2^4 hint, byte offset

// Parameters, then locals.
const P = { a: 0, b: 1, c: 2, m: 3, k: 4, sai: 5, sak: 6, sbk: 7, ldc: 8, j0: 9, j1: 10, accumulate: 11 } as const;
const PARAMS = 12;
const L = { i: 12, j: 13, kk: 14, pb: 15, pc: 16, pa: 17 } as const;
const get = (x: number) => [OP.localGet, ...uleb(x)];
const set = (x: number) => [OP.localSet, ...uleb(x)];
const ZERO = [...simd(V.const), ...new Array(16).fill(0)];

/** The body of the R-row kernel (R rows of A, 8 columns of B per tile). */
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

/** The module: imports `env.memory` (shared or not), exports `run4` (4-row tiles) and `run1`. */
export function compileGemmModule(sharedMemory: boolean): Uint8Array<ArrayBuffer> {
  const type = [0x60, ...vec(Array.from({ length: PARAMS }, () => [I32])), ...vec([])];
  const limits = sharedMemory ? [0x03, 0, ...uleb(65536)] : [0x00, 0];
  const bodies = [body(4), body(1)];
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec([type])),
    ...section(2, vec([[...str('env'), ...str('memory'), 0x02, ...limits]])),
    ...section(3, vec([[0], [0]])),
    ...section(7, vec([[...str('run4'), 0x00, 0], [...str('run1'), 0x00, 1]])),
    ...section(10, vec(bodies.map((b) => [...uleb(b.length), ...b]))),
  ]);
}

/** A tile kernel: see the module comment; `accumulate` ≠ 0 adds to C instead of overwriting it. */
export type TileKernel = (a: number, b: number, c: number, m: number, k: number, sai: number, sak: number, sbk: number, ldc: number, j0: number, j1: number, accumulate: number) => void;

export interface GemmKernels {
  run4: TileKernel;
  run1: TileKernel;
}

const instances = new WeakMap<WebAssembly.Memory, GemmKernels | null>();
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

/** The GEMM function on this wasm backend's memory, or undefined where it cannot be built. */
export function gemmKernels(backend: unknown): GemmKernels | undefined {
  const memory = backendMemory(backend);
  if (memory === undefined) return undefined;
  if (!instances.has(memory)) {
    let fn: GemmKernels | null = null;
    try {
      const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
      const instance = new WebAssembly.Instance(gemmModule(shared), { env: { memory } });
      fn = { run4: instance.exports.run4 as TileKernel, run1: instance.exports.run1 as TileKernel };
    } catch {
      fn = null;
    }
    instances.set(memory, fn);
  }
  return instances.get(memory) ?? undefined;
}
