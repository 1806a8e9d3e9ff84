/**
 * The claim loop of trainkit's threaded GEMM and the control block it runs on: the one piece of
 * JavaScript that the calling thread and every GEMM worker both run (a worker runs it from its
 * source text, `claimChunks.toString()`, since a worker started from a string cannot import a
 * module). Each chunk is computed by the wasm module's `chunk` (gemm_simd.ts), on every thread.
 *
 * Claiming a chunk: read `next`, stop if it is not below the job's chunk count, else
 * compare-exchange it one further. The caller posts a job by writing its arguments and count, then
 * opening `next` at 0; it closes `next` (`CLOSED`) when every chunk is accounted for, before it
 * writes the next job. So a claim succeeds only on an open job, whose arguments stay put until the
 * claimed chunk is done; the claimer checks the chunk against the count it reads after claiming
 * (its first check may have read an older job's count). A thread never waits for another that
 * claimed nothing, so a worker that wakes late costs the caller nothing.
 *
 * While a thread computes a chunk, the chunk sits in that thread's `held` slot (−1 otherwise): a
 * worker that dies leaves there the chunk it abandoned, for the caller to take over.
 */
import type { ChunkRunner } from './gemm_simd.js';

/** Int32 slots of the control block shared by the caller (thread 0) and the workers (threads 1–7). */
export const CONTROL = {
  /** Job number, posted by the caller; idle workers wait on it. */
  seq: 0,
  /** Next chunk to claim; `CLOSED` between jobs. */
  next: 1,
  /** Chunks of the current job finished, or abandoned by a worker that died (the caller waits on it). */
  finished: 2,
  /** The current job's chunk count. */
  chunks: 3,
  /** Test hook: the thread whose number is here throws on its next claimed chunk (−1: none). */
  crash: 4,
  /** First of 8 slots, one per thread: the chunk it is computing, −1 when none. */
  held: 5,
  /** The job: `GemmJob`, then byRows and size (the runner's arguments but the chunk index). */
  job: 13,
  /** Slots in all. */
  size: 26,
} as const;

export type ControlLayout = typeof CONTROL;

/** `next` between jobs: more than any job's chunk count, so no claim succeeds. */
export const CLOSED = 0x3fffffff;

/**
 * Claims chunks of the posted job and runs each through `runChunk` until none is left to claim.
 * Self-contained (it reads nothing outside its parameters): its source text is the workers' loop.
 */
export function claimChunks(ctl: Int32Array, runChunk: ChunkRunner, layout: ControlLayout, thread: number): void {
  const { next, chunks, finished, crash, job } = layout;
  const held = layout.held + thread;
  for (;;) {
    const chunk = Atomics.load(ctl, next);
    if (chunk >= Atomics.load(ctl, chunks)) return;
    if (Atomics.compareExchange(ctl, next, chunk, chunk + 1) !== chunk) continue;
    // Checked against a count read before a long pause, a claim can land one past the end of a
    // later job: no chunk there, nothing to do or to count.
    if (chunk >= Atomics.load(ctl, chunks)) continue;
    Atomics.store(ctl, held, chunk);
    if (Atomics.load(ctl, crash) === thread) throw new Error(`GEMM thread ${thread} stopped by the test hook, holding chunk ${chunk}`);
    runChunk(ctl[job], ctl[job + 1], ctl[job + 2], ctl[job + 3], ctl[job + 4], ctl[job + 5], ctl[job + 6], ctl[job + 7], ctl[job + 8], ctl[job + 9], ctl[job + 10], ctl[job + 11], ctl[job + 12], chunk);
    Atomics.store(ctl, held, -1);
    Atomics.add(ctl, finished, 1);
    if (thread !== 0) Atomics.notify(ctl, finished); // only the caller (thread 0) waits on it
  }
}
