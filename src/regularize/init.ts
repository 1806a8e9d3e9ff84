/**
 * Weight initialisation for functional models, drawn from trainkit's seeded `Rng`.
 *
 * Fans (the rule of PyTorch and tfjs-layers alike): a dense kernel [in, out] has fanIn = in,
 * fanOut = out; a convolution kernel in TensorFlow.js layout [kh, kw, ..., in, out] has
 * fanIn = in·kh·kw… and fanOut = out·kh·kw… (the receptive field multiplies both).
 *
 * - Xavier / Glorot (Glorot & Bengio 2010): Var(w) = 2 / (fanIn + fanOut), keeping the variance of
 *   activations and of gradients roughly constant through tanh/linear layers.
 * - He / Kaiming (He et al. 2015): Var(w) = 2 / ((1 + a²)·fanIn), the factor 2 compensating ReLU
 *   zeroing half its inputs (a = the negative slope of a leaky ReLU, 0 for ReLU).
 *
 * What tfjs-layers provides (measured in init.test.ts): `glorotUniform` and `heUniform` have exactly
 * these variances (U(−l, l) with l = √(3·Var)). `glorotNormal` and `heNormal` sample a normal with
 * σ = √Var TRUNCATED at ±2σ without Keras's correction factor (0.8796), so their variance is only
 * ≈ 0.774·Var. trainkit's `xavierNormal` / `heNormal` below are untruncated normals with exactly Var,
 * as PyTorch's `xavier_normal_` / `kaiming_normal_`.
 */
import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, checkNumber } from '../errors.js';
import type { Rng } from '../engine/rng.js';

/** fanIn and fanOut of a weight shape (see the file's comment); a vector [n] has fanIn = fanOut = n. */
export function fans(shape: readonly number[]): { fanIn: number; fanOut: number } {
  if (shape.length === 0 || !shape.every((d) => Number.isInteger(d) && d > 0))
    throw new InvalidArgumentError('shape', shape, 'a non-empty list of positive integers');
  if (shape.length === 1) return { fanIn: shape[0], fanOut: shape[0] };
  const receptive = shape.slice(0, -2).reduce((a, b) => a * b, 1);
  return { fanIn: shape[shape.length - 2] * receptive, fanOut: shape[shape.length - 1] * receptive };
}

function normalTensor(shape: readonly number[], std: number, rng: Rng): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) v[i] = rng.normal(0, std);
  return tf.tensor(v, [...shape], 'float32');
}

function uniformTensor(shape: readonly number[], limit: number, rng: Rng): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) v[i] = rng.uniform(-limit, limit);
  return tf.tensor(v, [...shape], 'float32');
}

const xavierVariance = (shape: readonly number[]): number => {
  const { fanIn, fanOut } = fans(shape);
  return 2 / (fanIn + fanOut);
};

const heVariance = (shape: readonly number[], negativeSlope: number): number => {
  checkNumber('negativeSlope', negativeSlope, { min: 0 });
  return 2 / ((1 + negativeSlope * negativeSlope) * fans(shape).fanIn);
};

/**
 * Xavier/Glorot normal: N(0, 2/(fanIn + fanOut)), untruncated (PyTorch's `xavier_normal_`).
 *
 * @example
 * const w = xavierNormal([784, 256], new Rng(0));
 */
export function xavierNormal(shape: readonly number[], rng: Rng): tf.Tensor {
  return normalTensor(shape, Math.sqrt(xavierVariance(shape)), rng);
}

/**
 * Xavier/Glorot uniform: U(−l, l), l = √(6/(fanIn + fanOut)) (PyTorch's `xavier_uniform_`).
 *
 * @example
 * const w = xavierUniform([784, 256], new Rng(0));
 */
export function xavierUniform(shape: readonly number[], rng: Rng): tf.Tensor {
  return uniformTensor(shape, Math.sqrt(3 * xavierVariance(shape)), rng);
}

/** Options of the He initialisers. */
export interface HeOptions {
  /** Negative slope a of the leaky ReLU that follows (0 = ReLU). Default 0. */
  negativeSlope?: number;
}

/**
 * He/Kaiming normal: N(0, 2/((1 + a²)·fanIn)), untruncated (PyTorch's `kaiming_normal_`, fan_in mode).
 *
 * @example
 * const w = heNormal([3, 3, 16, 32], new Rng(0)); // a conv kernel: fanIn = 3·3·16
 */
export function heNormal(shape: readonly number[], rng: Rng, options: HeOptions = {}): tf.Tensor {
  const { negativeSlope } = { negativeSlope: 0, ...options };
  return normalTensor(shape, Math.sqrt(heVariance(shape, negativeSlope)), rng);
}

/**
 * He/Kaiming uniform: U(−l, l), l = √(6/((1 + a²)·fanIn)) (PyTorch's `kaiming_uniform_`, fan_in mode).
 *
 * @example
 * const w = heUniform([784, 256], new Rng(0));
 */
export function heUniform(shape: readonly number[], rng: Rng, options: HeOptions = {}): tf.Tensor {
  const { negativeSlope } = { negativeSlope: 0, ...options };
  return uniformTensor(shape, Math.sqrt(3 * heVariance(shape, negativeSlope)), rng);
}
