/**
 * Fused elementwise kernels: one pass over float32 arrays that reads several tensors of the same
 * shape and writes several at once (an optimizer's update and its new moments, for instance),
 * where the tf-op route runs one kernel per arithmetic operation, each a pass over memory plus a
 * dispatch and an allocation.
 *
 * A fused kernel is registered through TensorFlow.js's public kernel registry under a new name
 * (never replacing a shipped kernel) for the `cpu` and `wasm` backends, whose tensors live in
 * memory JavaScript can reach: on cpu a plain JavaScript loop over the backend's typed arrays; on
 * wasm a WebAssembly SIMD loop over the backend's heap (fused_simd.ts), because a scalar JavaScript
 * loop there is slower than the backend's own SIMD kernels. GPU and native backends have no such
 * kernel; `runFusedTree` then returns `undefined` and the caller keeps its tf-op route.
 *
 * Arithmetic: a kernel does the op route's float32 operations in the op route's order. In the
 * JavaScript loop every intermediate is rounded to float32 (`Math.fround`): each of +, −, ×, ÷, √
 * computed in double and rounded once to float32 is the correctly rounded float32 result, which is
 * what the backends' own kernels compute (wasm SIMD and XNNPACK included: WebAssembly has no
 * implicit fused multiply-add). So both loops give the very bits of the op route.
 *
 * One exception, asked for by a kernel with `flushSubnormals`: every output whose magnitude is
 * below the smallest normal float32 (2⁻¹²⁶ ≈ 1.18e-38) is written as +0 (NaN and ±∞ pass). The
 * optimizers' kernels ask for it. Why: a moment whose gradient is exactly 0 (a dead ReLU's weights)
 * decays geometrically into the subnormal range and stays there (β·1 ulp rounds back to 1 ulp), and
 * x86 handles subnormal operands and results in microcode at ~100× the cost of a normal operation;
 * WebAssembly gives no flush-to-zero mode. Measured on a Fashion-MNIST MLP trained with AdamW at lr
 * 0.024: its second epoch took 12.2 s against 4.2 s for the first before, as fast as the first after
 * (docs/notebook.md, 2026-12-01). A value below 2⁻¹²⁶ changes no float32 weight it is added to, so
 * the trained weights are the op route's wherever no subnormal occurs, and differ from them by less
 * than 2⁻¹²⁶ per step elsewhere.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { EngineError } from '../../errors.js';
import { type ParamTree, treeLeaves, treeMap, treeUnflatten } from '../../tree/tree.js';
import { type Lane, lanes as L, type SimdKernel, simdFunction } from './fused_simd.js';

/** Backends a fused kernel is registered for: those whose tensor memory JavaScript can index. */
export const FUSED_BACKENDS = ['cpu', 'wasm'] as const;

/** A fused elementwise kernel, before it is registered for a backend. */
export interface FusedKernel {
  /** Kernel name in the registry (a new name, e.g. 'TrainkitAdamUpdate'). */
  name: string;
  /** Names of the inputs, in the order `body` and `lanes` receive them. */
  inputs: readonly string[];
  /** How many outputs it writes. */
  outputs: number;
  /** Names of the loop's float32 constants, in the order `body` and `lanes` receive them. */
  constants: readonly string[];
  /** The constants' values for the kernel's attributes (each `Math.fround`ed, as the op route's scalars are). */
  resolve(attrs: tf.NamedAttrMap): number[];
  /**
   * The loop in JavaScript (cpu; the last n mod 4 elements on wasm): reads `inputs` (all of one
   * length), writes every element of each of `outputs` (same length, initially undefined content).
   */
  body(inputs: Float32Array[], outputs: Float32Array[], constants: number[]): void;
  /** The same arithmetic on four lanes, for the WebAssembly SIMD loop (see fused_simd.ts). */
  lanes(inputs: Lane[], constants: Lane[]): Lane[];
  /** Write every subnormal output as +0 (see the file's comment). Default false. */
  flushSubnormals?: boolean;
}

/** The smallest normal float32, 2⁻¹²⁶. */
export const FLOAT32_MIN_NORMAL = 2 ** -126;
/**
 * The two constants `flushLane` takes: +∞ (whose bits are exactly the exponent field's) and +0.
 */
export const FLUSH_CONSTANTS: readonly number[] = [Infinity, 0];

/** x, or +0 where x is subnormal or −0 (NaN and ±∞ pass): the JavaScript loop's flush. */
export function flushSubnormal(x: number): number {
  return Math.abs(x) < FLOAT32_MIN_NORMAL ? 0 : x;
}

