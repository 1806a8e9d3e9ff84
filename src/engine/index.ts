export * from './rng.js';
export * from './backend.js';
export { installWasmFixes, removeWasmFixes, installedWasmFixes, WASM_FIXES } from './kernels/fixes.js';
export * from './gradients.js';
export { installFusedKernels, removeFusedKernels, FUSED_KERNELS } from './kernels/fused_optimizers.js';
