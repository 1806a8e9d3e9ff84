/**
 * Multi-threaded wasm in Node, for `@tensorflow/tfjs-backend-wasm` 4.22.0 exactly.
 *
 * As shipped, the wasm backend never uses threads in Node: its feature flag
 * `WASM_HAS_MULTITHREAD_SUPPORT` answers false there, and if forced on, the Emscripten glue starts
 * its 8 pthread workers with `new Worker(blobURL)` and sends them the main script as a `Blob`,
 * which Node's `worker_threads` refuse (a Worker takes a file path, not a blob: URL). XNNPACK's
 * pool is also capped at half the logical cores (it assumes two hardware threads per core).
 *
 * This module makes the threaded-SIMD build start in Node without touching node_modules, and only
 * for the duration of the backend's initialisation:
 * - it sets the flag, and the thread count through the package's public `setThreadsCount`;
 * - it temporarily replaces `worker_threads.Worker` (which the glue reads once) by a subclass that,
 *   for a blob: URL, starts a small bootstrap script instead. The bootstrap reads the Blobs (the
 *   worker script behind the URL, then the main script in the first message), evaluates them with
 *   the few bundle-level helpers the glue's code expects (the names tfjs 4.22's rollup bundle gives
 *   `fs`, `path`, `perf_hooks`, `os` and three tslib helpers), and passes messages through;
 * - once loaded, the pthread workers never hold the event loop (the glue unrefs them, and their
 *   `ref()` is a no-op): the main thread blocks while they compute, so a process exits when its
 *   own work is done;
 * - it temporarily reports 2 × threads logical cores, the only input of XNNPACK's cap.
 * The installed version is checked first; any other version stays single-threaded (the glue's
 * internals the bootstrap relies on are not a public contract).
 */
import os from 'node:os';
import wt from 'node:worker_threads';
import { resolveObjectURL } from 'node:buffer';
import * as tf from '@tensorflow/tfjs-core';

/** The only tfjs-backend-wasm version this shim was written against and tested with. */
export const PINNED_WASM_VERSION = '4.22.0';

/** The glue pre-starts this many pthread workers; more would be started lazily and could deadlock. */
export const MAX_WASM_THREADS = 8;

/** The threads Node can use here: `os.availableParallelism()`, capped at MAX_WASM_THREADS. */
export function defaultWasmThreads(): number {
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  return Math.max(1, Math.min(MAX_WASM_THREADS, cores));
}

/** The worker bootstrap (CommonJS, run with `eval: true`). See the module comment. */
const BOOTSTRAP = `
'use strict';
const real = require('node:worker_threads');
let handler = null;
const port = {
  on(event, fn) { if (event === 'message') handler = fn; else real.parentPort.on(event, fn); return port; },
  postMessage(message, transfer) { real.parentPort.postMessage(message, transfer); },
};
const workerThreads = Object.assign({}, real, { parentPort: port });
const localRequire = (id) => (id === 'worker_threads' || id === 'node:worker_threads' ? workerThreads : require(id));
Object.assign(globalThis, {
  commonjsGlobal: globalThis,
  require$$0: require('node:fs'),
  require$$1: require('node:path'),
  require$$3: require('node:perf_hooks'),
  require$$4: require('node:os'),
  __values: (o) => o[Symbol.iterator](),
  __read: (o, n) => { const a = Array.from(o); return n === undefined ? a : a.slice(0, n); },
  __spreadArray: (to, from) => to.concat(Array.prototype.slice.call(from)),
});
let ready = real.workerData.script.text().then((source) => {
  new Function('require', '__filename', source)(localRequire, '[trainkit wasm worker]');
});
real.parentPort.on('message', (data) => {
  ready = ready.then(async () => {
    if (data && data.cmd === 'load' && data.urlOrBlob && typeof data.urlOrBlob === 'object') {
      const main = await data.urlOrBlob.text();
      data.urlOrBlob = '[trainkit wasm main]';
      globalThis.importScripts = () => (0, eval)(main);
    }
    handler(data);
  });
  ready.catch((error) => { setImmediate(() => { throw error; }); });
});
`;

type WorkerCtor = typeof wt.Worker;

/** A worker_threads.Worker that understands the glue's blob: URLs and never holds the event loop. */
function blobAwareWorker(Base: WorkerCtor): WorkerCtor {
  return class BlobAwareWorker extends Base {
    constructor(file: string | URL, options?: wt.WorkerOptions) {
      const blob = typeof file === 'string' && file.startsWith('blob:') ? resolveObjectURL(file) : undefined;
      // No inherited flags: the bootstrap is CommonJS (a parent's --input-type=module would break
      // it) and needs none of the parent's --import hooks (they would load once per worker).
      if (blob !== undefined) super(BOOTSTRAP, { eval: true, execArgv: [], workerData: { script: blob } });
      else super(file, options);
    }

    override ref(): void {
      // The main thread waits on these workers synchronously; they must not keep a process alive.
    }
  };
}

/** What `prepareWasmThreads` did: undo it with `restore()` once the backend has initialised. */
export interface ThreadsPreparation {
  threads: number;
  restore(): void;
}

/**
 * Prepares the next initialisation of the wasm backend to start the threaded-SIMD build with
 * `threads` XNNPACK threads. Returns the reason instead when it cannot (another package version,
 * no SharedArrayBuffer). Call `restore()` right after `tf.setBackend('wasm')` settles.
 *
 * @example
 * const wasm = await import('@tensorflow/tfjs-backend-wasm');
 * const prep = prepareWasmThreads(wasm, 2);
 * if ('restore' in prep) try { await tf.setBackend('wasm'); } finally { prep.restore(); }
 */
export function prepareWasmThreads(
  wasm: { version_wasm: string; setThreadsCount(n: number): void },
  threads: number,
): ThreadsPreparation | { reason: string } {
  if (wasm.version_wasm !== PINNED_WASM_VERSION) {
    return {
      reason: `threads need @tensorflow/tfjs-backend-wasm ${PINNED_WASM_VERSION} (found ${wasm.version_wasm}): single-threaded`,
    };
  }
  if (typeof SharedArrayBuffer !== 'function') return { reason: 'no SharedArrayBuffer in this runtime: single-threaded' };
  const n = Math.max(1, Math.min(MAX_WASM_THREADS, Math.floor(threads)));
  const BaseWorker = wt.Worker;
  const cpus = os.cpus;
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  wasm.setThreadsCount(n);
  (wt as { Worker: WorkerCtor }).Worker = blobAwareWorker(BaseWorker);
  (os as { cpus: typeof os.cpus }).cpus = () => {
    const real = cpus();
    return Array.from({ length: Math.max(real.length, 2 * n) }, (_, i) => real[i % real.length]);
  };
  let restored = false;
  return {
    threads: n,
    restore() {
      if (restored) return;
      restored = true;
      (wt as { Worker: WorkerCtor }).Worker = BaseWorker;
      (os as { cpus: typeof os.cpus }).cpus = cpus;
    },
  };
}
