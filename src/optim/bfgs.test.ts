import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-layers'; // registers the gradient functions
import { InvalidArgumentError } from '../errors.js';
import type { ParamTree } from '../tree/tree.js';
import { GOLDEN, type Logistic, assertLogisticOptimum, type XY, logistic, rosenbrock, rosenbrockStart, value } from './full-batch.fixture.js';
import { bfgs } from './bfgs.js';

await tf.setBackend('cpu');

test("bfgs takes Rosenbrock from (-1.2, 1) to (1, 1) within 1e-5, in about scipy BFGS's iterations, without leaking", async () => {
  const start = rosenbrockStart();
  const before = tf.memory().numTensors;
  const result = await bfgs(rosenbrock, start);
  const { x, y } = result.params as XY;
  assert.ok(result.converged, result.reason);
  assert.ok(Math.abs(value(x) - 1) <= 1e-5 && Math.abs(value(y) - 1) <= 1e-5, `ended at (${value(x)}, ${value(y)})`);
  assert.ok(result.loss < 1e-10, `loss ${result.loss}`);
  const scipy = GOLDEN.rosenbrock.BFGS.nit;
  assert.ok(Math.abs(result.iterations - scipy) <= 0.25 * scipy, `${result.iterations} iterations, scipy BFGS ${scipy}`);
  assert.equal(tf.memory().numTensors, before + 2, 'only the two returned leaves are new');
  assert.deepEqual([value(start.x), value(start.y)], [Math.fround(-1.2), 1]);
  tf.dispose([x, y, start.x, start.y]);
});

test("bfgs reaches scipy's logistic-regression optimum: loss within 1e-6 relative, weights within 1e-3", async () => {
  const problem = logistic();
  const start = problem.start();
  const before = tf.memory().numTensors;
  const result = await bfgs(problem.loss, start);
  const { scipy } = GOLDEN.logistic;
  assert.ok(result.converged, result.reason);
  // It stops on the loss change: within ~3e-4 of the optimum the float32 loss (0.44) no longer
  // changes by more than tolerance · 0.44, so the weights are checked to 1e-3 and the gradient to 1e-4.
  assertLogisticOptimum(result, 1e-3);
  assert.ok(result.gradientNorm < 1e-4, `max |g| = ${result.gradientNorm}`);
  assert.ok(result.iterations <= scipy.BFGS.nit + 5, `${result.iterations} iterations, scipy BFGS ${scipy.BFGS.nit}`);
  tf.dispose(Object.values(result.params as Logistic));
  assert.equal(tf.memory().numTensors, before);
  tf.dispose([start.w, start.b]);
  problem.dispose();
});

test('bfgs minimises a 3-dimensional quadratic in a few iterations, ending with full quasi-Newton steps', async () => {
  // On f = ½ θᵀAθ every pair has y = A·s, so H tends to A⁻¹ and the step −H·g to the exact minimiser.
  const A = tf.tensor2d([[4, 1, 0], [1, 3, 0.5], [0, 0.5, 2]]);
  const f = (p: ParamTree) => {
    const t = p as tf.Tensor1D;
    return tf.mul(0.5, tf.sum(tf.mul(t, tf.squeeze(tf.matMul(A, tf.reshape(t, [3, 1])), [1])))) as tf.Scalar;
  };
  const start = tf.tensor1d([1, -2, 3]);
  const steps: number[] = [];
  const result = await bfgs(f, start, { onIteration: ({ stepSize }) => void steps.push(stepSize) });
  assert.ok(result.converged, result.reason);
  assert.ok(result.loss < 1e-10, `loss ${result.loss}`);
  // Near the end the quasi-Newton step is the Newton step: the line search accepts t = 1.
  assert.equal(steps.at(-1), 1);
  assert.ok(result.iterations <= 3 + 4, `${result.iterations} iterations for n = 3`);
  tf.dispose([A, start, result.params as tf.Tensor]);
});

test('bfgs stops cleanly when the loss turns NaN, returning the last finite point', async () => {
  let calls = 0;
  const broken = (p: ParamTree) => (++calls >= 10 ? (tf.mul(rosenbrock(p), NaN) as tf.Scalar) : rosenbrock(p));
  const start = rosenbrockStart();
  const before = tf.memory().numTensors;
  const result = await bfgs(broken, start);
  assert.equal(result.converged, false);
  assert.match(result.reason, /^loss is NaN\/Inf at iteration \d+$/);
  assert.ok(result.iterations >= 1, 'some iterations succeeded before the NaN');
  const { x, y } = result.params as XY;
  const [a, b] = [value(x), value(y)];
  assert.ok(Math.abs(100 * (b - a * a) ** 2 + (1 - a) ** 2 - result.loss) < 1e-5 * Math.max(1, result.loss));
  assert.equal(tf.memory().numTensors, before + 2);
  tf.dispose([x, y, start.x, start.y]);
});

test('bfgs reports max iterations when the budget runs out first', async () => {
  const start = rosenbrockStart();
  const result = await bfgs(rosenbrock, start, { maxIterations: 3 });
  assert.deepEqual([result.iterations, result.converged, result.reason], [3, false, 'max iterations']);
  tf.dispose([...Object.values(result.params as XY), start.x, start.y]);
});

test('bfgs refuses a problem whose matrix would not fit, and bad options, naming the value', async () => {
  const big = tf.zeros([5001]);
  let calls = 0;
  const f = (q: ParamTree) => (calls++, tf.sum(tf.square(q as tf.Tensor)) as tf.Scalar);
  await assert.rejects(bfgs(f, big), /Invalid params: "5001 parameters" \(expected at most maxParams = 5000/);
  assert.equal(calls, 0);
  const p = tf.tensor1d([1, 2]);
  const bad: Array<[object, RegExp]> = [
    [{ maxIterations: 2.5 }, /Invalid maxIterations: 2.5/],
    [{ tolerance: -1 }, /Invalid tolerance: -1/],
    [{ maxParams: 0 }, /Invalid maxParams: 0/],
    [{ memory: 5 }, /Invalid bfgs option: "memory"/],
    [{ onIteration: 'log' }, /Invalid onIteration: "log"/],
  ];
  for (const [options, message] of bad)
    await assert.rejects(
      bfgs(f, p, options as never),
      (e: unknown) => e instanceof InvalidArgumentError && message.test(e.message),
      JSON.stringify(options),
    );
  tf.dispose([big, p]);
});
