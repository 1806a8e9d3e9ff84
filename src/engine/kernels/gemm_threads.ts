/**
 * Threads for trainkit's SIMD GEMM: worker threads that share the wasm backend's memory.
 *
 * The threaded wasm build keeps its heap in a shared WebAssembly.Memory, so a worker that
 * instantiates the GEMM module on that same memory reads and writes the very tensors the main
 * thread does. A product is cut into chunks (column blocks, or row blocks when there are few
 * columns); the caller posts it in a small shared control block, wakes the workers with
 * `Atomics.notify`, and every thread, the caller included, claims chunks in turn (`claimChunks`,
 * gemm_claim.ts) and computes each with the module's `chunk` (gemm_simd.ts). The caller then waits
 * only for chunks that workers claimed and are still computing, with `Atomics.wait` (no message
 * passing, ~10 µs per hand-over), so the whole call stays synchronous like every other kernel.
 *
 * Threads: `setGemmThreads(n)` (the engine sets it to the wasm backend's thread count when wasm
 * starts); 1 means no workers. Workers start on the first product large enough to share and are
 * `unref`'d (they never keep the process alive).
 *
 * A dead worker is noticed at once and the product goes on without it:
 * - every worker has `error` and `exit` handlers, which take it out of the pool (the `error` one
 *   with a process warning naming the thread and its error); a dead worker is never replaced, so
 *   later products run on the threads left (on the caller alone when none is left);
 * - chunks a dead worker never claimed are claimed by the other threads, as always;
 * - a worker that throws while computing a chunk counts that chunk as finished (gemm_worker.ts), so
 *   a caller waiting for it wakes at once and finds the chunk in the worker's `held` slot. If the
 *   product overwrites C, the caller computes that chunk again itself (the first block of the
 *   shared dimension overwrites whatever the worker had written), and the product completes with
 *   the same bits; if the product adds to C, the chunk may already hold part of its sums, so the
 *   product throws an EngineError naming the worker's thread and its error.
 * Only a worker stopped from outside in the middle of a chunk (trainkit never does that, and its
 * workers can only be terminated between products) would leave the caller to the last resort, an
 * EngineError after `WAIT_LIMIT_MS`.
 */
import type { Worker } from 'node:worker_threads';
import { EngineError } from '../../errors.js';
import { gemmModule, type ChunkRunner, type GemmJob } from './gemm_simd.js';
import { CLOSED, CONTROL, claimChunks } from './gemm_claim.js';
import { MESSAGE_BYTES, startGemmWorker, workerMessage } from './gemm_worker.js';

/** Multiply-adds below which a product runs on the calling thread alone. */
const MIN_SHARED_WORK = 1 << 18;
const WAIT_LIMIT_MS = 120_000;
const MAX_WORKERS = 7;
/** The most chunks a job may have (more columns than 8 × this are cut into bigger chunks). */
const MAX_CHUNKS = 1 << 20;

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

/** A live worker and its thread number (1–7: its slots in the control block). */
export interface GemmWorker {
  worker: Worker;
  thread: number;
}

interface Pool {
  /** Live workers only. */
  workers: GemmWorker[];
  /** Threads started so far (numbers 1 … started); a dead one is never replaced. */
  started: number;
  ctl: Int32Array;
  messages: SharedArrayBuffer;
  seq: number;
}

const pools = new WeakMap<WebAssembly.Memory, Pool>();

function pool(memory: WebAssembly.Memory, size: number): Pool | undefined {
  if (typeof SharedArrayBuffer === 'undefined' || !(memory.buffer instanceof SharedArrayBuffer)) return undefined;
  let p = pools.get(memory);
  if (p === undefined) {
    p = { workers: [], started: 0, ctl: new Int32Array(new SharedArrayBuffer(CONTROL.size * 4)), messages: new SharedArrayBuffer(8 * MESSAGE_BYTES), seq: 0 };
    Atomics.store(p.ctl, CONTROL.next, CLOSED);
    Atomics.store(p.ctl, CONTROL.crash, -1);
    p.ctl.fill(-1, CONTROL.held, CONTROL.held + 8);
    pools.set(memory, p);
  }
  while (p.started < Math.min(size, MAX_WORKERS)) addWorker(p, memory);
  return p;
}

/** Starts the pool's next worker thread, with handlers that take it out of the pool when it dies. */
function addWorker(p: Pool, memory: WebAssembly.Memory): void {
  const thread = ++p.started;
  const onError = (error: unknown) => {
    drop(p, thread);
    process.emitWarning(`GEMM worker thread ${thread} died (${String(error)}); products continue without it`, 'TrainkitWarning');
  };
  const control = p.ctl.buffer as SharedArrayBuffer;
  const worker = startGemmWorker({ memory, module: gemmModule(true), control, messages: p.messages, thread, onError, onExit: () => drop(p, thread) });
  p.workers.push({ worker, thread });
}

