/**
 * Choosing the tensor engine. TensorFlow.js has several backends; trainkit picks the fastest one
 * that works here, fixes what makes the wasm backend slow or unable to train, and says what it
 * chose and why (`backendInfo()`), so a run's speed is never a mystery.
 *
 * Best first: `tensorflow` (`@tensorflow/tfjs-node`, native, optional: it downloads libtensorflow
 * at install time), then `wasm` (XNNPACK, SIMD, with trainkit's kernel fixes and threads, and its
 * matrix products and convolutions on OpenBLAS and oneDNN where Node finds them: engine/native),
 * then `cpu` (pure JavaScript, the last resort). In a browser: `webgpu`, `webgl` when their packages
 * are imported, then `wasm`, `cpu`.
 */
import * as tf from '@tensorflow/tfjs-core';
import { _FusedMatMul } from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { checkNumber, EngineError, InvalidArgumentError } from '../errors.js';
import { setGemmThreads } from './kernels/gemm_threads.js';
import { installWasmFixes, removeWasmFixes, wasmFixInstalled } from './kernels/fixes.js';
import { installFusedActivation } from './fused_activation.js';
import { setActiveBlas, type NativeBlas } from './native/blas.js';
import { setActiveConv, type NativeConv } from './native/dnn.js';

/** Backends trainkit knows how to start. */
export const BACKEND_NAMES = ['tensorflow', 'wasm', 'cpu', 'webgpu', 'webgl'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

export interface BackendOptions {
  /** wasm only: register trainkit's kernel fixes. Default true; false gives wasm as shipped. */
  fixes?: boolean;
  /**
   * wasm only: XNNPACK threads, an integer in [1, 8]. Default: the cores Node may use (at most 8).
   * 1 runs the single-threaded build. Chosen once per process, when wasm first starts; 1 by
   * default when native kernels run (two thread pools on two cores measured slower than one).
   * When given, the native libraries (OpenBLAS, oneDNN) use that many threads too (default: up
   * to 2): two search workers on two cores each ask for 1.
   */
  threads?: number;
  /**
   * wasm with fixes, in Node: run matrix products on OpenBLAS and convolutions on oneDNN 2.x
   * (through the optional dependency koffi) where they are found. Default true; false, or
   * `TRAINKIT_NATIVE=0` in the environment, keeps them on wasm.
   */
  native?: boolean;
}

/** Which kernels run on native libraries, which libraries, and what to install for more. */
export interface NativeInfo {
  /** Kernels that run (or whose matrix products run) on a native library (empty: all on wasm). */
  kernels: string[];
  /** Each library loaded: its version or build (OpenBLAS: `openblas_get_config()`) and its file. */
  libraries: string[];
  /** Threads of the libraries. */
  threads?: number;
  /** What is missing and why, with what to install. */
  reason?: string;
}

/** What the engine is, for logs and the CLI's `--backend` report. */
export interface BackendInfo {
  /** The active TensorFlow.js backend, or 'none' before any was chosen. */
  name: string;
  /** Compute threads (wasm: XNNPACK's pool including the caller; cpu: 1; 0: managed by the backend). */
  threads: number;
  /** Whether the wasm SIMD build runs. */
  simd: boolean;
  /** Kernels trainkit registered on this backend. */
  fixes: string[];
  /** wasm only: the kernels on a native library (engine/native). */
  native?: NativeInfo;
  /** Why this backend, thread count or fallback (absent when there is nothing to explain). */
  reason?: string;
}

const DEFAULTS = { fixes: true, native: true } as const;

let chosen: BackendInfo | null = null;
let wasmStart: { threads: number; simd: boolean; requested?: number; reason?: string } | null = null;
let nativeProbe: { blas: NativeBlas | null; conv: NativeConv | null; reason?: string; kernels: readonly string[] } | null = null;

const isNode = (): boolean =>
  typeof process !== 'undefined' && typeof process.versions === 'object' && process.versions.node != null;

/**
 * Selects the fastest backend available here and returns its name. Idempotent: a second call
 * re-selects the same backend cheaply. Options apply when wasm is chosen.
 *
 * Order: `tensorflow` if `@tensorflow/tfjs-node` can be imported (its absence is normal, not an
 * error); else `wasm` with trainkit's fixes and threads; else `cpu`. `backendInfo().reason` lists
 * why each better backend was passed over.
 *
 * @example
 * const name = await useBestBackend();   // 'wasm' on a plain Node install
 * console.log(backendInfo());            // { name: 'wasm', threads: 2, simd: true, fixes: [...], reason: '...' }
 */
export async function useBestBackend(options: BackendOptions = {}): Promise<string> {
  resolveOptions(options);
  const candidates: BackendName[] = isNode() ? ['tensorflow', 'wasm', 'cpu'] : ['webgpu', 'webgl', 'wasm', 'cpu'];
  const passedOver: string[] = [];
  for (const name of candidates) {
    try {
      const result = await useBackend(name, options);
      const info = chosen!;
      const reasons = [...passedOver, ...(info.reason === undefined ? [] : [info.reason])];
      info.reason = reasons.length > 0 ? reasons.join('; ') : undefined;
      return result;
    } catch (error) {
      if (error instanceof InvalidArgumentError) throw error;
      passedOver.push(`${name}: ${messageOf(error)}`);
    }
  }
  throw new EngineError(`no backend could start (${passedOver.join('; ')})`);
}

/**
 * Selects one backend by name (the CLI's `--backend`; tests use 'cpu') and returns its name.
 * Throws InvalidArgumentError for an unknown name or bad options, EngineError when the backend
 * cannot start here. `useBackend('wasm', { fixes: false, threads: 1 })` is wasm as shipped.
 *
 * @example
 * await useBackend('cpu');
 * await useBackend('wasm', { threads: 2 });
 */
export async function useBackend(name: BackendName, options: BackendOptions = {}): Promise<string> {
  if (!(BACKEND_NAMES as readonly string[]).includes(name)) {
    throw new InvalidArgumentError('backend', name, `one of ${BACKEND_NAMES.map((n) => `"${n}"`).join(', ')}`);
  }
  const o = resolveOptions(options);
  switch (name) {
    case 'cpu':
      await select('cpu');
      chosen = { name: 'cpu', threads: 1, simd: false, fixes: [] };
      break;
    case 'wasm':
      chosen = await startWasm(o);
      break;
    case 'tensorflow':
      chosen = await startTensorflow();
      break;
    default:
      if (tf.findBackendFactory(name) == null) {
        throw new EngineError(`${name} is not registered: import @tensorflow/tfjs-backend-${name} first`);
      }
      await select(name);
      chosen = { name, threads: 0, simd: false, fixes: [] };
  }
  return name;
}

/**
 * What the engine is now: backend name, threads, SIMD, the kernel fixes in place and why.
 *
 * @example
 * await useBestBackend();
 * const { name, threads, fixes } = backendInfo();
 */
export function backendInfo(): BackendInfo {
  const active = tf.engine().backendName;
  if (chosen !== null && chosen.name === active) {
    const native = chosen.native ? { native: { ...chosen.native, kernels: [...chosen.native.kernels], libraries: [...chosen.native.libraries] } } : {};
    return { ...chosen, fixes: [...chosen.fixes], ...native };
  }
  if (active == null) {
    return { name: 'none', threads: 0, simd: false, fixes: [], reason: 'no backend chosen yet: call useBestBackend()' };
  }
  return {
    name: active,
    threads: active === 'wasm' && wasmStart !== null ? wasmStart.threads : active === 'cpu' ? 1 : 0,
    simd: active === 'wasm' && wasmStart !== null && wasmStart.simd,
    fixes: active === 'wasm' && chosen?.name === 'wasm' ? [...chosen.fixes] : [],
    reason: 'selected outside trainkit (tf.setBackend)',
  };
}

type ResolvedOptions = { fixes: boolean; native: boolean; threads?: number };

function resolveOptions(options: BackendOptions): ResolvedOptions {
  if (options === null || typeof options !== 'object') {
    throw new InvalidArgumentError('backend options', options, 'an object like { fixes, threads, native }');
  }
  const o = { ...DEFAULTS, ...options };
  if (typeof o.fixes !== 'boolean') throw new InvalidArgumentError('fixes', o.fixes, 'a boolean');
  if (typeof o.native !== 'boolean') throw new InvalidArgumentError('native', o.native, 'a boolean');
  if (o.threads !== undefined) checkNumber('threads', o.threads, { min: 1, max: 8, integer: true });
  return o;
}

async function select(name: string): Promise<void> {
  let ok: boolean;
  try {
    ok = await tf.setBackend(name);
  } catch (error) {
    throw new EngineError(`${name} failed to start: ${messageOf(error)}`);
  }
  if (!ok) throw new EngineError(`${name} failed to start`);
}

async function startWasm(o: ResolvedOptions): Promise<BackendInfo> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  const { blas, conv } = o.fixes && o.native ? await findNativeLibraries(o.threads) : { blas: null, conv: null };
  const native = blas !== null || conv !== null;
  if (wasmStart === null) {
    wasmStart = await firstWasmStart(wasm, o.threads ?? (native ? 1 : undefined));
  } else {
    const { threads, requested } = wasmStart;
    if (o.threads !== undefined && o.threads !== threads && o.threads !== requested) {
      throw new EngineError(
        `wasm already runs with ${threads} thread(s) in this process; the thread count is fixed when wasm starts (asked for ${o.threads})`,
      );
    }
    await select('wasm');
  }
  // trainkit's SIMD GEMM (the matrix products of the kernel fixes) uses as many threads as
  // XNNPACK, or one where the native BLAS takes the products.
  setGemmThreads(native ? 1 : Math.max(1, Math.min(8, wasmStart.threads)));
  setActiveBlas(blas);
  setActiveConv(conv);
  let fixes: string[] = [];
  if (o.fixes) {
    fixes = installWasmFixes();
    // Dense / conv layers' bias + ReLU fused while training, as long as wasm runs trainkit's kernels.
    installFusedActivation(() => tf.getBackend() === 'wasm' && wasmFixInstalled(_FusedMatMul));
  } else removeWasmFixes();
  const reason = [wasmStart.reason, o.fixes ? undefined : 'kernel fixes off (wasm as shipped)'].filter(Boolean).join('; ');
  const info = o.fixes ? nativeInfo(o.native) : undefined;
  return { name: 'wasm', threads: wasmStart.threads, simd: wasmStart.simd, fixes, ...(info ? { native: info } : {}), ...(reason ? { reason } : {}) };
}

