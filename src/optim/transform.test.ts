import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { chain, step, stepVariables, applyUpdates, type GradientTransformation, EMPTY_STATE } from './transform.js';
import { treeMap, treeZerosLike, type ParamTree } from '../tree/index.js';
import { disposeTree } from '../tree/ops.js';

await tf.setBackend('cpu');

// Two toy transforms written for this test only: a momentum buffer that returns its own state as
// the updates (the case chain must not free), and a stateless scale.
const toyTrace = (rho: number): GradientTransformation<ParamTree> => ({
  init: (p) => treeZerosLike(p),
  update: (g, v) => {
    const nv = treeMap((vi, gi) => tf.tidy(() => tf.add(tf.mul(vi, rho), gi)), v, g);
    return [nv, nv];
  },
});
const toyScale = (f: number): GradientTransformation<typeof EMPTY_STATE> => ({
  init: () => EMPTY_STATE,
  update: (g, s) => [treeMap((x) => tf.mul(x, f), g), s],
});

const values = (t: ParamTree) => Array.from((t as tf.Tensor).dataSync());

test('chain feeds each transform the previous updates and keeps the tuple of states', () => {
  const tx = chain(toyTrace(0.5), toyScale(-0.1));
  const p = tf.tensor([1, 2]);
  const g = tf.tensor([1, 1]);
  let state = tx.init(p);
  let params: ParamTree = p;
  ({ params, state } = step(tx, params, g, state));
  ({ params, state } = step(tx, params, g, state));
  // v1 = 1, v2 = 1.5; p = p0 - 0.1 (1 + 1.5)
  assert.deepEqual(values(params).map((x) => +x.toFixed(5)), [0.75, 1.75]);
  assert.deepEqual(values((state as ParamTree[])[0]), [1.5, 1.5]);
  disposeTree([params, state, g]);
});

test('step leaves the tensor count constant after the first step', () => {
  const tx = chain(toyTrace(0.9), toyScale(-0.01));
  const g = { w: tf.ones([3, 3]), b: tf.ones([3]) };
  let params: ParamTree = { w: tf.zeros([3, 3]), b: tf.zeros([3]) };
  let state = tx.init(params);
  ({ params, state } = step(tx, params, g, state));
  const count = tf.memory().numTensors;
  for (let i = 0; i < 100; i++) ({ params, state } = step(tx, params, g, state));
  assert.equal(tf.memory().numTensors, count);
  disposeTree([params, state, g]);
});

test('stepVariables updates variables in place without leaking', () => {
  const tx = chain(toyTrace(0.9), toyScale(-0.5));
  const v = tf.variable(tf.tensor([1, 1]));
  const g = tf.tensor([2, 2]);
  let state = tx.init(v);
  state = stepVariables(tx, v, g, state);
  const count = tf.memory().numTensors;
  for (let i = 0; i < 50; i++) state = stepVariables(tx, v, g, state);
  assert.equal(tf.memory().numTensors, count);
  // 51 steps of t_k = 0.9·t_{k−1} + 2 = 20(1 − 0.9^k), v −= 0.5·t_k: v = 1 − 10·(51 − 9(1 − 0.9^51)).
  const want = 1 - 10 * (51 - 9 * (1 - 0.9 ** 51));
  for (const x of values(v)) assert.ok(Math.abs(x - want) <= 1e-5 * Math.abs(want), `${x} vs ${want}`);
  disposeTree([v, g, state]);
});

test('applyUpdates adds updates to params leaf by leaf', () => {
  const out = applyUpdates({ a: tf.tensor([1]), b: tf.tensor([2]) }, { a: tf.tensor([10]), b: tf.tensor([20]) });
  assert.deepEqual(values((out as Record<string, tf.Tensor>).b), [22]);
});
