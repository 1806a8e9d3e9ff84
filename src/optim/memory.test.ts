/**
 * The memory contract of transform.ts, for every optimizer and transform: after the first step
 * (which allocates the state), 100 more steps through `step()` and through `stepVariables()` leave
 * `tf.memory().numTensors` exactly where it was.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { chain, step, stepVariables, type GradientTransformation } from './transform.js';
import { disposeTree } from '../tree/ops.js';
import { treeMap, type ParamTree } from '../tree/tree.js';
import { sgd } from './sgd.js';
import { adagrad } from './adagrad.js';
import { rmsprop } from './rmsprop.js';
import { adam } from './adam.js';
import { adamw } from './adamw.js';
import { lamb } from './lamb.js';
import { lion } from './lion.js';
import { clipByGlobalNorm, clipByValue } from './clip.js';
import { multiSteps } from './multi_steps.js';
import { masked, decayMask } from './masked.js';
import { scale, scaleByLearningRate } from './scale.js';
import { trace } from './trace.js';
import { scaleByAdam } from './scale_by_adam.js';
import { scaleByRms } from './scale_by_rms.js';
import { scaleByRss } from './scale_by_rss.js';
import { scaleByLion } from './scale_by_lion.js';
import { scaleByTrustRatio } from './scale_by_trust_ratio.js';
import { addDecayedWeights } from './weight_decay.js';

await tf.setBackend('cpu');

const cosine = (t: number) => 0.01 * 0.5 * (1 + Math.cos((Math.PI * t) / 200));

const CASES: Array<[string, () => GradientTransformation<any>]> = [
  ['sgd', () => sgd({ learningRate: 0.01 })],
  ['sgd nesterov with weight decay and a schedule', () => sgd({ learningRate: cosine, momentum: 0.9, nesterov: true, weightDecay: 1e-4 })],
  ['adagrad', () => adagrad({ learningRate: 0.01 })],
  ['rmsprop centered with momentum', () => rmsprop({ learningRate: 0.001, momentum: 0.9, centered: true })],
  ['rmsprop', () => rmsprop({ learningRate: 0.001 })],
  ['adam with L2', () => adam({ learningRate: 0.001, weightDecay: 0.01 })],
  ['almost adam', () => adam({ learningRate: 0.001, biasCorrection: false })],
  ['adamw with a mask', () => adamw({ learningRate: cosine, mask: decayMask })],
  ['lamb', () => lamb({ learningRate: 0.001, weightDecay: 0.01 })],
  ['lion', () => lion({ learningRate: 1e-4, weightDecay: 0.1 })],
  ['clipByGlobalNorm then adamw', () => chain(clipByGlobalNorm(0.5), adamw({ learningRate: 0.001 }))],
  ['clipByValue then sgd', () => chain(clipByValue(0.1), sgd({ learningRate: 0.01 }))],
  ['multiSteps(adamw, 3)', () => multiSteps(adamw({ learningRate: 0.001 }), 3)],
  ['multiSteps(sgd momentum, 1)', () => multiSteps(sgd({ learningRate: 0.01, momentum: 0.9 }), 1)],
  ['masked adam', () => chain(masked(scaleByAdam(), { w: true, b: false, s: true }), scaleByLearningRate(0.01))],
  ['masked trace', () => chain(masked(trace({ decay: 0.9 }), decayMask), scaleByLearningRate(0.01))],
  ['scale', () => scale(-0.01)],
  ['trace alone', () => trace({ decay: 0.5 })],
  ['scaleByRms, scaleByRss, scaleByLion', () => chain(scaleByRms(), scaleByRss(), scaleByLion(), scale(-1e-3))],
  ['trust ratio with decay', () => chain(scaleByAdam(), addDecayedWeights(0.1), scaleByTrustRatio(), scale(-1e-3))],
];

const params = (): ParamTree => ({ w: tf.randomNormal([8, 4], 0, 1, 'float32', 1), b: tf.zeros([4]), s: tf.ones([1]) });
const gradsFor = (p: ParamTree) => tf.tidy(() => treeMap((x) => tf.mul(tf.randomNormal(x.shape, 0, 1, 'float32', 3), 0.1), p));

for (const [name, make] of CASES) {
  test(`${name}: 100 steps via step() keep the tensor count constant`, () => {
    const start = tf.memory().numTensors;
    const tx = make();
    let p = params();
    const g = gradsFor(p);
    let state = tx.init(p);
    ({ params: p, state } = step(tx, p, g, state));
    const count = tf.memory().numTensors;
    for (let i = 0; i < 100; i++) ({ params: p, state } = step(tx, p, g, state));
    assert.equal(tf.memory().numTensors, count);
    assert.ok(Number.isFinite((p as { w: tf.Tensor }).w.dataSync()[0]));
    disposeTree([p, state, g]);
    assert.equal(tf.memory().numTensors, start, 'disposing params, state and grads frees everything');
  });

  test(`${name}: 100 steps via stepVariables() keep the tensor count constant`, () => {
    const start = tf.memory().numTensors;
    const tx = make();
    const init = params();
    const vars = treeMap((x) => tf.variable(x), init);
    disposeTree(init);
    const g = gradsFor(vars);
    let state = tx.init(vars);
    state = stepVariables(tx, vars, g, state);
    const count = tf.memory().numTensors;
    for (let i = 0; i < 100; i++) state = stepVariables(tx, vars, g, state);
    assert.equal(tf.memory().numTensors, count);
    disposeTree([vars, state, g]);
    assert.equal(tf.memory().numTensors, start);
  });
}