/** The native libraries (found once per process, in Node only). */
async function findNativeLibraries(threads: number | undefined): Promise<{ blas: NativeBlas | null; conv: NativeConv | null }> {
  if (nativeProbe === null) {
    if (!isNode()) {
      nativeProbe = { blas: null, conv: null, reason: 'native kernels run in Node only', kernels: [] };
    } else {
      const route = await import('./native/route.js');
      const probe = route.probeNative(process.env, threads);
      const kernels = new Set([...(probe.blas ? route.BLAS_KERNELS : []), ...(probe.conv ? route.CONV_KERNELS : [])]);
      nativeProbe = { ...probe, kernels: [...kernels] };
    }
  }
  return nativeProbe;
}

function nativeInfo(wanted: boolean): NativeInfo {
  if (!wanted) return { kernels: [], libraries: [], reason: 'native kernels off (option native: false)' };
  const { blas, conv, reason, kernels } = nativeProbe!;
  const libraries = [blas, conv].filter((l) => l !== null).map((l) => `${l.version} (${l.library})`);
  return {
    kernels: [...kernels],
    libraries,
    ...(blas !== null ? { threads: blas.threads } : {}),
    ...(reason !== undefined ? { reason } : {}),
  };
}

async function firstWasmStart(
  wasm: typeof import('@tensorflow/tfjs-backend-wasm'),
  threads: number | undefined,
): Promise<NonNullable<typeof wasmStart>> {
  const reasons: string[] = [];
  // Not tf.findBackend: it would start initialising wasm before the threads are prepared.
  if ('wasm' in tf.engine().registry) {
    await select('wasm');
    reasons.push('wasm was started outside trainkit: its thread count was not chosen here');
  } else if (isNode()) {
    const nodeThreads = await import('./threads.js');
    const requested = threads ?? nodeThreads.defaultWasmThreads();
    const prep = requested > 1 ? nodeThreads.prepareWasmThreads(wasm, requested) : undefined;
    if (prep !== undefined && 'reason' in prep) reasons.push(prep.reason);
    try {
      await select('wasm');
    } finally {
      if (prep !== undefined && 'restore' in prep) prep.restore();
    }
    const actual = wasm.getThreadsCount();
    if (actual !== requested && reasons.length === 0) reasons.push(`asked for ${requested} threads, XNNPACK started ${actual}`);
    return { threads: actual, simd: await simdSupported(), requested, ...(reasons.length ? { reason: reasons.join('; ') } : {}) };
  } else {
    if (threads !== undefined) wasm.setThreadsCount(threads);
    await select('wasm');
  }
  return {
    threads: wasm.getThreadsCount(),
    simd: await simdSupported(),
    requested: threads,
    ...(reasons.length ? { reason: reasons.join('; ') } : {}),
  };
}

async function simdSupported(): Promise<boolean> {
  return Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
}

async function startTensorflow(): Promise<BackendInfo> {
  if (!isNode()) throw new EngineError('the tensorflow backend runs in Node only');
  // A variable specifier: the package is optional, so neither TypeScript nor a bundler may require it.
  const specifier = '@tensorflow/tfjs-node';
  try {
    await import(specifier);
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
      throw new EngineError('@tensorflow/tfjs-node is not installed');
    }
    throw new EngineError(`@tensorflow/tfjs-node failed to load: ${messageOf(error)}`);
  }
  if (tf.findBackendFactory('tensorflow') == null) {
    throw new EngineError(
      '@tensorflow/tfjs-node registered no backend with this copy of @tensorflow/tfjs-core (versions differ?)',
    );
  }
  await select('tensorflow');
  return { name: 'tensorflow', threads: 0, simd: false, fixes: [] };
}

function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (error !== null && typeof error === 'object' && 'message' in error) return String(error.message);
  return String(error);
}