function drop(p: Pool, thread: number): void {
  p.workers = p.workers.filter((w) => w.thread !== thread);
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
 * Runs the tiles of a product (columns [0, n8), `job`), shared between the caller and the workers
 * when it is large enough and workers are alive: each thread claims the next chunk until none is
 * left, so a worker that starts late (or is descheduled) simply does fewer chunks, or none. If the
 * caller's own chunk throws, it still waits for the chunks workers are computing before it
 * rethrows, so that no worker counts a chunk into the next product.
 */
export function parallelProduct(runChunk: ChunkRunner, memory: WebAssembly.Memory, job: GemmJob): void {
  const [, , , , , , , m, k, accumulate, n8] = job;
  const p = threads > 1 && m * k * n8 >= MIN_SHARED_WORK ? pool(memory, threads - 1) : undefined;
  if (p === undefined || p.workers.length === 0) {
    runChunk(...job, 0, n8, 0);
    return;
  }
  shared += 1;
  const { byRows, size, chunks } = chunking(m, n8, p.workers.length + 1);
  const ctl = p.ctl;
  ctl.set([...job, byRows ? 1 : 0, size], CONTROL.job);
  Atomics.store(ctl, CONTROL.chunks, chunks);
  Atomics.store(ctl, CONTROL.finished, 0);
  Atomics.store(ctl, CONTROL.next, 0); // open the job (its arguments are written)
  p.seq = (p.seq + 1) | 0;
  Atomics.store(ctl, CONTROL.seq, p.seq);
  Atomics.notify(ctl, CONTROL.seq);
  let failure: { error: unknown } | undefined;
  try {
    claimChunks(ctl, runChunk, CONTROL, 0);
  } catch (error) {
    failure = { error };
    Atomics.store(ctl, CONTROL.held, -1);
  }
  // Close the job: every chunk claimed so far is finished, abandoned by a dead worker, or the
  // caller's own failed one; wait for the ones still being computed.
  const claimed = Math.min(Atomics.exchange(ctl, CONTROL.next, CLOSED), chunks);
  awaitFinished(p, memory, claimed - (failure === undefined ? 0 : 1));
  const abandoned = takeAbandoned(p);
  if (failure !== undefined) throw failure.error;
  for (const { thread, chunk, message } of abandoned) {
    if (accumulate !== 0) throw new EngineError(`GEMM worker thread ${thread} died computing part of a product that adds to C (that part may hold partial sums, so it cannot be redone): ${message}`);
    runChunk(...job, byRows ? 1 : 0, size, chunk);
  }
}

/** Waits until `count` chunks are finished (or abandoned); after `WAIT_LIMIT_MS`, gives up on the pool and throws. */
function awaitFinished(p: Pool, memory: WebAssembly.Memory, count: number): void {
  const ctl = p.ctl;
  const deadline = Date.now() + WAIT_LIMIT_MS;
  for (let done = Atomics.load(ctl, CONTROL.finished); done < count; done = Atomics.load(ctl, CONTROL.finished)) {
    if (Date.now() > deadline) {
      // The control block may still be written by the stuck thread: start afresh next time.
      pools.delete(memory);
      for (const { worker } of p.workers) void worker.terminate();
      const stuck = p.workers.filter(({ thread }) => Atomics.load(ctl, CONTROL.held + thread) >= 0).map(({ thread }) => thread);
      throw new EngineError(`GEMM worker thread(s) ${stuck.join(', ')} did not finish a chunk within ${WAIT_LIMIT_MS / 1000} s`);
    }
    Atomics.wait(ctl, CONTROL.finished, done, 1000);
  }
}

/** The chunks that dead workers left in their `held` slots (each with its thread's error), cleared, and those workers dropped. */
function takeAbandoned(p: Pool): { thread: number; chunk: number; message: string }[] {
  const out: { thread: number; chunk: number; message: string }[] = [];
  for (let thread = 1; thread <= p.started; thread++) {
    const chunk = Atomics.load(p.ctl, CONTROL.held + thread);
    if (chunk < 0) continue;
    Atomics.store(p.ctl, CONTROL.held + thread, -1);
    drop(p, thread);
    out.push({ thread, chunk, message: workerMessage(p.messages, thread) });
  }
  return out;
}

/** The live workers of the pool on `memory` (for tests). */
export function gemmWorkers(memory: WebAssembly.Memory): readonly GemmWorker[] {
  return pools.get(memory)?.workers ?? [];
}

/** Test hook: the worker of `thread` throws on the next chunk it claims, as if it had crashed there. */
export function crashGemmWorker(memory: WebAssembly.Memory, thread: number): void {
  const p = pools.get(memory);
  if (p === undefined) throw new EngineError('crashGemmWorker: no GEMM workers on this memory');
  Atomics.store(p.ctl, CONTROL.crash, thread);
}
