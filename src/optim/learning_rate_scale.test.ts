import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { adam, chain, sgd, step, trace } from './index.js';
import { scaleLearningRate, withLearningRateScale } from './learning_rate_scale.js';
import type { ParamTree } from '../tree/tree.js';

await tf.setBackend('cpu');

const values = (p: ParamTree): number[] => Array.from((p as tf.Tensor).dataSync());

test('withLearningRateScale passes the updates through bit for bit at scale 1', () => {
  let a: ParamTree = tf.tensor1d([1, -2, 0.3]);
  let b: ParamTree = tf.tensor1d([1, -2, 0.3]);
  const wrapped = withLearningRateScale(adam({ learningRate: 0.01 }));
  const plain = adam({ learningRate: 0.01 });
  let sa = wrapped.init(a);
  let sb = plain.init(b);
  const g = tf.tensor1d([0.5, 1, -3]);
  for (let i = 0; i < 3; i++) {
    ({ params: a, state: sa } = step(wrapped, a, g, sa));
    ({ params: b, state: sb } = step(plain, b, g, sb));
  }
  assert.deepEqual(values(a), values(b));
  tf.dispose([a, b, g, sa, sb] as never);
});

test('a scale of 0.1 in the state multiplies the next updates by 0.1 and leaks nothing', () => {
  const tx = withLearningRateScale(chain(trace({ decay: 0.9 }), sgd({ learningRate: 0.5 })));
  let p: ParamTree = tf.tensor1d([1, 1]);
  let s = tx.init(p);
  const g = tf.tensor1d([1, 2]);
  ({ params: p, state: s } = step(tx, p, g, s)); // trace 1·g, update −0.5·g
  assert.deepEqual(values(p), [0.5, 0]);
  s = scaleLearningRate(s, 0.1);
  assert.equal(s.lrScale, 0.1);
  const start = tf.memory().numTensors;
  ({ params: p, state: s } = step(tx, p, g, s)); // trace 1.9·g, update −0.05·1.9·g
  assert.equal(tf.memory().numTensors, start);
  const k = Math.fround(Math.fround(-0.5 * 1.9) * Math.fround(0.1));
  assert.deepEqual(values(p), [Math.fround(0.5 + k), Math.fround(0 + 2 * k)]);
  tf.dispose([p, g, s] as never);
});

test('scaleLearningRate floors the scale at minScale and rejects a negative factor', () => {
  const s = { optimizer: [], lrScale: 0.1 };
  assert.equal(scaleLearningRate(s, 0.1, 0.05).lrScale, 0.05);
  assert.throws(() => scaleLearningRate(s, -1), /Invalid factor: -1/);
});
