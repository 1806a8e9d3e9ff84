/**
 * trainkit's fixes to the wasm backend, registered through TensorFlow.js's public kernel registry
 * (never by editing node_modules): faster replacements for shipped kernels and the gradient
 * kernels that wasm lacks. `installWasmFixes` and `removeWasmFixes` are idempotent and can be
 * called before or after the backend initialises.
 */
import * as tf from '@tensorflow/tfjs-core';
import { rememberOriginal, originalKernel } from './registry.js';
import { nativeBatchMatMulConfig } from '../native/batch_mat_mul.js';
import { nativeFusedMatMulConfig } from '../native/fused_mat_mul.js';
import {
  nativeConv2DBackpropFilterConfig,
  nativeConv2DBackpropInputConfig,
  nativeConv2DConfig,
  nativeFusedConv2DConfig,
} from '../native/conv2d.js';
import { depthwiseBackpropFilterConfig } from './depthwise_backprop_filter.js';
import { depthwiseBackpropInputConfig } from './depthwise_backprop_input.js';
import { maxPoolGradConfig } from './max_pool_grad.js';
import { sumConfig } from './sum.js';
import { identityConfig } from './identity.js';

/** The kernels trainkit registers on wasm, in the order they matter for training speed. */
export const WASM_FIXES: readonly tf.KernelConfig[] = [
  // Products on the native BLAS when one is active (engine/native), else trainkit's wasm kernels.
  nativeBatchMatMulConfig,
  nativeFusedMatMulConfig,
  // Convolutions on oneDNN when it is active; else XNNPACK's forward ones and trainkit's gradients.
  nativeConv2DBackpropFilterConfig,
  nativeConv2DBackpropInputConfig,
  depthwiseBackpropFilterConfig,
  depthwiseBackpropInputConfig,
  maxPoolGradConfig,
  sumConfig,
  identityConfig,
  nativeConv2DConfig,
  nativeFusedConv2DConfig,
];

const mine = new WeakSet<tf.KernelConfig>();

/**
 * Registers every fix on the wasm backend (replacing the shipped kernel where there is one; the
 * shipped one stays reachable for the fix to delegate to) and returns their kernel names.
 * Requires `@tensorflow/tfjs-backend-wasm` to have been imported.
 *
 * @example
 * await import('@tensorflow/tfjs-backend-wasm');
 * installWasmFixes(); // ['BatchMatMul', '_FusedMatMul', 'Conv2DBackpropFilter', ...]
 */
export function installWasmFixes(): string[] {
  for (const fix of WASM_FIXES) {
    const name = fix.kernelName;
    rememberOriginal(name);
    const current = tf.getKernel(name, 'wasm');
    if (current !== undefined && mine.has(current)) continue;
    const shipped = originalKernel(name);
    if (current !== undefined) tf.unregisterKernel(name, 'wasm');
    // Keep the shipped kernel's setup: it binds the C++ function our fix may delegate to, and the
    // engine runs the registered kernel's setupFunc whenever the backend is (re)selected.
    const config: tf.KernelConfig = { ...fix, setupFunc: shipped?.setupFunc, disposeFunc: shipped?.disposeFunc };
    mine.add(config);
    tf.registerKernel(config);
  }
  return installedWasmFixes();
}

/** Restores the wasm backend as shipped: removes every fix, re-registers the replaced kernels. */
export function removeWasmFixes(): void {
  for (const fix of WASM_FIXES) {
    const name = fix.kernelName;
    const current = tf.getKernel(name, 'wasm');
    if (current === undefined || !mine.has(current)) continue;
    tf.unregisterKernel(name, 'wasm');
    const shipped = originalKernel(name);
    if (shipped !== undefined) tf.registerKernel(shipped);
  }
}

/** Whether trainkit's fix of kernel `name` is the one registered for wasm now. */
export function wasmFixInstalled(name: string): boolean {
  const current = tf.getKernel(name, 'wasm');
  return current !== undefined && mine.has(current);
}

/** Names of the fixes currently registered. */
export function installedWasmFixes(): string[] {
  return WASM_FIXES.map((f) => f.kernelName).filter(wasmFixInstalled);
}