/**
 * The lanes' flush, in three operations: x & +∞ keeps x's exponent bits only (a non-negative
 * float: +0 exactly where the exponent field is 0, i.e. x is ±0 or subnormal; a power of two or +∞
 * elsewhere, never NaN); where that is not +0 the mask is all ones and x is kept, elsewhere the
 * lane becomes +0. `inf` and `zero` are the two FLUSH_CONSTANTS, passed in as constant lanes.
 */
export function flushLane(x: Lane, inf: Lane, zero: Lane): Lane {
  return L.and(L.ne(L.and(x, inf), zero), x);
}

/**
 * `k` with its outputs flushed: subnormal → +0, in the JavaScript loop and in the lanes alike. The
 * lanes get the two FLUSH_CONSTANTS as constants after the kernel's own.
 */
function withFlushedOutputs(k: FusedKernel): FusedKernel {
  const own = k.constants.length;
  return {
    ...k,
    constants: [...k.constants, 'infinity', 'zero'],
    resolve: (attrs) => [...k.resolve(attrs), ...FLUSH_CONSTANTS],
    body(inputs, outputs, constants) {
      k.body(inputs, outputs, constants.slice(0, own));
      for (const out of outputs) {
        for (let i = 0; i < out.length; i++) out[i] = flushSubnormal(out[i]);
      }
    },
    lanes(inputs, constants) {
      const [inf, zero] = constants.slice(own);
      return k.lanes(inputs, constants.slice(0, own)).map((x) => flushLane(x, inf, zero));
    },
  };
}

function checkInputs(k: FusedKernel, inputs: tf.NamedTensorInfoMap): tf.TensorInfo[] {
  const infos = k.inputs.map((name) => {
    const t = inputs[name];
    if (t == null) throw new EngineError(`${k.name}: input ${name} is missing`);
    if (t.dtype !== 'float32') throw new EngineError(`${k.name}: input ${name} is ${t.dtype}, float32 expected`);
    return t;
  });
  const shape = infos[0].shape;
  for (let i = 1; i < infos.length; i++) {
    if (!tf.util.arraysEqual(infos[i].shape, shape)) {
      throw new EngineError(`${k.name}: input ${k.inputs[i]} has shape [${infos[i].shape}], [${shape}] expected`);
    }
  }
  return infos;
}

function cpuKernel(k: FusedKernel): tf.KernelFunc {
  return ({ inputs, backend, attrs = {} }) => {
    const cpu = backend as MathBackendCPU;
    const infos = checkInputs(k, inputs);
    const xs = infos.map((t) => {
      const values = cpu.data.get(t.dataId).values;
      return values instanceof Float32Array ? values : Float32Array.from(values as ArrayLike<number>);
    });
    const n = tf.util.sizeFromShape(infos[0].shape);
    const outs = Array.from({ length: k.outputs }, () => new Float32Array(n));
    k.body(xs, outs, k.resolve(attrs));
    return outs.map((values) => cpu.makeTensorInfo(infos[0].shape, 'float32', values));
  };
}

function simdKernelOf(k: FusedKernel): SimdKernel {
  return { name: k.name, inputs: k.inputs.length, outputs: k.outputs, constants: k.constants.length, build: k.lanes };
}

/**
 * wasm: the WebAssembly SIMD loop over the first n − n mod 4 elements, the JavaScript loop over
 * the rest (or over everything where SIMD is unavailable).
 */
function wasmKernel(k: FusedKernel): tf.KernelFunc {
  const simdKernel = simdKernelOf(k);
  return ({ inputs, backend, attrs = {} }) => {
    const wasm = backend as BackendWasm;
    const infos = checkInputs(k, inputs);
    const shape = infos[0].shape;
    const constants = k.resolve(attrs);
    const run = simdFunction(wasm, simdKernel);
    const outs = Array.from({ length: k.outputs }, () => wasm.makeOutput(shape, 'float32'));
    try {
      // Views only now: each allocation may grow the heap, which detaches views taken before it.
      const xs = infos.map((t) => wasm.typedArrayFromHeap(t) as Float32Array);
      const ys = outs.map((t) => wasm.typedArrayFromHeap(t) as Float32Array);
      const n = xs[0].length;
      const simdCount = run === undefined ? 0 : n - (n % 4);
      if (simdCount > 0) run!(...xs.map((x) => x.byteOffset), ...ys.map((y) => y.byteOffset), simdCount, ...constants);
      if (simdCount < n) {
        const tail = (a: Float32Array) => a.subarray(simdCount);
        k.body(xs.map(tail), ys.map(tail), constants);
      }
    } catch (error) {
      for (const t of outs) wasm.disposeData(t.dataId);
      throw error;
    }
    return outs;
  };
}

