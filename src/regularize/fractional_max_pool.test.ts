import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { Rng } from '../engine/rng.js';
import { FractionalMaxPooling2D, fractionalMaxPool, maxPoolRegions, pooledLength, poolingSequence } from './fractional_max_pool.js';
import { roundTrip, values, assertLayerLeaksNothing } from './layer-fixtures.fixture.js';

await tf.setBackend('cpu');

const steps = (a: Int32Array): number[] => Array.from(a.slice(1), (v, i) => v - a[i]);

/** Max pooling by loops over the regions [a_i, a_{i+1}) (or ] when overlapping): the reference. */
function reference(x: tf.Tensor4D, rows: Int32Array, cols: Int32Array, overlapping: boolean): number[] {
  const [b, h, w, c] = x.shape;
  const v = x.dataSync();
  const end = (a: Int32Array, i: number, n: number) => (overlapping ? Math.min(a[i + 1], n - 1) : a[i + 1] - 1);
  const out: number[] = [];
  for (let n = 0; n < b; n++)
    for (let i = 0; i < rows.length - 1; i++)
      for (let j = 0; j < cols.length - 1; j++)
        for (let k = 0; k < c; k++) {
          let m = -Infinity;
          for (let r = rows[i]; r <= end(rows, i, h); r++)
            for (let s = cols[j]; s <= end(cols, j, w); s++) m = Math.max(m, v[((n * h + r) * w + s) * c + k]);
          out.push(m);
        }
  return out;
}

test('pooling sequences run from 0 to n in floor(n / ratio) steps of 1 and 2', () => {
  const rng = new Rng(0);
  for (const [n, ratio] of [[25, Math.SQRT2], [32, 1.5], [10, 1.9], [7, 1.2]] as const) {
    const out = pooledLength(n, ratio);
    for (const seq of [
      poolingSequence(n, ratio, { rng }),
      poolingSequence(n, ratio, { rng, sequence: 'pseudorandom' }),
      poolingSequence(n, ratio),
    ]) {
      assert.equal(seq.length, out + 1);
      assert.equal(seq[0], 0);
      assert.equal(seq[out], n);
      assert.ok(steps(seq).every((d) => d === 1 || d === 2), `${n}/${ratio}: ${steps(seq)}`);
    }
  }
  assert.equal(pooledLength(25, Math.SQRT2), 17);
  // a small input can need steps of 3: 5 / 1.9 → 2 outputs, β = 2.5
  assert.deepEqual(steps(poolingSequence(5, 1.9)).sort(), [2, 3]);
});

test('random sequences change with the draw and repeat with the seed; the test-time sequence is fixed', () => {
  const a = Array.from(poolingSequence(40, 1.5, { rng: new Rng(1) }));
  assert.deepEqual(Array.from(poolingSequence(40, 1.5, { rng: new Rng(1) })), a);
  assert.notDeepEqual(Array.from(poolingSequence(40, 1.5, { rng: new Rng(2) })), a);
  assert.deepEqual(Array.from(poolingSequence(40, 1.5)), Array.from(poolingSequence(40, 1.5)));
});

test('fractionalMaxPool equals max pooling by loops over the same regions, disjoint and overlapping', () => {
  const x = tf.randomNormal([2, 11, 9, 3], 0, 1, 'float32', 4) as tf.Tensor4D;
  for (const overlapping of [false, true]) {
    for (const rng of [new Rng(5), undefined]) {
      const copy = rng && Rng.fromState(rng.getState());
      const y = fractionalMaxPool(x, { poolingRatio: [1.4, 1.6], training: rng !== undefined, rng, overlapping });
      // the rows' sequence is drawn first, then the columns'
      const rows = poolingSequence(11, 1.4, { rng: copy });
      const cols = poolingSequence(9, 1.6, { rng: copy });
      assert.deepEqual(y.shape, [2, 7, 5, 3]);
      assert.deepEqual(values(y), reference(x, rows, cols, overlapping));
    }
  }
});

