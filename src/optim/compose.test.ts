/** Two routes must agree: a chain against its transforms applied by hand, a named optimizer against its chain. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { Rng } from '../engine/rng.js';
import { chain, step, type GradientTransformation } from './transform.js';
import { disposeTree, treeClone } from '../tree/ops.js';
import { treeLeaves, type ParamTree } from '../tree/tree.js';
import { scaleByLearningRate } from './scale.js';
import { trace } from './trace.js';
import { scaleByAdam } from './scale_by_adam.js';
import { scaleByRms } from './scale_by_rms.js';
import { scaleByRss } from './scale_by_rss.js';
import { scaleByLion } from './scale_by_lion.js';
import { scaleByTrustRatio } from './scale_by_trust_ratio.js';
import { addDecayedWeights } from './weight_decay.js';
import { decayMask } from './masked.js';
import { sgd } from './sgd.js';
import { adagrad } from './adagrad.js';
import { rmsprop } from './rmsprop.js';
import { adam } from './adam.js';
import { adamw } from './adamw.js';
import { lamb } from './lamb.js';
import { lion } from './lion.js';

await tf.setBackend('cpu');

const rng = new Rng(7);
const normals = (n: number, mean: number, std: number) => Array.from({ length: n }, () => rng.normal(mean, std));
const randomTree = (std = 1): ParamTree => ({
  dense: { kernel: tf.tensor(normals(12, 0, std), [3, 4]), bias: tf.tensor(normals(4, 0, std)) },
  gain: tf.tensor(normals(1, 1, 0.1)),
});
const flat = (t: ParamTree) => treeLeaves(t).flatMap((x) => Array.from(x.dataSync()));

/** The parameters after `grads.length` steps of `tx` from a copy of `p0`. */
function run(tx: GradientTransformation, p0: ParamTree, grads: ParamTree[]): number[] {
  let params = treeClone(p0); // step() disposes the params it replaces
  let state = tx.init(params);
  for (const g of grads) ({ params, state } = step(tx, params, g, state));
  const out = flat(params);
  disposeTree([params, state]);
  return out;
}

test('chain(a, b) gives the updates and states of a then b applied by hand', () => {
  const a = scaleByAdam({ b1: 0.8 });
  const b = addDecayedWeights(0.1);
  const tx = chain(a, b);
  const params = randomTree();
  let [sa, sb] = [a.init(params), b.init(params)];
  let state = tx.init(params);
  for (let i = 0; i < 4; i++) {
    const g = randomTree(0.5);
    const [u1, sa1] = a.update(g, sa, params);
    const [u2, sb1] = b.update(u1, sb, params);
    const [u, s] = tx.update(g, state, params);
    assert.deepEqual(flat(u), flat(u2));
    const [ca, cb] = s as [typeof sa1, typeof sb1];
    assert.deepEqual(flat(ca.mu), flat(sa1.mu));
    assert.deepEqual(flat(ca.nu), flat(sa1.nu));
    assert.equal(ca.count, i + 1);
    assert.deepEqual(cb, sb1);
    disposeTree([g, u1, u2, u]);
    disposeTree(sa, sa1);
    disposeTree(state, s);
    [sa, sb, state] = [sa1, sb1, s];
  }
  disposeTree([params, state, sa]);
});

const NAMED: Array<[string, GradientTransformation, GradientTransformation]> = [
  ['sgd', sgd({ learningRate: 0.1 }), chain(scaleByLearningRate(0.1))],
  [
    'sgd with momentum, nesterov and weight decay',
    sgd({ learningRate: 0.05, momentum: 0.9, nesterov: true, weightDecay: 0.01 }),
    chain(addDecayedWeights(0.01), trace({ decay: 0.9, nesterov: true }), scaleByLearningRate(0.05)),
  ],
  ['adagrad', adagrad({ learningRate: 0.1, initialAccumulatorValue: 0.1 }), chain(scaleByRss({ initialAccumulatorValue: 0.1 }), scaleByLearningRate(0.1))],
  [
    'rmsprop centered with momentum',
    rmsprop({ learningRate: 0.01, momentum: 0.9, centered: true }),
    chain(scaleByRms({ centered: true }), trace({ decay: 0.9 }), scaleByLearningRate(0.01)),
  ],
  ['adam with L2', adam({ learningRate: 0.01, weightDecay: 0.1 }), chain(addDecayedWeights(0.1), scaleByAdam(), scaleByLearningRate(0.01))],
  ['adamw', adamw({ learningRate: 0.01 }), chain(scaleByAdam(), addDecayedWeights(0.01), scaleByLearningRate(0.01))],
  [
    'adamw with a decay mask',
    adamw({ learningRate: 0.01, weightDecay: 0.1, mask: decayMask }),
    chain(scaleByAdam(), addDecayedWeights(0.1, { mask: decayMask }), scaleByLearningRate(0.01)),
  ],
  [
    'lamb',
    lamb({ learningRate: 0.01, weightDecay: 0.1 }),
    chain(scaleByAdam({ eps: 1e-6 }), addDecayedWeights(0.1), scaleByTrustRatio(), scaleByLearningRate(0.01)),
  ],
  ['lion', lion({ learningRate: 0.001, weightDecay: 0.1 }), chain(scaleByLion(), addDecayedWeights(0.1), scaleByLearningRate(0.001))],
];

for (const [name, named, byHand] of NAMED) {
  test(`${name} equals its chain of transforms`, () => {
    const p0 = randomTree();
    const grads = Array.from({ length: 6 }, () => randomTree(0.5));
    const a = run(named, p0, grads);
    const b = run(byHand, p0, grads);
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, flat(p0), 'the parameters moved');
    disposeTree([p0, grads]);
  });
}

test('adamw decays weights independently of the gradient, adam (L2) does not', () => {
  // With zero gradients Adam's moments stay 0: AdamW still shrinks θ by (1 − lr·wd) per step,
  // coupled L2 turns the decay into a gradient that Adam then normalises to a step of ≈ lr.
  const p0: ParamTree = tf.tensor([10, -0.001]);
  const zero: ParamTree = tf.zeros([2]);
  const [w] = [run(adamw({ learningRate: 0.1, weightDecay: 0.5 }), p0, [zero])];
  assert.ok(Math.abs(w[0] - 10 * (1 - 0.05)) < 1e-5 && Math.abs(w[1] + 0.001 * (1 - 0.05)) < 1e-8);
  const l2 = run(adam({ learningRate: 0.1, weightDecay: 0.5 }), p0, [zero]);
  assert.ok(Math.abs(l2[0] - 9.9) < 1e-5 && Math.abs(l2[1] - (-0.001 + 0.1)) < 1e-4);
  disposeTree([p0, zero]);
});
