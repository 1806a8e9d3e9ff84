/**
 * The two problems of tools/golden/full_batch.py, built in TensorFlow.js for the full-batch
 * minimiser tests (lbfgs, bfgs, newton), with scipy's results (this file holds no tests).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import type { ParamTree } from '../tree/tree.js';

interface ScipyRun {
  x: number[];
  loss: number;
  nit: number;
}
type Methods = Record<'Newton-CG' | 'trust-exact' | 'BFGS' | 'L-BFGS-B', ScipyRun>;

export const GOLDEN = JSON.parse(readFileSync(new URL('./fixtures/full-batch.json', import.meta.url), 'utf8')) as {
  rosenbrock: Methods;
  logistic: {
    problem: { n: number; d: number; lam: number; X: number[][]; y: number[] };
    optimum: { w: number[]; b: number; loss: number };
    scipy: Methods;
  };
};

export type XY = { x: tf.Scalar; y: tf.Scalar };

/** f(x, y) = 100 (y − x²)² + (1 − x)² over the tree { x, y }. */
export const rosenbrock = (p: ParamTree): tf.Scalar => {
  const { x, y } = p as XY;
  return tf.add(tf.mul(100, tf.square(tf.sub(y, tf.square(x)))), tf.square(tf.sub(1, x))) as tf.Scalar;
};

/** The start of every Rosenbrock test, (−1.2, 1). */
export const rosenbrockStart = (): XY => ({ x: tf.scalar(-1.2), y: tf.scalar(1) });

export type Logistic = { w: tf.Tensor1D; b: tf.Scalar };

/**
 * The fixture's L2-regularised logistic regression: mean(softplus(z) − y·z) + (λ/2)‖w‖², z = X·w + b,
 * its start (w = 0, b = 0), and `dispose` for the data tensors.
 */
export function logistic(): { loss: (p: ParamTree) => tf.Scalar; start: () => Logistic; dispose: () => void } {
  const { X, y, lam, d } = GOLDEN.logistic.problem;
  const Xt = tf.tensor2d(X);
  const yt = tf.tensor1d(y);
  const loss = (p: ParamTree): tf.Scalar => {
    const { w, b } = p as Logistic;
    const z = tf.add(tf.squeeze(tf.matMul(Xt, tf.reshape(w, [d, 1])), [1]), b);
    const data = tf.mean(tf.sub(tf.softplus(z), tf.mul(yt, z)));
    return tf.add(data, tf.mul(lam / 2, tf.sum(tf.square(w)))) as tf.Scalar;
  };
  return { loss, start: () => ({ w: tf.zeros([d]) as tf.Tensor1D, b: tf.scalar(0) }), dispose: () => tf.dispose([Xt, yt]) };
}

/** The scalar value of a one-element tensor. */
export const value = (t: ParamTree): number => (t as tf.Tensor).dataSync()[0];

/**
 * Asserts that a minimiser reached scipy's logistic-regression optimum: the loss within 1e-6
 * relative and, when `weightTolerance` is given, every weight within it.
 */
export function assertLogisticOptimum(result: { loss: number; params: ParamTree }, weightTolerance?: number): void {
  const { optimum } = GOLDEN.logistic;
  assert.ok(Math.abs(result.loss - optimum.loss) <= 1e-6 * optimum.loss, `loss ${result.loss}, scipy ${optimum.loss}`);
  if (weightTolerance === undefined) return;
  const { w, b } = result.params as Logistic;
  const got = [...w.dataSync(), value(b)];
  [...optimum.w, optimum.b].forEach((v, i) => assert.ok(Math.abs(got[i] - v) <= weightTolerance, `θ[${i}] = ${got[i]}, scipy ${v}`));
}