/** The kernel configs of `k`, one per backend in FUSED_BACKENDS. */
export function fusedKernelConfigs(k: FusedKernel): tf.KernelConfig[] {
  return FUSED_BACKENDS.map((backendName) => ({
    kernelName: k.name,
    backendName,
    kernelFunc: backendName === 'cpu' ? cpuKernel(k) : wasmKernel(k),
  }));
}

/**
 * Whether the fused route is worth taking on the active backend: cpu always; wasm when the
 * WebAssembly SIMD loop can be built there (a scalar JavaScript loop is slower than the backend's
 * own SIMD kernels, so without it the op route is faster).
 */
function fusedRouteIsFaster(k: FusedKernel, backendName: string): boolean {
  return backendName !== 'wasm' || simdFunction(tf.backend(), simdKernelOf(k)) !== undefined;
}

const defined = new Map<string, { kernel: FusedKernel; configs: tf.KernelConfig[] }>();

/**
 * Defines a fused kernel: registers it for cpu and wasm now (idempotent; no backend needs to be
 * started, the registry is keyed by names) and remembers its inputs for `runFusedTree`.
 */
export function defineFusedKernel(k: FusedKernel): FusedKernel {
  if (!defined.has(k.name)) {
    const kernel = k.flushSubnormals ? withFlushedOutputs(k) : k;
    defined.set(k.name, { kernel, configs: fusedKernelConfigs(kernel) });
  }
  registerFusedKernel(k.name);
  return defined.get(k.name)!.kernel;
}

/** Registers a defined fused kernel again after `unregisterFusedKernel` (a name already registered is left alone). */
export function registerFusedKernel(name: string): void {
  for (const config of defined.get(name)?.configs ?? []) {
    if (tf.getKernel(config.kernelName, config.backendName) === undefined) tf.registerKernel(config);
  }
}

/**
 * Unregisters a fused kernel on every backend, so the optimizers take their tf-op route (for
 * measurements and for tests that compare both routes); `registerFusedKernel` puts it back.
 */
export function unregisterFusedKernel(name: string): void {
  for (const config of defined.get(name)?.configs ?? []) {
    if (tf.getKernel(config.kernelName, config.backendName) === config) tf.unregisterKernel(name, config.backendName);
  }
}

/**
 * Runs the fused kernel `name` on every leaf of `trees` (one tree per kernel input, same structure
 * and shapes, else TreeMismatchError) and returns its outputs as trees shaped like the first, or
 * `undefined`, having allocated nothing, when the active backend has no kernel of that name (or,
 * on wasm, no SIMD) or some leaf is not float32: the caller then takes its tf-op route, so a whole
 * tree takes one route.
 * The returned tensors belong to the caller; the inputs are neither disposed nor modified.
 *
 * @example
 * const out = runFusedTree('TrainkitRssUpdate', { eps: 1e-10 }, grads, sumOfSquares);
 * if (out !== undefined) [updates, sumOfSquares] = out;
 */
export function runFusedTree(name: string, attrs: tf.NamedAttrMap, ...trees: ParamTree[]): ParamTree[] | undefined {
  const def = defined.get(name);
  if (def === undefined) throw new EngineError(`no fused kernel named ${name} is defined`);
  const names = def.kernel.inputs;
  if (trees.length !== names.length) throw new EngineError(`${name} takes ${names.length} trees, got ${trees.length}`);
  const backendName = tf.getBackend();
  if (tf.getKernel(name, backendName) === undefined || !fusedRouteIsFaster(def.kernel, backendName)) return undefined;
  const [first, ...others] = trees;
  treeMap((leaf) => leaf, first, ...others); // structure and shape check, before anything is allocated
  const leaves = trees.map(treeLeaves);
  if (leaves.some((ls) => ls.some((t) => t.dtype !== 'float32'))) return undefined;
  const outputs: tf.Tensor[][] = Array.from({ length: def.kernel.outputs }, () => []);
  const engine = tf.engine();
  try {
    for (let i = 0; i < leaves[0].length; i++) {
      const inputs: Record<string, tf.Tensor> = {};
      for (let j = 0; j < names.length; j++) inputs[names[j]] = leaves[j][i];
      const out = engine.runKernel(name, inputs, attrs) as unknown as tf.Tensor[];
      out.forEach((t, k) => outputs[k].push(t));
    }
  } catch (error) {
    tf.dispose(outputs.flat());
    throw error;
  }
  return outputs.map((ls) => treeUnflatten(first, ls));
}
