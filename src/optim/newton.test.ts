import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-layers'; // registers the gradient functions
import { InvalidArgumentError } from '../errors.js';
import type { ParamTree } from '../tree/tree.js';
import { GOLDEN, type Logistic, assertLogisticOptimum, type XY, logistic, rosenbrock, rosenbrockStart, value } from './full-batch.fixture.js';
import { newton } from './newton.js';

await tf.setBackend('cpu');

test("newton takes Rosenbrock from (-1.2, 1) to (1, 1) within 1e-5, in about scipy trust-exact's iterations, without leaking", async () => {
  const start = rosenbrockStart();
  const before = tf.memory().numTensors;
  const result = await newton(rosenbrock, start);
  const { x, y } = result.params as XY;
  assert.ok(result.converged, result.reason);
  assert.ok(Math.abs(value(x) - 1) <= 1e-5 && Math.abs(value(y) - 1) <= 1e-5, `ended at (${value(x)}, ${value(y)})`);
  assert.ok(result.loss < 1e-10, `loss ${result.loss}`);
  // scipy: trust-exact 25 iterations, Newton-CG 83 (N&W report 21 for Newton with a line search).
  const scipy = GOLDEN.rosenbrock['trust-exact'].nit;
  assert.ok(Math.abs(result.iterations - scipy) <= 0.25 * scipy, `${result.iterations} iterations, scipy trust-exact ${scipy}`);
  assert.ok(result.iterations < GOLDEN.rosenbrock['Newton-CG'].nit);
  assert.equal(result.hessianEvaluations, result.iterations);
  assert.equal(tf.memory().numTensors, before + 2, 'only the two returned leaves are new');
  assert.deepEqual([value(start.x), value(start.y)], [Math.fround(-1.2), 1]);
  tf.dispose([x, y, start.x, start.y]);
});

test("newton reaches scipy's logistic-regression optimum: loss within 1e-6 relative, weights within 1e-4", async () => {
  const problem = logistic();
  const start = problem.start();
  const before = tf.memory().numTensors;
  const result = await newton(problem.loss, start);
  const { scipy } = GOLDEN.logistic;
  assert.ok(result.converged, result.reason);
  assertLogisticOptimum(result, 1e-4);
  // A convex problem: quadratic convergence in a handful of steps, as scipy's Newton-CG (6).
  assert.ok(result.iterations <= scipy['Newton-CG'].nit + 2, `${result.iterations} iterations`);
  assert.equal(result.regularizedSteps, 0, 'the Hessian of a regularised logistic loss is positive definite');
  tf.dispose(Object.values(result.params as Logistic));
  assert.equal(tf.memory().numTensors, before);
  tf.dispose([start.w, start.b]);
  problem.dispose();
});

test('newton descends from a point where the Hessian is indefinite, instead of stepping to the saddle', async () => {
  // f = x⁴/4 − x²/2 + y²/2: Hessian diag(3x² − 1, 1), indefinite at x = 0.1; the pure Newton step
  // goes to the saddle (0, 0). Minima at (±1, 0) with f = −1/4.
  const f = (p: ParamTree) => {
    const { x, y } = p as XY;
    return tf.addN([tf.div(tf.pow(x, 4), 4), tf.neg(tf.div(tf.square(x), 2)), tf.div(tf.square(y), 2)]) as tf.Scalar;
  };
  const start: XY = { x: tf.scalar(0.1), y: tf.scalar(1) };
  const losses: number[] = [0.1 ** 4 / 4 - 0.1 ** 2 / 2 + 0.5];
  const result = await newton(f, start, { onIteration: ({ loss }) => void losses.push(loss) });
  assert.ok(result.converged, result.reason);
  assert.ok(result.regularizedSteps >= 1, 'τI was added at the indefinite start');
  for (let i = 1; i < losses.length; i++) assert.ok(losses[i] < losses[i - 1], `loss rose at iteration ${i}: ${losses}`);
  const { x, y } = result.params as XY;
  assert.ok(Math.abs(value(x) - 1) < 1e-5 && Math.abs(value(y)) < 1e-5, `ended at (${value(x)}, ${value(y)})`);
  assert.ok(Math.abs(result.loss + 0.25) < 1e-7);
  tf.dispose([x, y, start.x, start.y]);
});

