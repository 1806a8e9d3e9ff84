/**
 * Gradient functions. `@tensorflow/tfjs-core` alone registers none (tf.grad of a product fails with
 * "gradient function not found for Multiply"); `@tensorflow/tfjs-layers` registers all of core's
 * when imported. trainkit imports it here once, so `tf.grad`, `tf.valueAndGrads` and L-BFGS work as
 * soon as trainkit is imported. (The ESM file `register_all_gradients` of tfjs-core cannot be
 * imported in Node: its imports have no extensions.)
 *
 * One gradient is replaced: ReLU's, by the same arithmetic in one fused pass (fused_relu_grad.ts;
 * bit-identical, 3 passes and 2 intermediates fewer per ReLU layer and step).
 */
import '@tensorflow/tfjs-layers';
import * as tf from '@tensorflow/tfjs-core';
import { reluGrad } from './kernels/fused_relu_grad.js';

tf.registerGradient({
  kernelName: tf.Relu,
  inputsToSave: ['x'],
  gradFunc: (dy, saved) => ({ x: () => reluGrad(dy as tf.Tensor, saved[0]) }),
});

/** True when the gradient of `kernelName` is registered (e.g. 'Multiply', 'Conv2D'). */
export function hasGradient(kernelName: string): boolean {
  return tf.getGradient(kernelName) !== undefined;
}
