import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { multiSteps } from './multi_steps.js';
import { sgd } from './sgd.js';
import { adam } from './adam.js';
import { step } from './transform.js';
import { disposeTree } from '../tree/ops.js';
import type { ParamTree } from '../tree/tree.js';
import { InvalidArgumentError } from '../errors.js';

await tf.setBackend('cpu');

const values = (t: ParamTree) => Array.from((t as tf.Tensor).dataSync());

test('multiSteps emits zeros k-1 times, then the inner update of the mean gradient', () => {
  const tx = multiSteps(sgd({ learningRate: 1 }), 3);
  const p = tf.tensor([0, 0]);
  let state = tx.init(p);
  const updates: number[][] = [];
  for (const g of [[1, 2], [3, 4], [5, 9], [1, 1], [1, 1], [4, 1]]) {
    const grad = tf.tensor(g);
    const [u, s] = tx.update(grad, state, p);
    updates.push(values(u));
    disposeTree([u, grad], s);
    disposeTree(state, s);
    state = s;
  }
  assert.deepEqual(updates, [[0, 0], [0, 0], [-3, -5], [0, 0], [0, 0], [-2, -1]]);
  disposeTree([p, state]);
});

test('multiSteps(adam, k) on repeated micro-batches equals adam on their mean', () => {
  const micro = [[1, -2], [3, 0.5], [-1, 1], [0.2, 0.2], [2, 2], [-3, 1]];
  const run = (k: number, grads: number[][]) => {
    const tx = k === 1 ? adam({ learningRate: 0.1 }) : multiSteps(adam({ learningRate: 0.1 }), k);
    let params: ParamTree = tf.tensor([1, 1]);
    let state = tx.init(params);
    for (const g of grads) {
      const grad = tf.tensor(g);
      ({ params, state } = step(tx, params, grad, state));
      grad.dispose();
    }
    const out = values(params);
    disposeTree([params, state]);
    return out;
  };
  const means = [0, 1].map((i) => [0, 1].map((j) => (micro[3 * i][j] + micro[3 * i + 1][j] + micro[3 * i + 2][j]) / 3));
  const a = run(3, micro);
  const b = run(1, means);
  a.forEach((x, i) => assert.ok(Math.abs(x - b[i]) < 1e-6, `${x} vs ${b[i]}`));
});

test('schedules inside multiSteps count real updates, not micro-batches', () => {
  const seen: number[] = [];
  const tx = multiSteps(sgd({ learningRate: (t) => (seen.push(t), 0.1) }), 2);
  let params: ParamTree = tf.tensor([0]);
  let state = tx.init(params);
  const g = tf.tensor([1]);
  for (let i = 0; i < 6; i++) ({ params, state } = step(tx, params, g, state));
  // init reads step 0 (the rate the state reports before any update), then one read per real update.
  assert.deepEqual(seen, [0, 0, 1, 2]);
  disposeTree([params, state, g]);
});

test('multiSteps needs a positive integer k', () => {
  assert.throws(() => multiSteps(sgd({ learningRate: 0.1 }), 2.5), /Invalid k: 2.5/);
  assert.throws(() => multiSteps(sgd({ learningRate: 0.1 }), 0), InvalidArgumentError);
});
