/**
 * A GEMM worker thread: it instantiates the caller's compiled GEMM module on the wasm backend's
 * shared memory and, each time a job is posted, runs the shared claim loop (`claimChunks`,
 * gemm_claim.ts) with the module's `chunk`. It holds no copy of the product's arithmetic.
 *
 * A worker that throws (a trap, an internal error, the test hook) writes its error to its part of
 * a shared message buffer and, if it was computing a chunk, counts that chunk as finished, so the
 * caller, who may be waiting for it, wakes at once and takes the chunk over (gemm_threads.ts).
 * Then the error ends the thread, and its `error` event reaches `onError`; `onExit` follows.
 */
import { Worker } from 'node:worker_threads';
import { CONTROL, claimChunks } from './gemm_claim.js';

/** Bytes of the message buffer per thread (an error message is cut to fit, in whole characters). */
export const MESSAGE_BYTES = 256;

const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { memory, module, control, messages, thread } = workerData;
const ctl = new Int32Array(control);
const claimChunks = ${claimChunks.toString()};
try {
  const { chunk } = new WebAssembly.Instance(module, { env: { memory } }).exports;
  for (let seen = 0; ; ) {
    Atomics.wait(ctl, ${CONTROL.seq}, seen);
    seen = Atomics.load(ctl, ${CONTROL.seq});
    claimChunks(ctl, chunk, ${JSON.stringify(CONTROL)}, thread);
  }
} catch (error) {
  new TextEncoder().encodeInto(String(error), new Uint8Array(messages, thread * ${MESSAGE_BYTES}, ${MESSAGE_BYTES - 1}));
  if (Atomics.load(ctl, ${CONTROL.held} + thread) >= 0) {
    Atomics.add(ctl, ${CONTROL.finished}, 1);
    Atomics.notify(ctl, ${CONTROL.finished});
  }
  throw error;
}
`;

export interface WorkerStart {
  memory: WebAssembly.Memory;
  module: WebAssembly.Module;
  /** The control block (`CONTROL` Int32 slots). */
  control: SharedArrayBuffer;
  /** `MESSAGE_BYTES` per thread, zero-filled. */
  messages: SharedArrayBuffer;
  /** 1 to 7 (0 is the caller). */
  thread: number;
  onError: (error: unknown) => void;
  onExit: () => void;
}

/** Starts a worker thread (`unref`'d: it never keeps the process alive). */
export function startGemmWorker({ memory, module, control, messages, thread, onError, onExit }: WorkerStart): Worker {
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { memory, module, control, messages, thread } });
  worker.on('error', onError);
  worker.on('exit', onExit);
  worker.unref();
  return worker;
}

/** The error message a worker left for `thread`, or '' if none. */
export function workerMessage(messages: SharedArrayBuffer, thread: number): string {
  const bytes = new Uint8Array(messages, thread * MESSAGE_BYTES, MESSAGE_BYTES);
  const end = bytes.indexOf(0);
  return new TextDecoder().decode(bytes.slice(0, end < 0 ? MESSAGE_BYTES : end));
}
