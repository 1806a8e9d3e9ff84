import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { Rng } from '../engine/rng.js';
import { FractionalMaxPooling2D, maxPoolRegions, poolingSequence } from './fractional_max_pool.js';
import { fmpAverage } from './fractional_max_pool_average.js';
import { SeededDropout } from './dropout.js';
import { roundTrip, values } from './layer-fixtures.fixture.js';

await tf.setBackend('cpu');

/** conv → FMP → dropout → dense: logits of 3 classes from 9×9×1 images. */
function model(): { m: tfl.LayersModel; fmp: FractionalMaxPooling2D } {
  const fmp = new FractionalMaxPooling2D({ poolingRatio: 1.5, seed: 7 });
  const m = tfl.sequential({
    layers: [
      tfl.layers.conv2d({ inputShape: [9, 9, 1], filters: 2, kernelSize: 3, padding: 'same', kernelInitializer: tfl.initializers.glorotNormal({ seed: 1 }) }),
      fmp,
      new SeededDropout({ rate: 0.5, seed: 3 }),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 3, kernelInitializer: tfl.initializers.glorotNormal({ seed: 2 }) }),
    ],
  });
  return { m, fmp };
}

const x = tf.randomNormal([4, 9, 9, 1], 0, 1, 'float32', 5);
const close = (a: number[], b: number[], tol = 1e-6) => a.every((v, i) => Math.abs(v - b[i]) <= tol);

test('fmpAverage is the mean of the softmax over draws of the regions, which differ per draw', () => {
  const { m, fmp } = model();
  const draws = 5;
  // The documented seeding: the k-th FMP layer draws from the k-th split() of new Rng(seed).
  fmp.setRngState(new Rng(11).split().getState());
  fmp.randomAtInference = true;
  const each = Array.from({ length: draws }, () => tf.tidy(() => values(tf.softmax(m.predict(x) as tf.Tensor))));
  fmp.randomAtInference = false;
  assert.ok(new Set(each.map((p) => p.join())).size > 1, 'the draws pool over different regions');
  const mean = each[0].map((_, i) => each.reduce((s, p) => s + p[i], 0) / draws);
  const avg = fmpAverage(m, x, { draws, seed: 11 });
  assert.deepEqual(avg.shape, [4, 3]);
  assert.ok(close(values(avg), mean), `${values(avg)} vs ${mean}`);
  // rows are probabilities
  for (let r = 0; r < 4; r++) assert.ok(Math.abs(values(avg).slice(3 * r, 3 * r + 3).reduce((s, v) => s + v, 0) - 1) < 1e-6);
});

test('one draw of fmpAverage pools over random regions, not the fixed ones, and leaves dropout off', () => {
  const fmp = new FractionalMaxPooling2D({ poolingRatio: 1.5, seed: 1 });
  const m = tfl.sequential({ layers: [tfl.layers.inputLayer({ inputShape: [9, 9, 1] }), fmp, new SeededDropout({ rate: 0.9, seed: 2 }), tfl.layers.flatten()] });
  const probs = (t: tf.Tensor) => values(tf.softmax(tf.reshape(t, [4, -1])));
  const rng = new Rng(3).split();
  const rows = poolingSequence(9, 1.5, { rng });
  const cols = poolingSequence(9, 1.5, { rng });
  const expected = probs(maxPoolRegions(x as tf.Tensor4D, rows, cols));
  assert.ok(close(values(fmpAverage(m, x, { draws: 1, seed: 3 })), expected));
  assert.ok(!close(values(fmpAverage(m, x, { draws: 1, seed: 3 })), probs(m.predict(x) as tf.Tensor)), 'not the fixed regions');
});

test('fmpAverage is deterministic by seed and puts back the layer\'s mode and generator', () => {
  const { m, fmp } = model();
  fmp.setRngState(new Rng(99).getState());
  const before = fmp.getRngState();
  const a = values(fmpAverage(m, x, { draws: 4, seed: 2 }));
  assert.deepEqual(values(fmpAverage(m, x, { draws: 4, seed: 2 })), a);
  assert.notDeepEqual(values(fmpAverage(m, x, { draws: 4, seed: 3 })), a);
  assert.deepEqual(fmp.getRngState(), before, 'training continues from where it was');
  assert.equal(fmp.randomAtInference, false);
  const fixed = values(m.predict(x) as tf.Tensor);
  assert.deepEqual(values(m.predict(x) as tf.Tensor), fixed, 'predict is back on the fixed regions');
});

test('randomAtInference is a layer option saved in the config', async () => {
  const fmp = new FractionalMaxPooling2D({ poolingRatio: 1.5, seed: 4, randomAtInference: true, inputShape: [9, 9, 1] });
  const m = tfl.sequential({ layers: [fmp] });
  assert.notDeepEqual(values(m.predict(x) as tf.Tensor), values(m.predict(x) as tf.Tensor), 'each predict draws new regions');
  const { loaded, json } = await roundTrip(m);
  assert.match(json, /"random_at_inference":true/);
  assert.equal((loaded.layers[0] as FractionalMaxPooling2D).randomAtInference, true);
  assert.throws(() => new FractionalMaxPooling2D({ poolingRatio: 1.5, randomAtInference: 'yes' as never }), /Invalid randomAtInference: "yes"/);
});

test('fmpAverage leaks no tensors', () => {
  const { m } = model();
  tf.dispose(fmpAverage(m, x, { draws: 2 }));
  const before = tf.memory().numTensors;
  for (let i = 0; i < 3; i++) tf.dispose(fmpAverage(m, x, { draws: 3, seed: i }));
  assert.equal(tf.memory().numTensors, before);
});

test('bad fmpAverage input is refused, naming it', () => {
  const { m } = model();
  assert.throws(() => fmpAverage(m, x, { draws: 0 }), /Invalid draws: 0/);
  assert.throws(() => fmpAverage(m, x, { draws: 2.5 }), /Invalid draws: 2\.5/);
  assert.throws(() => fmpAverage(m, x, { draws: '12' as never }), /Invalid draws: "12"/);
  assert.throws(() => fmpAverage(m, x, { seed: 0.5 }), /Invalid seed: 0\.5/);
  assert.throws(() => fmpAverage(m, x, { output: 'softmax' as never }), /Invalid output: "softmax"/);
  const plain = tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [2], units: 2 })] });
  assert.throws(() => fmpAverage(plain, tf.ones([1, 2])), /Invalid model: .*without FractionalMaxPooling2D layers/);
});
