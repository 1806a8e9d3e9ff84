import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { Rng } from '../engine/rng.js';
import { StochasticDepth, linearDecaySurvival, stochasticDepth } from './index.js';
import { roundTrip, values, assertLayerLeaksNothing } from './layer-fixtures.fixture.js';

await tf.setBackend('cpu');

/**
 * The keep/skip draws a seeded `Rng` gives, written out here rather than taken from the code under
 * test: the rule is one 32-bit draw per mask entry, kept when it is below p·2^32.
 */
function expectedKeeps(seed: number, draws: number, survival: number): boolean[] {
  const rng = new Rng(seed);
  return Array.from({ length: draws }, () => rng.nextUint32() < survival * 2 ** 32);
}

test('at test time the block is shortcut + residual; at train time the branch is skipped or scaled by 1/p, as the seeded draws say', () => {
  const shortcut = tf.fill([2, 3], 1);
  const residual = tf.fill([2, 3], 2);
  assert.deepEqual(values(stochasticDepth(residual, shortcut, { survival: 0.8, training: false })), Array(6).fill(3));
  const rng = new Rng(0);
  const got: number[] = [];
  for (let i = 0; i < 2000; i++) {
    const v = values(stochasticDepth(residual, shortcut, { survival: 0.8, training: true, rng }));
    assert.ok(v.every((a) => a === v[0]), "mode 'batch': the whole batch shares one draw");
    got.push(v[0]);
  }
  const keeps = expectedKeeps(0, 2000, 0.8);
  assert.deepEqual(got, keeps.map((k) => (k ? 1 + 2 / 0.8 : 1)));
  // Rng(0)'s first 2000 draws keep the branch 1630 times (0.815: 1.7σ from p = 0.8, σ ≈ 0.009).
  assert.equal(keeps.filter(Boolean).length, 1630);
});

test("mode 'sample' draws one keep/skip per example, in example order", () => {
  const shortcut = tf.zeros([64, 2, 2, 1]);
  const residual = tf.ones([64, 2, 2, 1]);
  const y = stochasticDepth(residual, shortcut, { survival: 0.5, training: true, rng: new Rng(2), mode: 'sample' });
  const rows = tf.reshape(y, [64, 4]).arraySync() as number[][];
  const keeps = expectedKeeps(2, 64, 0.5);
  assert.deepEqual(rows, keeps.map((k) => Array(4).fill(k ? 2 : 0)));
  assert.equal(keeps.filter(Boolean).length, 40); // Rng(2): 40 of 64 examples keep their branch
});

test('a skipped branch still gets a (zero) gradient, a kept one 1/p', () => {
  const shortcut = tf.ones([3]);
  const residual = tf.ones([3]);
  const rng = new Rng(1);
  const got: number[][] = [];
  for (let i = 0; i < 20; i++) {
    const g = tf.grad((r: tf.Tensor) => tf.sum(stochasticDepth(r, shortcut, { survival: 0.5, training: true, rng })))(residual);
    got.push(values(g));
  }
  const keeps = expectedKeeps(1, 20, 0.5);
  assert.deepEqual(got, keeps.map((k) => Array(3).fill(k ? 2 : 0)));
  assert.ok(keeps.includes(true) && keeps.includes(false), 'Rng(1) gives both outcomes in 20 draws');
});

test('the StochasticDepth layer closes a residual block, is reproducible from its seed, and round-trips', async () => {
  const input = tfl.input({ shape: [4] });
  const branch = tfl.layers.dense({ units: 4 }).apply(input) as tfl.SymbolicTensor;
  const out = new StochasticDepth({ survival: 0.5, seed: 7 }).apply([input, branch]) as tfl.SymbolicTensor;
  const model = tfl.model({ inputs: input, outputs: out });
  assert.deepEqual(out.shape, [null, 4]);
  const x = tf.randomNormal([3, 4]);
  const dense = model.layers[1];
  const want = values(tf.add(x, dense.apply(x) as tf.Tensor));
  assert.deepEqual(values(model.predict(x) as tf.Tensor), want);

  const { loaded, json } = await roundTrip(model);
  assert.match(json, /"class_name":"trainkit>StochasticDepth"/);
  const sd = loaded.layers.find((l) => l instanceof StochasticDepth) as StochasticDepth;
  assert.deepEqual([sd.survival, sd.mode, sd.seed], [0.5, 'batch', 7]);
  assert.deepEqual(values(loaded.predict(x) as tf.Tensor), want);
  const again = await roundTrip(model);
  const a = Array.from({ length: 8 }, () => values(loaded.apply(x, { training: true }) as tf.Tensor));
  const b = Array.from({ length: 8 }, () => values(again.loaded.apply(x, { training: true }) as tf.Tensor));
  assert.deepEqual(a, b);
  // A loaded layer restarts from its seed: its 8 calls follow Rng(7)'s first 8 draws. A skipped
  // branch leaves exactly the shortcut x (x + 0·branch).
  const keeps = expectedKeeps(7, 8, 0.5);
  assert.deepEqual(a.map((v) => !tf.util.arraysEqual(v, values(x))), keeps);
  assert.ok(keeps.includes(true) && keeps.includes(false), 'Rng(7) gives both outcomes in 8 draws');
});

test('linearDecaySurvival follows p_l = 1 − (l/L)(1 − p_L)', () => {
  assert.equal(linearDecaySurvival(54, 54), 0.5);
  assert.equal(linearDecaySurvival(27, 54, 0.5), 0.75);
  assert.ok(Math.abs(linearDecaySurvival(1, 10, 0.8) - 0.98) < 1e-12);
  assert.throws(() => linearDecaySurvival(0, 10), /Invalid block: 0/);
});

test('repeated StochasticDepth calls leak no tensors', () => {
  assertLayerLeaksNothing(new StochasticDepth({ survival: 0.7, seed: 1, mode: 'sample' }), [tf.ones([4, 3]), tf.ones([4, 3])]);
});

test('bad stochastic-depth options and inputs are refused, naming the value', () => {
  assert.throws(() => new StochasticDepth({ survival: 0 }), /Invalid survival: 0/);
  assert.throws(() => new StochasticDepth({ survival: 1.2 }), /Invalid survival: 1.2/);
  assert.throws(() => new StochasticDepth({ survival: 0.5, mode: 'row' as never }), /Invalid mode: "row"/);
  assert.throws(() => stochasticDepth(tf.ones([2]), tf.ones([3]), { survival: 0.5, training: false }), /Invalid residual shape/);
  assert.throws(() => stochasticDepth(tf.ones([2]), tf.ones([2]), { survival: 0.5, training: true }), /Invalid rng/);
  assert.throws(() => new StochasticDepth({ survival: 0.5 }).apply(tf.ones([2])), /Invalid inputs/);
});
