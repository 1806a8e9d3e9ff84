/**
 * A kernel scope: how trainkit's wasm kernels call the backend's own kernels and free what they
 * made. Kernels work below the tensor level, on `TensorInfo`s (dataId, shape, dtype) that the
 * backend reference-counts, so a kernel must release every intermediate itself: a scope records
 * each one and `kernelScope` releases all but the returned output, even when the body throws.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { EngineError } from '../../errors.js';
import { originalKernel } from './registry.js';

type TensorInfo = tf.TensorInfo;

export class KernelScope {
  private readonly temps: TensorInfo[] = [];

  constructor(readonly backend: BackendWasm) {}

  /**
   * Runs the wasm backend's kernel `name` (the shipped one where trainkit replaced it) and records
   * the output as an intermediate.
   */
  run(name: string, inputs: tf.NamedTensorInfoMap, attrs: tf.NamedAttrMap = {}): TensorInfo {
    const config = originalKernel(name);
    if (config === undefined) throw new EngineError(`the wasm backend has no kernel ${name}`);
    const out = config.kernelFunc({ inputs, backend: this.backend, attrs });
    if (Array.isArray(out)) throw new EngineError(`kernel ${name} returned several outputs`);
    return this.track(out);
  }

  /** Records a tensor made outside `run`/`alloc` (e.g. by a shipped kernel called directly). */
  adopt(t: TensorInfo): TensorInfo {
    return this.track(t);
  }

  reshape(x: TensorInfo, shape: number[]): TensorInfo {
    return this.run('Reshape', { x }, { shape });
  }

  transpose(x: TensorInfo, perm: number[]): TensorInfo {
    return this.run('Transpose', { x }, { perm });
  }

  /** A new, uninitialised float32 buffer on the wasm heap (fill it through `view`). */
  alloc(shape: number[]): TensorInfo {
    return this.track(this.backend.makeOutput(shape, 'float32'));
  }

  /**
   * A Float32Array view of a tensor's memory on the wasm heap (no copy). Take views after the
   * allocations of a step: growing the heap detaches older views.
   */
  view(t: TensorInfo): Float32Array {
    return this.backend.typedArrayFromHeap(t) as Float32Array;
  }

  /** Releases one intermediate now (to bound memory inside a loop). */
  free(t: TensorInfo): void {
    const i = this.temps.lastIndexOf(t);
    if (i < 0) return;
    this.temps.splice(i, 1);
    this.backend.disposeData(t.dataId);
  }

  /** Marks `t` as the kernel's output: it outlives the scope. */
  keep(t: TensorInfo): TensorInfo {
    const i = this.temps.lastIndexOf(t);
    if (i < 0) throw new EngineError('a kernel must return a tensor made inside its scope');
    this.temps.splice(i, 1);
    return t;
  }

  /** Releases every intermediate still recorded. */
  dispose(): void {
    for (const t of this.temps.splice(0)) this.backend.disposeData(t.dataId);
  }

  private track(t: TensorInfo): TensorInfo {
    this.temps.push(t);
    return t;
  }
}

/**
 * Runs a kernel body in a scope: everything the body made is released except the tensor it
 * returns, which becomes the kernel's output.
 */
export function kernelScope(backend: unknown, body: (s: KernelScope) => TensorInfo): TensorInfo {
  const s = new KernelScope(backend as BackendWasm);
  try {
    return s.keep(body(s));
  } finally {
    s.dispose();
  }
}
