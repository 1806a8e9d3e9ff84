/**
 * Whether trainkit's wasm kernels hand their matrix products to a native library, in Node.
 *
 * Found once per process, when wasm first starts: on Linux, `TRAINKIT_OPENBLAS` (a path) or else
 * Debian's OpenBLAS (`libopenblas0-pthread`) and then any `libopenblas.so.0` on the loader's path,
 * through koffi. Nothing found (no koffi, no library, another OS) is normal: the kernels stay on the
 * wasm route and `backendInfo().native.reason` says what to install. A library that is there but
 * unusable gets one process warning naming it and the fallback, never an exception.
 * `TRAINKIT_NATIVE=0` keeps every kernel on the wasm route.
 */
import os from 'node:os';
import type { NativeBlas } from './blas.js';
import { debianOpenBlasPath, loadOpenBlas } from './openblas.js';

/** The Debian packages that give trainkit native kernels. */
export const NATIVE_INSTALL_HINT = 'apt-get install libopenblas0-pthread';

/** OpenBLAS threads: two pools on two cores (OpenBLAS and XNNPACK's) measured slower than one. */
export const BLAS_THREADS = 2;

export interface NativeProbe {
  blas: NativeBlas | null;
  /** Why there is no native library (absent when one was loaded). */
  reason?: string;
}

let probed: NativeProbe | null = null;

/**
 * The native BLAS of this process, loaded on the first call (later calls return the same answer).
 *
 * @example
 * const { blas, reason } = probeNative();
 * console.log(blas?.version ?? reason);
 */
export function probeNative(env: NodeJS.ProcessEnv = process.env): NativeProbe {
  probed ??= findNative(env);
  return probed;
}

/** The search itself (uncached; `probeNative` is the one to call). */
export function findNative(env: NodeJS.ProcessEnv, platform: string = process.platform): NativeProbe {
  if (env.TRAINKIT_NATIVE === '0') return { blas: null, reason: 'turned off by TRAINKIT_NATIVE=0' };
  if (platform !== 'linux') return { blas: null, reason: `native kernels are for Linux, this is ${platform}` };
  const threads = Math.max(1, Math.min(BLAS_THREADS, cores()));
  const explicit = env.TRAINKIT_OPENBLAS;
  const paths = explicit !== undefined && explicit !== '' ? [explicit] : [debianOpenBlasPath(), 'libopenblas.so.0'];
  const reasons: string[] = [];
  for (const path of paths) {
    const loaded = loadOpenBlas(path, threads);
    if ('blas' in loaded) return { blas: loaded.blas };
    if (loaded.broken) {
      process.emitWarning(`native kernels: ${loaded.reason}; matrix products stay on wasm`, 'TrainkitWarning');
      return { blas: null, reason: loaded.reason };
    }
    reasons.push(loaded.reason);
    if (loaded.reason.startsWith('koffi')) break;
  }
  return { blas: null, reason: `no OpenBLAS (${reasons.join('; ')}): ${NATIVE_INSTALL_HINT}` };
}

function cores(): number {
  return typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
}

/** The kernels whose matrix products run on the native BLAS when it is active. */
export const NATIVE_KERNELS: readonly string[] = ['BatchMatMul', '_FusedMatMul', 'Conv2DBackpropFilter'];
