import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { InvalidArgumentError } from '../errors.js';
import { Maxout, maxout } from './index.js';
import { roundTrip, assertLayerLeaksNothing } from './layer-fixtures.fixture.js';

await tf.setBackend('cpu');

test('maxout takes, per unit, the max of its consecutive pieces of x·W + b', () => {
  const x = tf.tensor2d([[1, 2], [-1, 0.5]]);
  const kernel = tf.tensor2d([[1, -1, 0, 2], [0, 1, 3, -1]]); // 2 units × 2 pieces
  const bias = tf.tensor1d([0, 0.5, -1, 0]);
  const got = maxout(x, { kernel, bias }, 2).arraySync() as number[][];
  // by hand: z = x·W + b, then max over columns (0,1) and (2,3)
  const z = (tf.add(tf.matMul(x, kernel), bias).arraySync() as number[][]);
  const want = z.map((r) => [Math.max(r[0], r[1]), Math.max(r[2], r[3])]);
  assert.deepEqual(got, want);
  assert.deepEqual(maxout(tf.ones([3, 4, 2]), { kernel, bias }, 2).shape, [3, 4, 2], 'leading axes are kept');
});

test('the gradient of maxout reaches only the winning piece of each unit', () => {
  const x = tf.tensor2d([[1, 2]]);
  const kernel = tf.tensor2d([[1, -1, 0, 2], [0, 2, 3, -1]]);
  // z = x·W = [1, 3, 6, 0]: unit 0's winner is piece 1, unit 1's is piece 0 (column 2)
  const g = tf.grad((k: tf.Tensor) => tf.sum(maxout(x, { kernel: k }, 2)))(kernel).arraySync();
  assert.deepEqual(g, [[0, 1, 1, 0], [0, 2, 2, 0]]);
});

test('the Maxout layer matches the function on its own weights, trains, and round-trips through save/load', async () => {
  const model = tfl.sequential({ layers: [new Maxout({ units: 3, pieces: 4, inputShape: [5] })] });
  assert.deepEqual(model.outputs[0].shape, [null, 3]);
  const [kernel, bias] = model.getWeights();
  assert.deepEqual(kernel.shape, [5, 12]);
  const x = tf.randomNormal([7, 5]);
  const y = model.predict(x) as tf.Tensor;
  assert.deepEqual(Array.from(y.dataSync()), Array.from(maxout(x, { kernel, bias }, 4).dataSync()));

  model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
  const before = Array.from(model.getWeights()[0].dataSync());
  await model.fit(x, tf.zeros([7, 3]), { epochs: 1, verbose: 0 });
  assert.notDeepEqual(Array.from(model.getWeights()[0].dataSync()), before, 'fit changed the kernel');

  const { loaded, json } = await roundTrip(model);
  assert.match(json, /"class_name":"trainkit>Maxout"/);
  assert.ok(loaded.layers[0] instanceof Maxout);
  assert.deepEqual((loaded.layers[0] as Maxout).getConfig().pieces, 4);
  assert.deepEqual(Array.from((loaded.predict(x) as tf.Tensor).dataSync()), Array.from((model.predict(x) as tf.Tensor).dataSync()));
});

test('repeated Maxout calls leak no tensors', () => {
  assertLayerLeaksNothing(new Maxout({ units: 4, pieces: 2 }), tf.ones([2, 3]));
});

test('bad Maxout options and shapes are refused, naming the value', () => {
  assert.throws(() => new Maxout({ units: 0, pieces: 2 }), /Invalid units: 0/);
  assert.throws(() => new Maxout({ units: 2, pieces: 1 }), /Invalid pieces: 1/);
  assert.throws(() => new Maxout({ units: 2, pieces: 2.5 }), InvalidArgumentError);
  assert.throws(() => new Maxout({ units: 2, pieces: 2, kernelInitializer: 'nope' as never }), /Invalid kernelInitializer: "nope"/);
  assert.throws(() => maxout(tf.ones([1, 3]), { kernel: tf.ones([3, 5]) }, 2), /Invalid kernel shape: \[3,5\]/);
  assert.throws(() => maxout(tf.ones([1, 3]), { kernel: tf.ones([3, 4]), bias: tf.ones([3]) }, 2), /Invalid bias shape/);
});
