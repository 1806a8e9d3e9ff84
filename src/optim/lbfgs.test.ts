import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-layers'; // registers the gradient functions
import { InvalidArgumentError } from '../errors.js';
import type { ParamTree } from '../tree/tree.js';
import { loadFashionMnist } from '../data/fashion-mnist.js';
import { lbfgs } from './lbfgs.js';
import { GOLDEN, type Logistic, assertLogisticOptimum, logistic, rosenbrockStart } from './full-batch.fixture.js';

await tf.setBackend('cpu');

type XY = { x: tf.Scalar; y: tf.Scalar };
const rosenbrock = (p: ParamTree): tf.Scalar => {
  const { x, y } = p as XY;
  return tf.add(tf.mul(100, tf.square(tf.sub(y, tf.square(x)))), tf.square(tf.sub(1, x))) as tf.Scalar;
};
const value = (t: ParamTree): number => (t as tf.Tensor).dataSync()[0];

for (const lineSearch of ['strong-wolfe', 'backtracking'] as const) {
  const name = `lbfgs (${lineSearch}) takes Rosenbrock from (-1.2, 1) to (1, 1) within 1e-4, without leaking or touching the caller's tensors`;
  test(name, async () => {
    const start: XY = { x: tf.scalar(-1.2), y: tf.scalar(1) };
    const before = tf.memory().numTensors;
    const result = await lbfgs(rosenbrock, start, { lineSearch });
    const { x, y } = result.params as XY;
    assert.ok(result.converged, result.reason);
    assert.ok(Math.abs(value(x) - 1) < 1e-4 && Math.abs(value(y) - 1) < 1e-4, `ended at (${value(x)}, ${value(y)})`);
    assert.ok(result.iterations < 60, `${result.iterations} iterations`);
    assert.ok(result.loss < 1e-8, `loss ${result.loss}`);
    assert.ok(result.evaluations >= result.iterations + 1);
    // The only new tensors are the two returned leaves; the caller's are intact.
    assert.equal(tf.memory().numTensors, before + 2);
    assert.ok(!start.x.isDisposed && !start.y.isDisposed);
    assert.deepEqual([value(start.x), value(start.y)], [Math.fround(-1.2), 1]);
    tf.dispose([x, y]);
    tf.dispose([start.x, start.y]);
  });
}

test('lbfgs calls onIteration once per iteration with temporary params, and the loss never rises', async () => {
  const start: XY = { x: tf.scalar(-1.2), y: tf.scalar(1) };
  const seen: Array<{ iteration: number; loss: number; x: number }> = [];
  const lent: tf.Tensor[] = [];
  const before = tf.memory().numTensors;
  const result = await lbfgs(rosenbrock, start, {
    onIteration: async ({ iteration, loss, params, stepSize, gradientNorm }) => {
      assert.ok(stepSize > 0 && gradientNorm >= 0);
      const { x, y } = params as XY;
      lent.push(x, y);
      seen.push({ iteration, loss, x: (await x.data())[0] });
    },
  });
  assert.deepEqual(seen.map((s) => s.iteration), Array.from({ length: result.iterations }, (_, i) => i + 1));
  for (let i = 1; i < seen.length; i++) assert.ok(seen[i].loss <= seen[i - 1].loss);
  assert.equal(seen.at(-1)!.loss, result.loss);
  assert.ok(lent.every((t) => t.isDisposed), 'the params lent to onIteration are disposed after it returns');
  tf.dispose(Object.values(result.params as XY));
  assert.equal(tf.memory().numTensors, before);
  tf.dispose([start.x, start.y]);
});

const FIXTURE = JSON.parse(readFileSync(new URL('./fixtures/lbfgs-logreg.json', import.meta.url), 'utf8'));
const HAVE_DATA = existsSync('/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz');

/** The features of tools/golden/lbfgs.py: pixels / 255, 2×2 average-pooled to 14×14, flattened. */
function features(images: Float32Array, n: number): tf.Tensor2D {
  return tf.tidy(() => tf.reshape(tf.avgPool(tf.tensor4d(images, [n, 28, 28, 1]), 2, 2, 'valid'), [n, 196]) as tf.Tensor2D);
}

