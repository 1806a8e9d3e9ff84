/**
 * Whether trainkit's wasm kernels hand their matrix products and convolutions to native libraries,
 * in Node.
 *
 * Found once per process, when wasm first starts, on Linux, through koffi:
 * - OpenBLAS for the matrix products: `TRAINKIT_OPENBLAS` (a path), or else Debian's
 *   `libopenblas0-pthread`, then any `libopenblas.so.0` on the loader's path;
 * - oneDNN 2.x for the convolutions: `TRAINKIT_DNNL` (a path), or else Debian's `libdnnl2`, then
 *   any `libdnnl.so.2`.
 * Nothing found (no koffi, no library, another OS) is normal: those kernels stay on the wasm route
 * and `backendInfo().native.reason` says what to install. A library that is there but unusable gets
 * one process warning naming it and the fallback, never an exception. `TRAINKIT_NATIVE=0` keeps
 * every kernel on the wasm route.
 */
import os from 'node:os';
import type { NativeBlas } from './blas.js';
import type { NativeConv } from './dnn.js';
import { debianOpenBlasPath, loadOpenBlas } from './openblas.js';
import { debianOneDnnPath, loadOneDnn } from './onednn.js';

/** The Debian packages that give trainkit native kernels. */
export const NATIVE_INSTALL_HINT = 'apt-get install libopenblas0-pthread libdnnl2';

/** Library threads: two pools on two cores (a library's and XNNPACK's) measured slower than one. */
export const BLAS_THREADS = 2;

/** The kernels whose matrix products run on OpenBLAS when it is active. */
export const BLAS_KERNELS: readonly string[] = ['BatchMatMul', '_FusedMatMul', 'Conv2DBackpropFilter'];

/** The kernels that run on oneDNN when it is active. */
export const CONV_KERNELS: readonly string[] = ['Conv2D', 'FusedConv2D', 'Conv2DBackpropInput', 'Conv2DBackpropFilter'];

export interface NativeProbe {
  blas: NativeBlas | null;
  conv: NativeConv | null;
  /** What is missing and why (absent when both libraries loaded). */
  reason?: string;
}

let probed: NativeProbe | null = null;

/**
 * The native libraries of this process, loaded on the first call (later calls return the same answer).
 *
 * @example
 * const { blas, conv, reason } = probeNative();
 * console.log(blas?.version, conv?.version, reason);
 */
export function probeNative(env: NodeJS.ProcessEnv = process.env, threads?: number): NativeProbe {
  probed ??= findNative(env, process.platform, threads);
  return probed;
}

/**
 * The search itself (uncached; `probeNative` is the one to call).
 *
 * @example
 * findNative({ TRAINKIT_NATIVE: '0' }); // { blas: null, conv: null, reason: 'turned off by TRAINKIT_NATIVE=0' }
 */
export function findNative(env: NodeJS.ProcessEnv, platform: string = process.platform, threads?: number): NativeProbe {
  if (env.TRAINKIT_NATIVE === '0') return { blas: null, conv: null, reason: 'turned off by TRAINKIT_NATIVE=0' };
  if (platform !== 'linux') return { blas: null, conv: null, reason: `native kernels are for Linux, this is ${platform}` };
  // The caller's thread count (useBackend's `threads`: e.g. 1 per worker when two search workers
  // share two cores), else as many as BLAS_THREADS allows here.
  threads ??= Math.max(1, Math.min(BLAS_THREADS, cores()));
  const blas = search('OpenBLAS', candidates(env.TRAINKIT_OPENBLAS, debianOpenBlasPath(), 'libopenblas.so.0'), (path) => {
    const loaded = loadOpenBlas(path, threads);
    return 'blas' in loaded ? { found: loaded.blas } : loaded;
  }, 'matrix products');
  const conv = search('oneDNN 2.x', candidates(env.TRAINKIT_DNNL, debianOneDnnPath(), 'libdnnl.so.2'), (path) => {
    const loaded = loadOneDnn(path, threads);
    return 'conv' in loaded ? { found: loaded.conv } : loaded;
  }, 'convolutions');
  const missing = [blas, conv].filter((r) => r.found === null).map((r) => r.reason);
  const reason = missing.length === 0 ? undefined : `${missing.join('; ')}: ${NATIVE_INSTALL_HINT}`;
  return { blas: blas.found, conv: conv.found, ...(reason === undefined ? {} : { reason }) };
}

function candidates(explicit: string | undefined, debian: string, soname: string): string[] {
  return explicit !== undefined && explicit !== '' ? [explicit] : [debian, soname];
}

/** Tries each path in turn; a broken library stops the search with one warning. */
function search<T>(
  name: string,
  paths: string[],
  load: (path: string) => { found: T } | { reason: string; broken: boolean },
  work: string,
): { found: T | null; reason?: string } {
  const reasons: string[] = [];
  for (const path of paths) {
    const loaded = load(path);
    if ('found' in loaded) return { found: loaded.found };
    if (loaded.broken) {
      process.emitWarning(`native kernels: ${loaded.reason}; ${work} stay on wasm`, 'TrainkitWarning');
      return { found: null, reason: `no ${name} (${loaded.reason})` };
    }
    reasons.push(loaded.reason);
    if (loaded.reason.startsWith('koffi')) break;
  }
  return { found: null, reason: `no ${name} (${reasons.join('; ')})` };
}

function cores(): number {
  return typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
}
