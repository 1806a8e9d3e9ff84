import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { clipByGlobalNorm, clipByValue } from './clip.js';
import { disposeTree, globalNorm } from '../tree/ops.js';
import { treeLeaves, type ParamTree } from '../tree/tree.js';
import { InvalidArgumentError } from '../errors.js';

await tf.setBackend('cpu');

const flat = (t: ParamTree) => treeLeaves(t).flatMap((x) => Array.from(x.dataSync()));
const close = (a: number[], b: number[], tol = 1e-6) =>
  a.forEach((x, i) => assert.ok(Math.abs(x - b[i]) <= tol * (1 + Math.abs(b[i])), `${i}: ${x} vs ${b[i]}`));

test('clipByGlobalNorm rescales the whole tree to maxNorm and keeps its direction', () => {
  const g = { a: tf.tensor([3, 0]), b: tf.tensor([[0, 4]]) }; // global norm 5
  const tx = clipByGlobalNorm(1);
  const [u, state] = tx.update(g, tx.init(g));
  const f = 1 / (5 + 1e-6); // torch.nn.utils.clip_grad_norm_'s coefficient
  close(flat(u), [3 * f, 0, 0, 4 * f]);
  const n = globalNorm(u);
  assert.ok(Math.abs(n.dataSync()[0] - 1) < 1e-6);
  assert.equal(state.count, 1);
  disposeTree([g, u, n]);
});

test('clipByGlobalNorm leaves a tree whose norm is below maxNorm unchanged', () => {
  const g = [tf.tensor([0.3, -0.4])];
  const tx = clipByGlobalNorm(1);
  const [u] = tx.update(g, tx.init(g));
  close(flat(u), [0.3, -0.4]);
  disposeTree([g, u]);
});

test('clipByGlobalNorm reads a scheduled maxNorm at each step', () => {
  const g = tf.tensor([6, 8]); // norm 10
  const tx = clipByGlobalNorm((t) => t + 1);
  let state = tx.init(g);
  for (const expected of [1, 2, 3]) {
    const [u, s] = tx.update(g, state);
    assert.ok(Math.abs(tf.norm(u as tf.Tensor).dataSync()[0] - expected) < 1e-5);
    disposeTree(u);
    state = s;
  }
  g.dispose();
});

test('clipByValue clamps each element to [-limit, limit] or to [min, max]', () => {
  const g = tf.tensor([-3, -0.2, 0.1, 5]);
  const sym = clipByValue(0.5);
  const [u1] = sym.update(g, sym.init(g));
  close(flat(u1), [-0.5, -0.2, 0.1, 0.5]);
  const asym = clipByValue({ min: -1, max: 0 });
  const [u2] = asym.update(g, asym.init(g));
  close(flat(u2), [-1, -0.2, 0, 0]);
  disposeTree([g, u1, u2]);
});

test('clip options are checked when the transform is built', () => {
  assert.throws(() => clipByGlobalNorm(-1), InvalidArgumentError);
  assert.throws(() => clipByValue(-0.5), /Invalid limit: -0.5/);
  assert.throws(() => clipByValue({ min: 1, max: 0 }), InvalidArgumentError);
  assert.throws(() => clipByValue(NaN), /NaN/);
});
