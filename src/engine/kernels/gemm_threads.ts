/**
 * Threads for trainkit's SIMD GEMM: worker threads that share the wasm backend's memory.
 *
 * The threaded wasm build keeps its heap in a shared WebAssembly.Memory, so a worker that
 * instantiates the GEMM module on that same memory reads and writes the very tensors the main
 * thread does. A product is cut into parts (column blocks, or row blocks when there are few
 * columns); the main thread computes the first part while each worker computes one of the others,
 * then waits for them. Work is handed over through a small shared control block with
 * `Atomics.notify`/`Atomics.wait` (no message passing, ~10 µs per hand-over), so the whole call
 * stays synchronous like every other kernel.
 *
 * Threads: `setGemmThreads(n)` (the engine sets it to the wasm backend's thread count when wasm
 * starts); 1 means no workers. Workers start on the first product large enough to share, are
 * `unref`'d (they never keep the process alive), and a product that waits more than
 * `WAIT_LIMIT_MS` for a worker fails with an EngineError instead of hanging.
 */
import { Worker } from 'node:worker_threads';
import { EngineError } from '../../errors.js';
import type { GemmKernels } from './gemm_simd.js';
import { compileGemmModule } from './gemm_simd.js';
import { K_BLOCK, type GemmArgs } from './gemm.js';

/** Multiply-adds below which a product runs on the calling thread alone. */
const MIN_SHARED_WORK = 1 << 18;
const WAIT_LIMIT_MS = 120_000;

let threads = 1;

/** Sets how many threads (including the caller) a large product uses; 1 to 8. */
export function setGemmThreads(n: number): void {
  if (!Number.isInteger(n) || n < 1 || n > 8) throw new EngineError(`GEMM threads must be an integer in [1, 8], got ${n}`);
  threads = n;
}

export function gemmThreads(): number {
  return threads;
}

let shared = 0;

/** How many products so far were shared with worker threads (for tests and benchmarks). */
export function sharedProducts(): number {
  return shared;
}

// The job block, shared by the caller and every worker (Int32 slots).
const SEQ = 0; // job number posted by the caller
const NEXT = 1; // next chunk to take (Atomics.add)
const ARGS = 2; // aPtr, aRow, aCol, bPtr, bRow, cPtr, cRow, m, k, accumulate, n8, chunks, byRows, chunkSize
const DONE = ARGS + 14; // one slot per worker: the last job number it finished
const MAX_WORKERS = 7;

