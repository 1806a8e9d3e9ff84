import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { adagrad, adam, adamw, chain, clipByGlobalNorm, injectHyperparams, lamb, learningRateOf, lion, masked, multiSteps, rmsprop, sgd, step } from './index.js';
import type { GradientTransformation } from './transform.js';
import type { ParamTree } from '../tree/tree.js';

await tf.setBackend('cpu');

/** A warmup-then-decay rate written out by hand (optim/ does not import schedules/). */
const schedule = (t: number): number => (t < 3 ? 0.01 * (t + 1) / 3 : 0.01 * 0.5 ** (t - 2));

/** Runs `n` steps of `tx` on a small tree, returning the learning rate the state reports after each. */
function reports(tx: GradientTransformation<any>, n: number): Array<number | undefined> {
  let params: ParamTree = { w: tf.tensor2d([[1, -2], [3, 0.5]]), b: tf.tensor1d([0.1, -0.1]) };
  let state = tx.init(params);
  const grads = { w: tf.tensor2d([[0.5, 1], [-2, 4]]), b: tf.tensor1d([1, -1]) };
  const out: Array<number | undefined> = [];
  for (let i = 0; i < n; i++) {
    ({ params, state } = step(tx, params, grads, state));
    out.push(learningRateOf(state));
  }
  tf.dispose([params, state, grads] as never);
  return out;
}

const expected = (n: number): number[] => Array.from({ length: n }, (_, i) => schedule(i));

test('every named optimizer reports in its state the scheduled rate its last update used', () => {
  const named: Array<[string, GradientTransformation<any>]> = [
    ['sgd', sgd({ learningRate: schedule, momentum: 0.9 })],
    ['adagrad', adagrad({ learningRate: schedule })],
    ['rmsprop', rmsprop({ learningRate: schedule })],
    ['adam', adam({ learningRate: schedule })],
    ['adamw', adamw({ learningRate: schedule })],
    ['lamb', lamb({ learningRate: schedule })],
    ['lion', lion({ learningRate: schedule })],
  ];
  for (const [name, tx] of named) assert.deepEqual(reports(tx, 6), expected(6), name);
});

test('a chain with gradient clipping before adamw reports adamw\'s rate', () => {
  assert.deepEqual(reports(chain(clipByGlobalNorm(1), adamw({ learningRate: schedule, weightDecay: 0.05 })), 6), expected(6));
});

test('before the first update the state reports the rate the first update will use', () => {
  const state = adamw({ learningRate: schedule }).init({ w: tf.zeros([2]) });
  assert.equal(learningRateOf(state), schedule(0));
  tf.dispose(state as never);
});

test('gradient accumulation reports the rate of the last real update', () => {
  // multiSteps(k = 2): updates 1, 2, 3 of the inner optimizer (schedule steps 0, 1, 2) at steps 2, 4, 6;
  // before update 1 the state reports the rate update 1 will use.
  assert.deepEqual(reports(multiSteps(sgd({ learningRate: schedule }), 2), 6), [0, 0, 0, 1, 1, 2].map(schedule));
});

test('two parts of a state that report different rates report none (no single rate exists)', () => {
  const tx = chain(masked(sgd({ learningRate: 0.1 }), { w: true, b: false }), masked(sgd({ learningRate: 0.2 }), { w: false, b: true }));
  assert.deepEqual(reports(tx, 2), [undefined, undefined]);
  assert.equal(learningRateOf({ count: 1 }), undefined);
});

test('injectHyperparams keeps every numeric hyperparameter of the last update in the state, with the same updates as the optimizer given the schedule', () => {
  const injected = injectHyperparams(adamw)({ learningRate: schedule, weightDecay: 0.05, b1: 0.8 });
  const plain = adamw({ learningRate: schedule, weightDecay: 0.05, b1: 0.8 });
  let p1: ParamTree = { w: tf.tensor1d([1, -2, 3]) };
  let p2: ParamTree = { w: tf.tensor1d([1, -2, 3]) };
  let s1 = injected.init(p1);
  let s2 = plain.init(p2);
  assert.deepEqual(s1.hyperparams, { learningRate: schedule(0), weightDecay: 0.05, b1: 0.8 });
  const g = { w: tf.tensor1d([0.3, -1, 2]) };
  const start = tf.memory().numTensors;
  for (let i = 0; i < 5; i++) {
    ({ params: p1, state: s1 } = step(injected, p1, g, s1));
    ({ params: p2, state: s2 } = step(plain, p2, g, s2));
    assert.equal(s1.hyperparams.learningRate, schedule(i));
    assert.equal(learningRateOf(s1), schedule(i));
  }
  assert.equal(tf.memory().numTensors, start); // the state's tensors replaced, none added
  assert.deepEqual(Array.from((p1 as { w: tf.Tensor }).w.dataSync()), Array.from((p2 as { w: tf.Tensor }).w.dataSync()));
  tf.dispose([p1, p2, s1, s2, g] as never);
});

test('injectHyperparams checks the options when the optimizer is built, naming the bad one', () => {
  assert.throws(() => injectHyperparams(adamw)({ learningRate: -1 }), /Invalid learningRate: -1/);
});
