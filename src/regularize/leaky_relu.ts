/**
 * Leaky ReLU (Maas et al. 2013, "Rectifier nonlinearities improve neural network acoustic models"):
 * f(x) = x for x > 0, alpha·x otherwise.
 *
 * Defaults differ between libraries: PyTorch's `LeakyReLU` and the course use alpha = 0.01;
 * Keras and tfjs-layers' `tf.layers.leakyReLU()` use alpha = 0.3 (checked in leaky_relu.test.ts).
 * trainkit's function follows PyTorch; in a LayersModel write `tf.layers.leakyReLU({ alpha: 0.01 })`.
 */
import * as tf from '@tensorflow/tfjs-core';
import { checkNumber } from '../errors.js';

/**
 * Leaky ReLU with slope `alpha` (default 0.01, as PyTorch) for negative inputs.
 *
 * @example
 * leakyRelu(tf.tensor([-2, 3])); // [-0.02, 3]
 */
export function leakyRelu(x: tf.Tensor, alpha = 0.01): tf.Tensor {
  checkNumber('alpha', alpha, { min: 0 });
  return tf.leakyRelu(x, alpha);
}