test('newton with a fixed damping t moves exactly t of the way to the minimum of a quadratic each step', async () => {
  // f = ½ θᵀAθ − bᵀθ, minimum A⁻¹b = (1, −1); the Newton step is exact, so θ_k = θ* + (1 − t)^k (θ₀ − θ*).
  const A = tf.tensor2d([[3, 1], [1, 2]]);
  const bv = tf.tensor1d([2, -1]);
  const f = (p: ParamTree) => {
    const t = p as tf.Tensor1D;
    return tf.sub(tf.mul(0.5, tf.sum(tf.mul(t, tf.squeeze(tf.matMul(A, tf.reshape(t, [2, 1])), [1])))), tf.sum(tf.mul(bv, t))) as tf.Scalar;
  };
  const start = tf.tensor1d([5, 3]);
  const seen: number[][] = [];
  const before = tf.memory().numTensors;
  const result = await newton(f, start, {
    damping: 0.5,
    maxIterations: 4,
    onIteration: ({ params, stepSize }) => {
      assert.equal(stepSize, 0.5);
      seen.push(Array.from((params as tf.Tensor).dataSync()));
    },
  });
  assert.equal(result.reason, 'max iterations');
  assert.equal(tf.memory().numTensors, before + 1, 'the params lent to onIteration were disposed');
  seen.forEach(([a, c], k) => {
    const shrink = 0.5 ** (k + 1);
    assert.ok(Math.abs(a - (1 + 4 * shrink)) < 1e-5 && Math.abs(c - (-1 + 4 * shrink)) < 1e-5, `step ${k + 1}: (${a}, ${c})`);
  });
  tf.dispose([A, bv, start, result.params as tf.Tensor]);
});

test('newton stops cleanly when the loss turns NaN, returning the last finite point', async () => {
  let calls = 0;
  const broken = (p: ParamTree) => (++calls >= 20 ? (tf.mul(rosenbrock(p), NaN) as tf.Scalar) : rosenbrock(p));
  const start = rosenbrockStart();
  const before = tf.memory().numTensors;
  const result = await newton(broken, start);
  assert.equal(result.converged, false);
  assert.match(result.reason, /^loss is NaN\/Inf at iteration \d+$/);
  assert.ok(result.iterations >= 1, 'some iterations succeeded before the NaN');
  const { x, y } = result.params as XY;
  const [a, b] = [value(x), value(y)];
  assert.ok(Math.abs(100 * (b - a * a) ** 2 + (1 - a) ** 2 - result.loss) < 1e-5 * Math.max(1, result.loss));
  assert.equal(tf.memory().numTensors, before + 2);
  tf.dispose([x, y, start.x, start.y]);
});

test('newton returns the starting point when the loss is NaN there', async () => {
  const start = tf.tensor1d([1, 2]);
  const result = await newton((p) => tf.sum(tf.log(tf.sub(p as tf.Tensor, 5))) as tf.Scalar, start);
  assert.deepEqual([result.reason, result.iterations, result.converged], ['loss is NaN/Inf at iteration 0', 0, false]);
  assert.deepEqual([...(result.params as tf.Tensor).dataSync()], [1, 2]);
  tf.dispose([start, result.params as tf.Tensor]);
});

test('newton refuses a problem whose Hessian would not fit, naming n and the limit, before evaluating anything', async () => {
  const big = tf.zeros([2001]);
  let calls = 0;
  const f = (p: ParamTree) => (calls++, tf.sum(tf.square(p as tf.Tensor)) as tf.Scalar);
  await assert.rejects(
    newton(f, big),
    (e: unknown) => e instanceof InvalidArgumentError && /Invalid params: "2001 parameters" \(expected at most maxParams = 2000/.test(e.message),
  );
  await assert.rejects(newton(f, { a: tf.zeros([10]), b: tf.zeros([3]) } as never, { maxParams: 12 }), /"13 parameters".*maxParams = 12/);
  assert.equal(calls, 0);
  tf.dispose(big);
});

test('newton refuses bad options, naming the value', async () => {
  const p = tf.tensor1d([1, 2]);
  const f = (q: ParamTree) => tf.sum(tf.square(q as tf.Tensor)) as tf.Scalar;
  const bad: Array<[object, RegExp]> = [
    [{ maxIterations: -1 }, /Invalid maxIterations: -1/],
    [{ tolerance: -1e-3 }, /Invalid tolerance: -0.001/],
    [{ damping: 0 }, /Invalid damping: 0 \(expected 'lineSearch' or a step length in \(0, 1\]\)/],
    [{ damping: 'armijo' }, /Invalid damping: "armijo"/],
    [{ maxParams: 0 }, /Invalid maxParams: 0/],
    [{ maxIteration: 5 }, /Invalid newton option: "maxIteration"/],
    [{ onIteration: 3 }, /Invalid onIteration: 3/],
  ];
  for (const [options, message] of bad)
    await assert.rejects(
      newton(f, p, options as never),
      (e: unknown) => e instanceof InvalidArgumentError && message.test(e.message),
      JSON.stringify(options),
    );
  tf.dispose(p);
});