test(
  'lbfgs fits L2-regularised logistic regression on Fashion-MNIST to the minimum torch.optim.LBFGS reaches (rel 1e-4)',
  { skip: !HAVE_DATA && 'Debian dataset-fashion-mnist not installed' },
  async () => {
    const { trainImages, testImages, l2 } = FIXTURE.problem;
    const train = await loadFashionMnist({ split: 'train', limit: trainImages, dir: '/usr/share/datasets/fashion-mnist' });
    const testSet = await loadFashionMnist({ split: 'test', limit: testImages, dir: '/usr/share/datasets/fashion-mnist' });
    const X = features(train.images, train.n);
    const Y = tf.oneHot(tf.tensor1d(train.labels, 'int32'), 10);
    type Model = { W: tf.Tensor2D; b: tf.Tensor1D };
    const loss = (p: ParamTree): tf.Scalar => {
      const { W, b } = p as Model;
      const logp = tf.logSoftmax(tf.add(tf.matMul(X, W, false, true), b));
      const ce = tf.neg(tf.mean(tf.sum(tf.mul(Y, logp), 1)));
      return tf.add(ce, tf.mul(l2 / 2, tf.sum(tf.square(W)))) as tf.Scalar;
    };
    const start: Model = { W: tf.zeros([10, 196]), b: tf.zeros([10]) };
    const before = tf.memory().numTensors;
    const result = await lbfgs(loss, start, { maxIterations: 200 });
    assert.equal(tf.memory().numTensors, before + 2, 'no tensor leaked');

    const optimum = FIXTURE.optimum.loss;
    assert.ok(result.converged, result.reason);
    assert.ok(result.iterations <= 200);
    assert.ok(result.gradientNorm < 1e-3, `max |g| = ${result.gradientNorm}`);
    assert.ok(Math.abs(result.loss - optimum) / optimum < 1e-4, `loss ${result.loss}, torch ${optimum}`);

    const { W, b } = result.params as Model;
    const Xt = features(testSet.images, testSet.n);
    const predicted = Array.from(tf.tidy(() => tf.argMax(tf.add(tf.matMul(Xt, W, false, true), b), 1)).dataSync());
    const accuracy = predicted.reduce((n, c, i) => n + (c === testSet.labels[i] ? 1 : 0), 0) / testSet.n;
    assert.ok(Math.abs(accuracy - FIXTURE.optimum.testAccuracy) <= 0.01, `test accuracy ${accuracy}, torch ${FIXTURE.optimum.testAccuracy}`);
    tf.dispose([X, Y, Xt, W, b, start.W, start.b]);
  },
);

test('lbfgs stops cleanly when the loss turns NaN, returning the last finite point', async () => {
  // Rosenbrock, until the 10th evaluation; NaN from then on.
  let calls = 0;
  const broken = (p: ParamTree) => (++calls >= 10 ? (tf.mul(rosenbrock(p), NaN) as tf.Scalar) : rosenbrock(p));
  const start: XY = { x: tf.scalar(-1.2), y: tf.scalar(1) };
  const before = tf.memory().numTensors;
  const result = await lbfgs(broken, start);
  assert.equal(result.converged, false);
  assert.match(result.reason, /^loss is NaN\/Inf at iteration \d+$/);
  assert.ok(result.iterations >= 1, 'some iterations succeeded before the NaN');
  assert.ok(Number.isFinite(result.loss));
  const { x, y } = result.params as XY;
  assert.ok(Number.isFinite(value(x)) && Number.isFinite(value(y)));
  // The returned loss is the loss at the returned point.
  const [a, b] = [value(x), value(y)];
  assert.ok(Math.abs(100 * (b - a * a) ** 2 + (1 - a) ** 2 - result.loss) < 1e-5 * Math.max(1, result.loss));
  assert.equal(tf.memory().numTensors, before + 2);
  tf.dispose([x, y, start.x, start.y]);
});

test('lbfgs returns the starting point when the loss is NaN there', async () => {
  const start = tf.tensor1d([1, 2]);
  const result = await lbfgs((p) => tf.sum(tf.log(tf.sub(p as tf.Tensor, 5))) as tf.Scalar, start);
  assert.equal(result.reason, 'loss is NaN/Inf at iteration 0');
  assert.equal(result.iterations, 0);
  assert.equal(result.converged, false);
  assert.deepEqual([...(result.params as tf.Tensor).dataSync()], [1, 2]);
  tf.dispose([start, result.params as tf.Tensor]);
});

test('lbfgs shortens a step that lands where the loss is NaN instead of stopping', async () => {
  // f(x) = (x - 1)² − 0.01·log(1.2 − x): the first trial step lands at x = 1.5, where log is NaN.
  const f = (p: ParamTree) => {
    const x = p as tf.Tensor;
    return tf.sum(tf.sub(tf.square(tf.sub(x, 1)), tf.mul(0.01, tf.log(tf.sub(1.2, x))))) as tf.Scalar;
  };
  const start = tf.tensor1d([0.5]);
  const trials: number[] = [];
  const result = await lbfgs((p) => (trials.push((p as tf.Tensor).dataSync()[0]), f(p)), start);
  assert.ok(trials.some((x) => x > 1.2), 'a trial point was in the NaN region');
  assert.ok(result.converged, result.reason);
  // The minimum solves 2(x − 1) + 0.01/(1.2 − x) = 0.
  const x = (result.params as tf.Tensor).dataSync()[0];
  assert.ok(Math.abs(2 * (x - 1) + 0.01 / (1.2 - x)) < 1e-3, `x = ${x}`);
  tf.dispose([start, result.params as tf.Tensor]);
});