/**
 * The worker's loop, in plain JavaScript (it runs from a string: no module resolution needed).
 * `chunk` and the block loop are those of `runChunk` and `tiles` (gemm.ts), written again here
 * because a worker cannot import a TypeScript module; gemm.test.ts checks that threaded products
 * give the same bits as single-threaded ones.
 */
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { memory, bytes, job, index, kBlock } = workerData;
const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } });
const { run4, run1 } = instance.exports;
const ctl = new Int32Array(job);
let seen = 0;
for (;;) {
  Atomics.wait(ctl, ${SEQ}, seen);
  const seq = Atomics.load(ctl, ${SEQ});
  if (seq === seen) continue;
  seen = seq;
  const [aPtr, aRow, aCol, bPtr, bRow, cPtr, cRow, m, k, accumulate, n8, chunks, byRows, size] = ctl.subarray(${ARGS}, ${DONE});
  for (let c = Atomics.add(ctl, ${NEXT}, 1); c < chunks; c = Atomics.add(ctl, ${NEXT}, 1)) {
    const i0 = byRows ? c * size : 0;
    const i1 = byRows ? Math.min(m, i0 + size) : m;
    const j0 = byRows ? 0 : c * size;
    const j1 = byRows ? n8 : Math.min(n8, j0 + size);
    const rows = i1 - i0;
    const m4 = rows - (rows % 4);
    for (let k0 = 0; k0 < k; k0 += kBlock) {
      const kc = Math.min(kBlock, k - k0);
      const acc = accumulate || k0 > 0 ? 1 : 0;
      const pa = aPtr + i0 * aRow + k0 * aCol;
      const pb = bPtr + k0 * bRow;
      const pc = cPtr + i0 * cRow;
      if (m4 > 0) run4(pa, pb, pc, m4, kc, aRow, aCol, bRow, cRow, j0, j1, acc);
      if (m4 < rows) run1(pa + m4 * aRow, pb, pc + m4 * cRow, rows - m4, kc, aRow, aCol, bRow, cRow, j0, j1, acc);
    }
  }
  Atomics.store(ctl, ${DONE} + index, seq);
  Atomics.notify(ctl, ${DONE} + index);
}
`;

interface Pool {
  workers: Worker[];
  ctl: Int32Array;
  seq: number;
}

const pools = new WeakMap<WebAssembly.Memory, Pool>();

function pool(memory: WebAssembly.Memory, size: number): Pool | undefined {
  if (typeof SharedArrayBuffer === 'undefined' || !(memory.buffer instanceof SharedArrayBuffer)) return undefined;
  let p = pools.get(memory);
  if (p === undefined) {
    p = { workers: [], ctl: new Int32Array(new SharedArrayBuffer((DONE + MAX_WORKERS) * 4)), seq: 0 };
    pools.set(memory, p);
  }
  const bytes = compileGemmModule(true);
  while (p.workers.length < Math.min(size, MAX_WORKERS)) {
    const workerData = { memory, bytes, job: p.ctl.buffer, index: p.workers.length, kBlock: K_BLOCK };
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData });
    worker.unref();
    p.workers.push(worker);
  }
  return p;
}

type Tiles = (k: GemmKernels, args: GemmArgs, j0: number, j1: number) => void;

/** How a product is cut into chunks the threads take in turn: column blocks, or row blocks when columns are few. */
export function chunking(m: number, n8: number, threads: number): { byRows: boolean; size: number; chunks: number } {
  if (n8 / 8 >= 4 * threads) return { byRows: false, size: 8, chunks: n8 / 8 };
  const size = 4 * Math.max(1, Math.ceil(m / 4 / (8 * threads)));
  return { byRows: true, size, chunks: Math.ceil(m / size) };
}

/**
 * Runs `tiles` over columns [0, n8) of the product, shared between the caller and the workers:
 * the product is cut into chunks, and each thread takes the next chunk until none is left, so a
 * worker that starts late (or is descheduled) simply does fewer chunks.
 */
export function parallelColumns(kernels: GemmKernels, memory: WebAssembly.Memory, args: GemmArgs, n8: number, tiles: Tiles): void {
  const work = args.m * args.k * n8;
  const p = threads > 1 && work >= MIN_SHARED_WORK ? pool(memory, threads - 1) : undefined;
  if (p === undefined) {
    tiles(kernels, args, 0, n8);
    return;
  }
  shared += 1;
  const { byRows, size, chunks } = chunking(args.m, n8, threads);
  const { a, b, c } = args;
  p.ctl.set([a.ptr, a.rowStride, a.colStride, b.ptr, b.rowStride, c.ptr, c.rowStride, args.m, args.k, args.accumulate === true ? 1 : 0, n8, chunks, byRows ? 1 : 0, size], ARGS);
  Atomics.store(p.ctl, NEXT, 0);
  p.seq += 1;
  Atomics.store(p.ctl, SEQ, p.seq);
  Atomics.notify(p.ctl, SEQ);
  for (let ch = Atomics.add(p.ctl, NEXT, 1); ch < chunks; ch = Atomics.add(p.ctl, NEXT, 1)) {
    if (byRows) {
      const i0 = ch * size;
      const rows = Math.min(args.m, i0 + size) - i0;
      tiles(kernels, { ...args, a: { ...a, ptr: a.ptr + i0 * a.rowStride }, c: { ...c, ptr: c.ptr + i0 * c.rowStride }, m: rows }, 0, n8);
    } else {
      tiles(kernels, args, ch * size, Math.min(n8, (ch + 1) * size));
    }
  }
  const deadline = Date.now() + WAIT_LIMIT_MS;
  for (let w = 0; w < p.workers.length; w++) {
    for (;;) {
      const done = Atomics.load(p.ctl, DONE + w);
      if (done === p.seq) break;
      if (Date.now() > deadline) throw new EngineError(`a GEMM worker did not finish within ${WAIT_LIMIT_MS / 1000} s`);
      Atomics.wait(p.ctl, DONE + w, done, 1000);
    }
  }
}
