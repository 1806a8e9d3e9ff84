/**
 * The wasm backend's shipped kernels that trainkit replaced, kept so the replacements (and the
 * removal of the fixes) can still reach them.
 */
import * as tf from '@tensorflow/tfjs-core';

const originals = new Map<string, tf.KernelConfig | null>();

/** Records the kernel registered for `name` on wasm before trainkit replaces it (null: none). */
export function rememberOriginal(name: string): void {
  if (!originals.has(name)) originals.set(name, tf.getKernel(name, 'wasm') ?? null);
}

/** The shipped wasm kernel `name`: the remembered original if trainkit replaced it, else the registered one. */
export function originalKernel(name: string): tf.KernelConfig | undefined {
  const saved = originals.get(name);
  if (saved !== undefined) return saved ?? undefined;
  return tf.getKernel(name, 'wasm');
}

/** Whether a kernel of that name was registered for wasm before trainkit touched it. */
export function hadOriginal(name: string): boolean {
  return originalKernel(name) !== undefined;
}