test('each output sends its gradient to exactly one input, the max of its region', () => {
  const x = tf.randomNormal([1, 10, 10, 2], 0, 1, 'float32', 8) as tf.Tensor4D;
  const rows = poolingSequence(10, 1.5, { rng: new Rng(3) });
  const cols = poolingSequence(10, 1.5, { rng: new Rng(4) });
  const g = tf.grad((t: tf.Tensor) => tf.sum(maxPoolRegions(t as tf.Tensor4D, rows, cols)))(x);
  const gv = values(g);
  assert.equal(gv.reduce((a, b) => a + b, 0), 6 * 6 * 2);
  assert.ok(gv.every((v) => v === 0 || v === 1));
  // ties (a constant input) still route each output's gradient to one input only
  const flat = tf.grad((t: tf.Tensor) => tf.sum(maxPoolRegions(t as tf.Tensor4D, rows, cols)))(tf.ones([1, 10, 10, 2]));
  assert.equal(values(flat).reduce((a, b) => a + b, 0), 6 * 6 * 2);
});

test('the layer draws new regions per training call, fixed regions at inference, and round-trips', async () => {
  const layer = new FractionalMaxPooling2D({ poolingRatio: Math.SQRT2, seed: 3, inputShape: [16, 16, 2] });
  const model = tfl.sequential({ layers: [layer] });
  assert.deepEqual(model.outputs[0].shape, [null, 11, 11, 2]);
  const x = tf.randomNormal([2, 16, 16, 2], 0, 1, 'float32', 1);
  const draws = Array.from({ length: 4 }, () => values(model.apply(x, { training: true }) as tf.Tensor));
  assert.ok(new Set(draws.map((d) => d.join())).size > 1, 'training calls pool over different regions');
  const fixed = values(model.predict(x) as tf.Tensor);
  assert.deepEqual(values(model.predict(x) as tf.Tensor), fixed);
  const fixedSeq = poolingSequence(16, Math.SQRT2);
  assert.deepEqual(fixed, reference(x as tf.Tensor4D, fixedSeq, fixedSeq, false));

  const { loaded, json } = await roundTrip(model);
  assert.match(json, /"class_name":"trainkit>FractionalMaxPooling2D"/);
  const l = loaded.layers[0] as FractionalMaxPooling2D;
  assert.deepEqual([l.poolingRatio, l.overlapping, l.sequence, l.seed], [[Math.SQRT2, Math.SQRT2], false, 'random', 3]);
  assert.deepEqual(values(loaded.predict(x) as tf.Tensor), fixed);
});

test('a CNN with fractional max pooling trains with model.fit', async () => {
  const model = tfl.sequential({
    layers: [
      tfl.layers.conv2d({ filters: 2, kernelSize: 3, padding: 'same', inputShape: [8, 8, 1] }),
      new FractionalMaxPooling2D({ poolingRatio: 1.5, seed: 1 }),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 1 }),
    ],
  });
  model.compile({ optimizer: tf.train.sgd(0.1), loss: 'meanSquaredError' });
  const x = tf.randomNormal([4, 8, 8, 1], 0, 1, 'float32', 2);
  const conv = values(model.getWeights()[0]);
  await model.fit(x, tf.ones([4, 1]), { epochs: 1, verbose: 0 });
  assert.notDeepEqual(values(model.getWeights()[0]), conv, 'the conv kernel below the pooling was updated');
});

test('repeated fractional pooling leaks no tensors', () => {
  assertLayerLeaksNothing(new FractionalMaxPooling2D({ poolingRatio: 1.5, overlapping: true, seed: 1 }), tf.ones([1, 9, 9, 1]));
});

test('bad fractional-pooling options are refused, naming the value', () => {
  assert.throws(() => new FractionalMaxPooling2D({ poolingRatio: 2 }), /Invalid poolingRatio: 2/);
  assert.throws(() => new FractionalMaxPooling2D({ poolingRatio: 1 }), /Invalid poolingRatio: 1/);
  assert.throws(() => new FractionalMaxPooling2D({ poolingRatio: [1.5] as never }), /Invalid poolingRatio: \[1.5\]/);
  assert.throws(() => new FractionalMaxPooling2D({ poolingRatio: 1.5, sequence: 'fixed' as never }), /Invalid sequence/);
  assert.throws(() => fractionalMaxPool(tf.ones([1, 4, 4, 1]) as tf.Tensor4D, { poolingRatio: 1.5, training: true }), /Invalid rng/);
  assert.throws(() => poolingSequence(1, 1.5), /Invalid input length: 1/);
});
