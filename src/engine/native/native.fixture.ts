/**
 * What the native-kernel tests share: whether this machine has a native BLAS (the tests of native
 * kernels skip, saying why, only where it has none) and the wasm options that turn native kernels on.
 */
import type { BackendOptions } from '../backend.js';
import { probeNative } from './route.js';

const probe = probeNative();

/** `test`'s skip option: false where OpenBLAS loaded, else the reason (CI installs the library). */
export const NO_NATIVE: string | false =
  probe.blas === null ? `no OpenBLAS here: ${probe.reason} (.ci/run installs libopenblas0-pthread)` : false;

/** `test`'s skip option for oneDNN's convolutions: false where oneDNN 2.x loaded, else the reason. */
export const NO_ONEDNN: string | false =
  probe.conv === null ? `no oneDNN 2.x here: ${probe.reason} (.ci/run installs libdnnl2)` : false;

/** wasm with native kernels on, one XNNPACK thread (as useBestBackend chooses with a native BLAS). */
export const NATIVE_WASM: BackendOptions = { threads: 1, native: true };
