import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { Rng } from '../engine/rng.js';
import { InvalidArgumentError } from '../errors.js';
import { DropConnectDense, dropConnectDense } from './drop_connect.js';
import { bernoulliMask } from './mask.js';
import { roundTrip, values, assertLayerLeaksNothing } from './layer-fixtures.fixture.js';

await tf.setBackend('cpu');

const allClose = (a: number[], b: number[], tol = 1e-5) =>
  assert.ok(a.length === b.length && a.every((v, i) => Math.abs(v - b[i]) <= tol * (1 + Math.abs(b[i]))), `${a} vs ${b}`);

test('at train time dropConnectDense masks the weights and the bias with one inverted mask, drawn kernel first', () => {
  const x = tf.randomNormal([4, 6]);
  const kernel = tf.randomNormal([6, 5]);
  const bias = tf.randomNormal([5]);
  const y = dropConnectDense(x, { kernel, bias }, { rate: 0.5, training: true, rng: new Rng(3) });
  const rng = new Rng(3);
  const mk = tf.tensor(bernoulliMask(30, 0.5, rng), [6, 5]);
  const mb = tf.tensor(bernoulliMask(5, 0.5, rng), [5]);
  const want = tf.add(tf.matMul(x, tf.mul(kernel, mk)), tf.mul(bias, mb));
  allClose(values(y), values(want));
  // every example of the batch shares the mask: a row of x reproduces its row of y alone
  allClose(values(tf.slice(y, [1, 0], [1, 5])), values(tf.slice(want, [1, 0], [1, 5])));
});

test('at test time dropConnectDense is the plain dense product, and its train-time mean matches it', () => {
  const x = tf.randomNormal([1, 8], 0, 1, 'float32', 11);
  const kernel = tf.randomNormal([8, 3], 0, 1, 'float32', 12);
  const bias = tf.randomNormal([3], 0, 1, 'float32', 13);
  const plain = values(tf.add(tf.matMul(x, kernel), bias));
  allClose(values(dropConnectDense(x, { kernel, bias }, { rate: 0.3, training: false })), plain);
  const rng = new Rng(1);
  const draws = 3000;
  const sum = tf.tidy(() => {
    let s: tf.Tensor = tf.zeros([1, 3]);
    for (let i = 0; i < draws; i++) s = tf.add(s, dropConnectDense(x, { kernel, bias }, { rate: 0.3, training: true, rng }));
    return tf.div(s, draws);
  });
  // Output j of one draw is Σ_i x_i·K_ij·m_ij/p + b_j·m_j/p with m ~ Bernoulli(p = 0.7): its mean is
  // the plain product and its variance (1 − p)/p · (Σ_i (x_i·K_ij)² + b_j²). The mean of 3000 draws
  // lies within 4 standard errors of the plain product (this seeded run: within 1.25).
  const xs = values(x);
  const ks = values(kernel);
  const bs = values(bias);
  values(sum).forEach((m, j) => {
    const terms = xs.reduce((a, xi, i) => a + (xi * ks[i * 3 + j]) ** 2, bs[j] ** 2);
    const standardError = Math.sqrt(((0.3 / 0.7) * terms) / draws);
    assert.ok(Math.abs(m - plain[j]) < 4 * standardError, `output ${j}: mean ${m} vs ${plain[j]}, standard error ${standardError}`);
  });
});

test('DropConnectDense trains with a fresh mask per call, is deterministic at inference, and round-trips', async () => {
  const layer = new DropConnectDense({ units: 4, rate: 0.5, activation: 'relu', seed: 9, inputShape: [6] });
  const model = tfl.sequential({ layers: [layer] });
  const x = tf.randomNormal([5, 6]);
  const t1 = values(model.apply(x, { training: true }) as tf.Tensor);
  const t2 = values(model.apply(x, { training: true }) as tf.Tensor);
  assert.notDeepEqual(t1, t2);
  const [kernel, bias] = model.getWeights();
  const want = values(tf.relu(tf.add(tf.matMul(x, kernel), bias)));
  allClose(values(model.predict(x) as tf.Tensor), want);

  const before = values(kernel); // getWeights() hands out the variables themselves: copy now
  model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
  await model.fit(x, tf.ones([5, 4]), { epochs: 2, verbose: 0 });
  assert.notDeepEqual(values(model.getWeights()[0]), before, 'fit updated the kernel');

  const { loaded, json } = await roundTrip(model);
  assert.match(json, /"class_name":"trainkit>DropConnectDense"/);
  const l = loaded.layers[0] as DropConnectDense;
  assert.deepEqual([l.units, l.rate, l.activation, l.seed], [4, 0.5, 'relu', 9]);
  allClose(values(loaded.predict(x) as tf.Tensor), values(model.predict(x) as tf.Tensor));
});

test('gradients reach the kept weights only, scaled by 1/(1 − rate)', () => {
  const x = tf.ones([1, 3]);
  const kernel = tf.ones([3, 2]);
  const g = tf.grad((k: tf.Tensor) => tf.sum(dropConnectDense(x, { kernel }, { rate: 0.5, training: true, rng: new Rng(4) })))(kernel);
  assert.deepEqual(values(g), Array.from(bernoulliMask(6, 0.5, new Rng(4))));
});

test('repeated DropConnectDense calls leak no tensors', () => {
  assertLayerLeaksNothing(new DropConnectDense({ units: 3, rate: 0.2, seed: 1 }), tf.ones([2, 4]));
});

test('bad DropConnect options are refused, naming the value', () => {
  assert.throws(() => new DropConnectDense({ units: 3, rate: 1 }), /Invalid rate: 1/);
  assert.throws(() => new DropConnectDense({ units: -1, rate: 0.5 }), /Invalid units: -1/);
  assert.throws(() => new DropConnectDense({ units: 3, rate: 0.5, activation: 'gelu' as never }), /Invalid activation: "gelu"/);
  assert.throws(
    () => dropConnectDense(tf.ones([1, 2]), { kernel: tf.ones([2, 2]) }, { rate: 0.5, training: true }),
    /Invalid rng/,
  );
  assert.throws(() => dropConnectDense(tf.ones([1, 3]), { kernel: tf.ones([2, 2]) }, { rate: 0.5, training: false }), InvalidArgumentError);
});
