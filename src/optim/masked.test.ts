import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { masked, decayMask, maskFlags } from './masked.js';
import { addDecayedWeights } from './weight_decay.js';
import { scaleByAdam } from './scale_by_adam.js';
import { chain } from './transform.js';
import { disposeTree } from '../tree/ops.js';
import { TreeMismatchError, InvalidArgumentError } from '../errors.js';

await tf.setBackend('cpu');

const net = () => ({
  dense: { kernel: tf.ones([2, 3]), bias: tf.ones([3]) },
  norm: { gamma: tf.ones([3]), beta: tf.ones([3]) },
});
const values = (t: tf.Tensor) => Array.from(t.dataSync());

test('decayMask selects kernels (rank >= 2) and skips biases and normalisation parameters', () => {
  const p = net();
  assert.deepEqual(maskFlags(decayMask, p), [false, true, false, false]); // dense.bias, dense.kernel, norm.beta, norm.gamma
  disposeTree(p);
});

test('masked weight decay decays only the masked leaves and passes the others through', () => {
  const p = net();
  const g = { dense: { kernel: tf.zeros([2, 3]), bias: tf.zeros([3]) }, norm: { gamma: tf.zeros([3]), beta: tf.zeros([3]) } };
  const tx = masked(addDecayedWeights(0.5), decayMask);
  const [u] = tx.update(g, tx.init(p), p);
  const out = u as typeof g;
  assert.deepEqual(values(out.dense.kernel), [0.5, 0.5, 0.5, 0.5, 0.5, 0.5]);
  assert.equal(out.dense.bias, g.dense.bias, 'unmasked leaves are the very tensors received');
  assert.equal(out.norm.gamma, g.norm.gamma);
  disposeTree([p, g, out.dense.kernel]);
});

test('a mask tree may be a prefix of the params, a boolean covering a whole subtree', () => {
  const p = net();
  assert.deepEqual(maskFlags({ dense: true, norm: false }, p), [true, true, false, false]);
  assert.deepEqual(maskFlags({ dense: { kernel: true, bias: false }, norm: true }, p), [false, true, true, true]);
  assert.deepEqual(maskFlags((path) => path.startsWith('norm'), p), [false, false, true, true]);
  disposeTree(p);
});

test('a stateful inner transform keeps state only for the masked leaves', () => {
  const p = net();
  const tx = masked(scaleByAdam(), { dense: { kernel: true, bias: false }, norm: false });
  const state = tx.init(p);
  const mu = state.inner.mu as tf.Tensor[];
  assert.equal(mu.length, 1);
  assert.deepEqual(mu[0].shape, [2, 3]);
  disposeTree([p, state]);
});

test('a mask that does not fit the params throws TreeMismatchError naming the place', () => {
  const p = net();
  assert.throws(() => maskFlags({ dense: true }, p), TreeMismatchError);
  assert.throws(() => maskFlags({ dense: { kernel: true }, norm: true }, p), /dense/);
  assert.throws(() => masked(addDecayedWeights(0.1), 3 as never), InvalidArgumentError);
  disposeTree(p);
});

test('masked inside a chain frees the intermediate updates it does not pass through', () => {
  const p = net();
  const g = net();
  const tx = chain(scaleByAdam(), masked(addDecayedWeights(0.1), decayMask));
  let state = tx.init(p);
  const [u0, s0] = tx.update(g, state, p);
  disposeTree(u0, [s0]);
  disposeTree(state, s0);
  state = s0;
  const before = tf.memory().numTensors;
  const [u, s] = tx.update(g, state, p);
  disposeTree(u, [s]);
  disposeTree(state, s);
  assert.equal(tf.memory().numTensors, before);
  disposeTree([p, g, s]);
});
