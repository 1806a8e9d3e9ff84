/** Bad options fail at construction, naming the value; bad schedule values fail at their step; trees must match. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { InvalidArgumentError, TreeMismatchError } from '../errors.js';
import { step, stepVariables } from './transform.js';
import { disposeTree } from '../tree/ops.js';
import type { ParamTree } from '../tree/tree.js';
import { sgd } from './sgd.js';
import { adagrad } from './adagrad.js';
import { rmsprop } from './rmsprop.js';
import { adam } from './adam.js';
import { adamw } from './adamw.js';
import { lamb } from './lamb.js';
import { lion } from './lion.js';
import { scaleByAdam } from './scale_by_adam.js';
import { trace } from './trace.js';
import { scale } from './scale.js';
import { addDecayedWeights } from './weight_decay.js';

await tf.setBackend('cpu');

const bad: Array<[string, () => unknown, RegExp]> = [
  ['a negative learning rate', () => sgd({ learningRate: -1 }), /Invalid learningRate: -1/],
  ['a missing learning rate', () => adam({} as never), /Invalid learningRate: undefined/],
  ['a string learning rate', () => adamw({ learningRate: '0.1' as never }), /Invalid learningRate: "0.1"/],
  ['a NaN learning rate', () => lion({ learningRate: NaN }), /Invalid learningRate: NaN/],
  ['b1 = 1', () => adam({ learningRate: 0.1, b1: 1 }), /Invalid b1: 1/],
  ['a negative b2', () => adamw({ learningRate: 0.1, b2: -0.1 }), /Invalid b2: -0.1/],
  ['b2 above 1', () => lamb({ learningRate: 0.1, b2: 1.5 }), /Invalid b2: 1.5/],
  ['eps = 0', () => adam({ learningRate: 0.1, eps: 0 }), /Invalid eps: 0/],
  ['a negative eps', () => adagrad({ learningRate: 0.1, eps: -1e-8 }), /Invalid eps: -1e-8/],
  ['a negative momentum', () => sgd({ learningRate: 0.1, momentum: -0.9 }), /Invalid momentum: -0.9/],
  ['nesterov without momentum', () => sgd({ learningRate: 0.1, nesterov: true }), /Invalid nesterov: true/],
  ['a negative weight decay', () => adamw({ learningRate: 0.1, weightDecay: -0.01 }), /Invalid weightDecay: -0.01/],
  ['rmsprop decay = 1', () => rmsprop({ learningRate: 0.1, decay: 1 }), /Invalid decay: 1/],
  ['rmsprop negative momentum', () => rmsprop({ learningRate: 0.1, momentum: -1 }), /Invalid momentum: -1/],
  ['a negative initial accumulator', () => adagrad({ learningRate: 0.1, initialAccumulatorValue: -1 }), /Invalid initialAccumulatorValue: -1/],
  ['biasCorrection that is not a boolean', () => adam({ learningRate: 0.1, biasCorrection: 1 as never }), /Invalid biasCorrection: 1/],
  ['an infinite scale', () => scale(Infinity), /Invalid factor: Infinity/],
  ['trace with a negative decay', () => trace({ decay: -0.5 }), /Invalid decay: -0.5/],
];

for (const [what, build, message] of bad) {
  test(`${what} throws InvalidArgumentError naming the value`, () => {
    assert.throws(build, InvalidArgumentError);
    assert.throws(build, message);
  });
}

test('valid edge values are accepted: lr 0, b1 0, momentum 0 with nesterov false', () => {
  assert.doesNotThrow(() => sgd({ learningRate: 0 }));
  assert.doesNotThrow(() => adam({ learningRate: 1e-3, b1: 0 }));
  assert.doesNotThrow(() => sgd({ learningRate: 0.1, momentum: 0, nesterov: false }));
  assert.doesNotThrow(() => sgd({ learningRate: 0.1, momentum: () => 0.9, nesterov: true })); // a schedule may be > 0
});

test('a schedule returning a bad value throws at the step where it does, naming the option', () => {
  const opt = sgd({ learningRate: (t) => (t < 3 ? 0.1 : -0.1), momentum: 0.9 });
  let params: ParamTree = tf.tensor([1, 2]);
  let state = opt.init(params);
  const g = tf.tensor([1, 1]);
  for (let t = 0; t < 3; t++) ({ params, state } = step(opt, params, g, state));
  assert.throws(() => step(opt, params, g, state), /Invalid learningRate \(schedule value at step 3\): -0.1/);
  const betas = scaleByAdam({ b1: (t) => (t === 1 ? 1 : 0.9) });
  const s0 = betas.init(params);
  const [u, s1] = betas.update(g, s0);
  assert.throws(() => betas.update(g, s1), /Invalid b1 \(schedule value at step 1\): 1/);
  const mom = sgd({ learningRate: 0.1, momentum: () => -1 });
  assert.throws(() => mom.update(g, mom.init(params)), /Invalid momentum \(schedule value at step 0\): -1/);
  disposeTree([params, state, g, u, s0, s1]);
});

test('grads whose tree differs from the optimizer state throw TreeMismatchError', () => {
  const params = { w: tf.zeros([2, 2]), b: tf.zeros([2]) };
  const opt = adam({ learningRate: 0.1 });
  const state = opt.init(params);
  const wrongShape = { w: tf.zeros([2, 3]), b: tf.zeros([2]) };
  const wrongKeys = { w: tf.zeros([2, 2]), c: tf.zeros([2]) };
  const wrongKind = [tf.zeros([2])];
  const before = tf.memory().numTensors;
  assert.throws(() => opt.update(wrongShape, state, params), TreeMismatchError);
  assert.throws(() => opt.update(wrongShape, state, params), /shape \[2,3\] vs \[2,2\]|shape \[2,2\] vs \[2,3\]/);
  assert.throws(() => opt.update(wrongKeys, state, params), TreeMismatchError);
  assert.throws(() => opt.update(wrongKind, state, params), TreeMismatchError);
  assert.equal(tf.memory().numTensors, before, 'a mismatch is found before anything is allocated');
  const vars = { w: tf.variable(tf.zeros([2, 2])), b: tf.variable(tf.zeros([2])) };
  assert.throws(() => stepVariables(opt, vars, wrongShape, state), TreeMismatchError);
  disposeTree([params, state, wrongShape, wrongKeys, wrongKind, vars]);
});

test('decoupled weight decay needs the params', () => {
  const tx = addDecayedWeights(0.1);
  const g = tf.ones([2]);
  assert.throws(() => tx.update(g, tx.init(g)), /Invalid params/);
  g.dispose();
});
