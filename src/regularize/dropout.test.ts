import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { Rng } from '../engine/rng.js';
import { InvalidArgumentError } from '../errors.js';
import { SeededDropout, dropout } from './index.js';
import { roundTrip, values } from './layer-fixtures.fixture.js';

await tf.setBackend('cpu');

test('tfjs-layers behaviour (pinned): Dropout scales kept activations by 1/(1 − rate) when training and is the identity otherwise', () => {
  const model = tfl.sequential({ layers: [tfl.layers.dropout({ rate: 0.25, inputShape: [100] })] });
  const x = tf.ones([100, 100]);
  const train = model.apply(x, { training: true }) as tf.Tensor;
  const v = values(train);
  assert.ok(v.every((a) => a === 0 || Math.abs(a - 1 / 0.75) < 1e-6), 'entries are 0 or 1/(1 − rate)');
  const zeros = v.filter((a) => a === 0).length / v.length;
  assert.ok(Math.abs(zeros - 0.25) < 0.025, `dropped fraction ${zeros}`);
  assert.ok(Math.abs(v.reduce((a, b) => a + b, 0) / v.length - 1) < 0.035, 'the mean is preserved');
  for (const out of [model.apply(x, { training: false }), model.apply(x), model.predict(x)] as tf.Tensor[])
    assert.deepEqual(values(out), values(x));
  tf.dispose([x, train]);
  model.dispose();
});

test('tfjs-layers behaviour (pinned): a seeded Dropout draws the same mask at every call (why SeededDropout exists)', () => {
  const layer = tfl.layers.dropout({ rate: 0.5, seed: 1 });
  const x = tf.ones([1000]);
  const a = values(layer.apply(x, { training: true }) as tf.Tensor);
  const b = values(layer.apply(x, { training: true }) as tf.Tensor);
  assert.deepEqual(a, b);
});

test('dropout keeps exactly the entries the seeded draws keep, scales them by 1/(1 − rate), and repeats for the same seed', () => {
  const x = tf.fill([40, 250], 3);
  const y = dropout(x, 0.4, new Rng(7));
  const v = values(y);
  // The mask rule, written out here: one 32-bit draw per entry, in order, kept when below (1 − rate)·2^32.
  const rng = new Rng(7);
  const kept = Array.from({ length: 10000 }, () => rng.nextUint32() < 0.6 * 2 ** 32);
  assert.deepEqual(v, kept.map((k) => (k ? Math.fround(3 * Math.fround(1 / 0.6)) : 0)));
  assert.equal(kept.filter((k) => !k).length, 3938); // Rng(7) drops 3938 of 10000 (rate 0.4: 4000, σ = 49)
  assert.deepEqual(values(dropout(x, 0.4, new Rng(7))), v);
  assert.notDeepEqual(values(dropout(x, 0.4, new Rng(8))), v);
  assert.deepEqual(values(dropout(x, 0, new Rng(7))), values(x));
  tf.dispose([x, y]);
});

test('the gradient of dropout is the mask: kept entries get 1/(1 − rate), dropped ones 0', () => {
  const x = tf.randomNormal([200]);
  const mask = values(dropout(tf.onesLike(x), 0.5, new Rng(3)));
  const g = tf.grad((t: tf.Tensor) => tf.sum(dropout(t, 0.5, new Rng(3))))(x);
  assert.deepEqual(values(g), mask);
  tf.dispose([x, g]);
});

test('SeededDropout draws a fresh mask per training call, the same sequence for the same seed, and is the identity at inference', () => {
  const x = tf.ones([8, 64]);
  const a = new SeededDropout({ rate: 0.5, seed: 11 });
  const b = new SeededDropout({ rate: 0.5, seed: 11 });
  const a1 = values(a.apply(x, { training: true }) as tf.Tensor);
  const a2 = values(a.apply(x, { training: true }) as tf.Tensor);
  assert.notDeepEqual(a1, a2, 'a new mask at each call');
  assert.deepEqual(values(b.apply(x, { training: true }) as tf.Tensor), a1);
  assert.deepEqual(values(b.apply(x, { training: true }) as tf.Tensor), a2);
  assert.deepEqual(values(a.apply(x) as tf.Tensor), values(x));
  assert.deepEqual(values(a.apply(x, { training: false }) as tf.Tensor), values(x));
});

test('SeededDropout resumes exactly from a saved Rng state', () => {
  const x = tf.ones([4, 32]);
  const layer = new SeededDropout({ rate: 0.3, seed: 2 });
  layer.apply(x, { training: true });
  const state = layer.getRngState();
  const next = values(layer.apply(x, { training: true }) as tf.Tensor);
  const other = new SeededDropout({ rate: 0.3, seed: 99 });
  other.setRngState(state);
  assert.deepEqual(values(other.apply(x, { training: true }) as tf.Tensor), next);
});

test('two SeededDropout layers without a seed get different seeds from their names', () => {
  const a = new SeededDropout({ rate: 0.5 });
  const b = new SeededDropout({ rate: 0.5 });
  assert.notEqual(a.seed, b.seed);
  assert.equal(a.getConfig().seed, a.seed);
});

test('SeededDropout round-trips through model.save and tf.loadLayersModel with its seed and rate', async () => {
  const model = tfl.sequential({
    layers: [tfl.layers.dense({ units: 6, inputShape: [5] }), new SeededDropout({ rate: 0.3, seed: 5 })],
  });
  const { loaded, json } = await roundTrip(model);
  assert.match(json, /"class_name":"trainkit>SeededDropout"/);
  const layer = loaded.layers[1] as SeededDropout;
  assert.ok(layer instanceof SeededDropout);
  assert.equal(layer.rate, 0.3);
  assert.equal(layer.seed, 5);
  const x = tf.randomNormal([3, 5]);
  assert.deepEqual(values(loaded.predict(x) as tf.Tensor), values(model.predict(x) as tf.Tensor));
  // a fresh model from the same seed draws the same training masks as the loaded one
  const fresh = await roundTrip(model);
  assert.deepEqual(
    values(loaded.apply(x, { training: true }) as tf.Tensor),
    values(fresh.loaded.apply(x, { training: true }) as tf.Tensor),
  );
});

test('repeated training calls of SeededDropout leak no tensors', () => {
  const layer = new SeededDropout({ rate: 0.5, seed: 1 });
  const x = tf.ones([16, 16]);
  tf.dispose(layer.apply(x, { training: true }) as tf.Tensor);
  const before = tf.memory().numTensors;
  for (let i = 0; i < 20; i++) {
    tf.dispose(layer.apply(x, { training: true }) as tf.Tensor);
    tf.dispose(dropout(x, 0.5, new Rng(i)));
  }
  assert.equal(tf.memory().numTensors, before);
  x.dispose();
});

test('bad rates and seeds are refused at once, naming the value', () => {
  for (const rate of [1, -0.1, NaN, '0.5', undefined]) {
    assert.throws(() => new SeededDropout({ rate } as never), InvalidArgumentError);
  }
  assert.throws(() => dropout(tf.ones([2]), 1, new Rng(0)), /Invalid rate: 1 \(expected a finite number >= 0 and < 1\)/);
  assert.throws(() => new SeededDropout({ rate: 0.5, seed: 1.5 }), /Invalid seed: 1.5/);
});
