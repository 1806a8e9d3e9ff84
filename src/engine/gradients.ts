/**
 * Gradient functions. `@tensorflow/tfjs-core` alone registers none (tf.grad of a product fails with
 * "gradient function not found for Multiply"); `@tensorflow/tfjs-layers` registers all of core's
 * when imported. trainkit imports it here once, so `tf.grad`, `tf.valueAndGrads` and L-BFGS work as
 * soon as trainkit is imported. (The ESM file `register_all_gradients` of tfjs-core cannot be
 * imported in Node: its imports have no extensions.)
 */
import '@tensorflow/tfjs-layers';
import * as tf from '@tensorflow/tfjs-core';

/** True when the gradient of `kernelName` is registered (e.g. 'Multiply', 'Conv2D'). */
export function hasGradient(kernelName: string): boolean {
  return tf.getGradient(kernelName) !== undefined;
}
