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
import { gemmModule, type GemmKernels } from './gemm_simd.js';
import { K_BLOCK, tiles, type GemmArgs } from './gemm.js';

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
const SEQ = 0; // job number posted by the caller (workers wait on it)
const NEXT = 1; // next chunk to take, claimed by compare-exchange; CLOSED between jobs
const FINISHED = 2; // chunks of the current job computed so far
const ARGS = 3; // aPtr, aRow, aCol, bPtr, bRow, cPtr, cRow, m, k, accumulate, n8, chunks, byRows, chunkSize
const SLOTS = ARGS + 14;
const CHUNKS_SLOT = ARGS + 11;
const MAX_WORKERS = 7;
/** NEXT between jobs: more than any job's chunk count, so no claim succeeds. */
const CLOSED = 0x3fffffff;
/** The most chunks a job may have (more columns than 8 × this are cut into bigger chunks). */
const MAX_CHUNKS = 1 << 20;

/**
 * Claiming a chunk (caller and workers alike): read NEXT, stop if it is not below the job's chunk
 * count, else compare-exchange it one further. The caller posts a job by writing its arguments,
 * then opening NEXT at 0; it closes NEXT when every chunk is finished, before it writes the next
 * job's arguments. So a claim succeeds only on an open job, whose arguments stay put until the
 * claimed chunk is done; a worker re-reads them after claiming and checks the chunk against them
 * (its first check may have read an older job's count). A thread never waits for another
 * that claimed nothing: a worker that wakes late costs the caller nothing.
 *
 * The worker's loop is plain JavaScript (it runs from a string: no module resolution needed). Its
 * chunk arithmetic and block loop are those of `parallelColumns` and `tiles` (gemm.ts), written
 * again here because a worker cannot import a TypeScript module; gemm_threads.test.ts checks that
 * threaded products give the same bits as single-threaded ones.
 */
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { memory, module, job, kBlock } = workerData;
const instance = new WebAssembly.Instance(module, { env: { memory } });
const { run4, run1 } = instance.exports;
const ctl = new Int32Array(job);
let seen = 0;
for (;;) {
  Atomics.wait(ctl, ${SEQ}, seen);
  seen = Atomics.load(ctl, ${SEQ});
  for (;;) {
    const chunk = Atomics.load(ctl, ${NEXT});
    if (chunk >= Atomics.load(ctl, ${CHUNKS_SLOT})) break;
    if (Atomics.compareExchange(ctl, ${NEXT}, chunk, chunk + 1) !== chunk) continue;
    const [aPtr, aRow, aCol, bPtr, bRow, cPtr, cRow, m, k, accumulate, n8, chunks, byRows, size] = ctl.slice(${ARGS}, ${SLOTS});
    // Checked against a count read before a long pause, a claim can land one past the end of a
    // later job: no chunk there, nothing to do or to count.
    if (chunk >= chunks) continue;
    const i0 = byRows ? chunk * size : 0;
    const i1 = byRows ? Math.min(m, i0 + size) : m;
    const j0 = byRows ? 0 : chunk * size;
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
    Atomics.add(ctl, ${FINISHED}, 1);
    Atomics.notify(ctl, ${FINISHED});
  }
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
    p = { workers: [], ctl: new Int32Array(new SharedArrayBuffer(SLOTS * 4)), seq: 0 };
    Atomics.store(p.ctl, NEXT, CLOSED);
    pools.set(memory, p);
  }
  const module = gemmModule(true);
  while (p.workers.length < Math.min(size, MAX_WORKERS)) {
    const workerData = { memory, module, job: p.ctl.buffer, kBlock: K_BLOCK };
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData });
    worker.unref();
    p.workers.push(worker);
  }
  return p;
}

/** How a product is cut into chunks the threads take in turn: column blocks, or row blocks when columns are few. */
export function chunking(m: number, n8: number, threads: number): { byRows: boolean; size: number; chunks: number } {
  if (n8 / 8 >= 4 * threads) {
    const size = 8 * Math.max(1, Math.ceil(n8 / 8 / MAX_CHUNKS));
    return { byRows: false, size, chunks: Math.ceil(n8 / size) };
  }
  const size = 4 * Math.max(1, Math.ceil(m / 4 / (8 * threads)));
  return { byRows: true, size, chunks: Math.ceil(m / size) };
}

/**
 * Runs `tiles` over columns [0, n8) of the product, shared between the caller and the workers:
 * the product is cut into chunks, and each thread claims the next chunk until none is left, so a
 * worker that starts late (or is descheduled) simply does fewer chunks, or none.
 */
export function parallelColumns(kernels: GemmKernels, memory: WebAssembly.Memory, args: GemmArgs, n8: number): void {
  const work = args.m * args.k * n8;
  const p = threads > 1 && work >= MIN_SHARED_WORK ? pool(memory, threads - 1) : undefined;
  if (p === undefined) {
    tiles(kernels, args, 0, n8);
    return;
  }
  shared += 1;
  const { byRows, size, chunks } = chunking(args.m, n8, threads);
  const { a, b, c } = args;
  const ctl = p.ctl;
  ctl.set([a.ptr, a.rowStride, a.colStride, b.ptr, b.rowStride, c.ptr, c.rowStride, args.m, args.k, args.accumulate === true ? 1 : 0, n8, chunks, byRows ? 1 : 0, size], ARGS);
  Atomics.store(ctl, FINISHED, 0);
  Atomics.store(ctl, NEXT, 0); // open the job (its arguments are written)
  p.seq = (p.seq + 1) | 0;
  Atomics.store(ctl, SEQ, p.seq);
  Atomics.notify(ctl, SEQ);
  try {
    for (;;) {
      const chunk = Atomics.load(ctl, NEXT);
      if (chunk >= chunks) break;
      if (Atomics.compareExchange(ctl, NEXT, chunk, chunk + 1) !== chunk) continue;
      if (byRows) {
        const i0 = chunk * size;
        const rows = Math.min(args.m, i0 + size) - i0;
        tiles(kernels, { ...args, a: { ...a, ptr: a.ptr + i0 * a.rowStride }, c: { ...c, ptr: c.ptr + i0 * c.rowStride }, m: rows }, 0, n8);
      } else {
        tiles(kernels, args, chunk * size, Math.min(n8, (chunk + 1) * size));
      }
      Atomics.add(ctl, FINISHED, 1);
    }
    // Wait only for chunks that workers claimed and are still computing.
    const deadline = Date.now() + WAIT_LIMIT_MS;
    for (let done = Atomics.load(ctl, FINISHED); done < chunks; done = Atomics.load(ctl, FINISHED)) {
      if (Date.now() > deadline) throw new EngineError(`a GEMM worker did not finish within ${WAIT_LIMIT_MS / 1000} s`);
      Atomics.wait(ctl, FINISHED, done, 1000);
    }
  } finally {
    Atomics.store(ctl, NEXT, CLOSED);
  }
}