test('lbfgs stops cleanly when the line search fails (a gradient that points the wrong way)', async () => {
  // The loss is Σx², but its gradient is reported as −2x: no step along −g decreases the loss.
  const wrongGradient = tf.customGrad(((x: tf.Tensor, save: tf.GradSaveFunc) => {
    save([x]);
    return { value: tf.sum(tf.square(x)), gradFunc: (dy: tf.Tensor, [saved]: tf.Tensor[]) => tf.mul(dy, tf.mul(-2, saved)) };
  }) as never) as (x: tf.Tensor) => tf.Tensor;
  const start = tf.tensor1d([1, -2, 3]);
  const before = tf.memory().numTensors;
  const result = await lbfgs((p) => wrongGradient(p as tf.Tensor) as tf.Scalar, start);
  assert.equal(result.converged, false);
  assert.equal(result.reason, 'line search failed at iteration 1');
  assert.equal(result.iterations, 0);
  assert.deepEqual([...(result.params as tf.Tensor).dataSync()], [1, -2, 3]);
  assert.equal(result.loss, 14);
  assert.ok(result.evaluations <= 1 + 25);
  assert.equal(tf.memory().numTensors, before + 1);
  tf.dispose([start, result.params as tf.Tensor]);
});

test('lbfgs reports max iterations when the budget runs out first', async () => {
  const start: XY = { x: tf.scalar(-1.2), y: tf.scalar(1) };
  const result = await lbfgs(rosenbrock, start, { maxIterations: 3 });
  assert.deepEqual([result.iterations, result.converged, result.reason], [3, false, 'max iterations']);
  tf.dispose([...Object.values(result.params as XY), start.x, start.y]);
});

test('lbfgs refuses bad options, naming the value', async () => {
  const p = tf.tensor1d([1, 2]);
  const f = (q: ParamTree) => tf.sum(tf.square(q as tf.Tensor)) as tf.Scalar;
  const bad: Array<[object, RegExp]> = [
    [{ memory: 0 }, /Invalid memory: 0/],
    [{ maxIterations: -1 }, /Invalid maxIterations: -1/],
    [{ maxIterations: 2.5 }, /Invalid maxIterations: 2.5/],
    [{ tolerance: -1e-3 }, /Invalid tolerance: -0.001/],
    [{ c1: 0 }, /Invalid c1: 0/],
    [{ c1: 0.5, c2: 0.4 }, /Invalid c2: 0.4/],
    [{ lineSearch: 'armijo' }, /Invalid lineSearch: "armijo"/],
    [{ maxIteration: 5 }, /Invalid lbfgs option: "maxIteration"/],
    [{ onIteration: 3 }, /Invalid onIteration: 3/],
  ];
  for (const [options, message] of bad)
    await assert.rejects(
      lbfgs(f, p, options as never),
      (e: unknown) => e instanceof InvalidArgumentError && message.test(e.message),
      JSON.stringify(options),
    );
  const ints = tf.tensor1d([1, 2], 'int32');
  await assert.rejects(lbfgs(f, { w: ints }), /Invalid params\.w: "int32 tensor" \(expected float32 tensors\)/);
  await assert.rejects(lbfgs((q) => tf.square(q as tf.Tensor) as never, p), /Invalid loss: "a tensor of shape \[2\]"/);
  tf.dispose([p, ints]);
});

test("lbfgs takes Rosenbrock from (-1.2, 1) to (1, 1) within 1e-5, in about scipy L-BFGS-B's iterations", async () => {
  const start = rosenbrockStart();
  const result = await lbfgs(rosenbrock, start);
  const { x, y } = result.params as XY;
  assert.ok(result.converged, result.reason);
  assert.ok(Math.abs(value(x) - 1) <= 1e-5 && Math.abs(value(y) - 1) <= 1e-5, `ended at (${value(x)}, ${value(y)})`);
  const scipy = GOLDEN.rosenbrock['L-BFGS-B'].nit;
  assert.ok(Math.abs(result.iterations - scipy) <= 0.25 * scipy, `${result.iterations} iterations, scipy L-BFGS-B ${scipy}`);
  tf.dispose([x, y, start.x, start.y]);
});

test("lbfgs reaches scipy's logistic-regression optimum: loss within 1e-6 relative", async () => {
  const problem = logistic();
  const start = problem.start();
  const result = await lbfgs(problem.loss, start);
  const { scipy } = GOLDEN.logistic;
  assert.ok(result.converged, result.reason);
  assertLogisticOptimum(result);
  assert.ok(result.gradientNorm < 1e-4, `max |g| = ${result.gradientNorm}`);
  assert.ok(result.iterations <= scipy['L-BFGS-B'].nit + 5, `${result.iterations} iterations, scipy L-BFGS-B ${scipy['L-BFGS-B'].nit}`);
  tf.dispose([...Object.values(result.params as Logistic), start.w, start.b]);
  problem.dispose();
});
