/**
 * `Identity` for the wasm backend without a copy.
 *
 * The shipped kernel copies the whole buffer. tfjs-core calls it for every tensor a kernel saves
 * for its backward pass (`engine.clone` in `saveTensorsForBackwardMode`), so on a CNN it copied
 * every activation once more per step (measured: 33 calls, 11 ms of a 406 ms step). Like the cpu
 * backend and the wasm backend's own `Reshape`, this one shares the buffer and counts a reference.
 * That is safe because no wasm kernel (shipped or trainkit's) writes into an input's buffer:
 * every kernel writes a fresh output.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Identity } from '@tensorflow/tfjs-core';
import { originalKernel } from './registry.js';

function identity(args: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
  const x = args.inputs.x as tf.TensorInfo;
  if (x.dtype === 'string') return originalKernel(Identity)!.kernelFunc(args) as tf.TensorInfo;
  (args.backend as { incRef(dataId: tf.DataId): void }).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

/** Kernel config: `Identity` on wasm sharing the input's buffer. */
export const identityConfig: tf.KernelConfig = {
  kernelName: Identity,
  backendName: 'wasm',
  kernelFunc: identity as tf.KernelFunc,
};
