import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-layers'; // registers the gradient functions
import type { ParamTree } from '../tree/tree.js';
import { flatLoss } from './flat_loss.js';
import { hessian } from './hessian.js';
import { cholesky, choleskySolve, dampedCholesky } from './cholesky.js';

await tf.setBackend('cpu');

test('hessian of Rosenbrock at (-1.2, 1) equals the analytic one, with no tensor left behind', async () => {
  type XY = { x: tf.Scalar; y: tf.Scalar };
  const rosenbrock = (p: ParamTree) => {
    const { x, y } = p as XY;
    return tf.add(tf.mul(100, tf.square(tf.sub(y, tf.square(x)))), tf.square(tf.sub(1, x))) as tf.Scalar;
  };
  const start: XY = { x: tf.scalar(-1.2), y: tf.scalar(1) };
  const before = tf.memory().numTensors;
  const H = await hessian(flatLoss(rosenbrock, start), Float32Array.of(-1.2, 1));
  assert.equal(tf.memory().numTensors, before);
  // ∂²f/∂x² = 1200x² − 400y + 2, ∂²f/∂x∂y = −400x, ∂²f/∂y² = 200.
  const x = Math.fround(-1.2);
  const expected = [1200 * x * x - 400 + 2, -400 * x, -400 * x, 200];
  assert.ok(H !== null);
  for (let i = 0; i < 4; i++) assert.ok(Math.abs(H[i] - expected[i]) <= 1e-5 * Math.abs(expected[i]), `H[${i}] = ${H[i]}`);
  tf.dispose([start.x, start.y]);
});

test('hessian gives a zero block where a gradient does not depend on a leaf', async () => {
  // f(w, b) = Σw³ + 3b: ∂f/∂b = 3 depends on nothing.
  const f = (p: ParamTree) => {
    const { w, b } = p as { w: tf.Tensor; b: tf.Scalar };
    return tf.add(tf.sum(tf.pow(w, 3)), tf.mul(3, b)) as tf.Scalar;
  };
  const start = { w: tf.tensor1d([1, 2]), b: tf.scalar(0) };
  // Leaves flatten in key order: b, then w.
  const H = await hessian(flatLoss(f, start), Float32Array.of(5, 1, 2));
  assert.deepEqual(Array.from(H!), [0, 0, 0, 0, 6, 0, 0, 0, 12]);
  tf.dispose([start.w, start.b]);
});

test('cholesky solves a positive-definite system, and refuses an indefinite one', () => {
  const A = Float64Array.of(4, 2, 0.6, 2, 5, -1, 0.6, -1, 3);
  const L = cholesky(A, 3)!;
  const x = choleskySolve(L, Float64Array.of(1, 2, 3), 3);
  for (let i = 0; i < 3; i++) {
    const Ax = A[3 * i] * x[0] + A[3 * i + 1] * x[1] + A[3 * i + 2] * x[2];
    assert.ok(Math.abs(Ax - (i + 1)) < 1e-12, `row ${i}: ${Ax}`);
  }
  assert.equal(cholesky(Float64Array.of(1, 0, 0, -2), 2), null);
});

test('dampedCholesky adds τI only when needed, just enough to pass the smallest eigenvalue', () => {
  assert.equal(dampedCholesky(Float64Array.of(2, 1, 1, 2), 2).tau, 0);
  // Eigenvalues 1 and −2: τ starts at β + 2 with β = 1e-3 · 2.
  const { L, tau } = dampedCholesky(Float64Array.of(1, 0, 0, -2), 2);
  assert.ok(Math.abs(tau - 2.002) < 1e-12, `tau ${tau}`);
  assert.ok(Math.abs(L[3] - Math.sqrt(0.002)) < 1e-12);
});
