import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { Rng } from '../engine/rng.js';
import { fans, heNormal, heUniform, xavierNormal, xavierUniform } from './init.js';

await tf.setBackend('cpu');

function variance(t: tf.Tensor): { variance: number; maxAbs: number } {
  const v = t.dataSync();
  let s = 0;
  let s2 = 0;
  let maxAbs = 0;
  for (const a of v) {
    s += a;
    s2 += a * a;
    maxAbs = Math.max(maxAbs, Math.abs(a));
  }
  const mean = s / v.length;
  return { variance: s2 / v.length - mean * mean, maxAbs };
}

const near = (got: number, want: number, rel: number, what: string) =>
  assert.ok(Math.abs(got / want - 1) < rel, `${what}: variance ${got}, expected ${want} ± ${rel * 100}%`);

// A normal truncated at ±2σ keeps 1 − 4φ(2)/(2Φ(2) − 1) ≈ 0.7737 of the variance.
const TRUNCATED = 0.7737;
const dense = [400, 600]; // fanIn 400, fanOut 600: 240,000 samples (relative sd of a variance estimate ≈ 0.3%)
const conv = [3, 3, 40, 80]; // fanIn 360, fanOut 720

test('fans: dense [in, out] and conv [kh, kw, in, out] as PyTorch and tfjs-layers count them', () => {
  assert.deepEqual(fans(dense), { fanIn: 400, fanOut: 600 });
  assert.deepEqual(fans(conv), { fanIn: 360, fanOut: 720 });
  assert.deepEqual(fans([7]), { fanIn: 7, fanOut: 7 });
  assert.throws(() => fans([3, 0]), /Invalid shape: \[3,0\]/);
});

test("tfjs-layers behaviour (pinned): glorotUniform and heUniform have Var = 2/(fanIn + fanOut) and 2/fanIn", () => {
  near(variance(tfl.initializers.glorotUniform({ seed: 1 }).apply(dense)).variance, 2 / 1000, 0.03, 'glorotUniform dense');
  near(variance(tfl.initializers.heUniform({ seed: 1 }).apply(dense)).variance, 2 / 400, 0.03, 'heUniform dense');
  near(variance(tfl.initializers.glorotUniform({ seed: 2 }).apply(conv)).variance, 2 / 1080, 0.03, 'glorotUniform conv');
  near(variance(tfl.initializers.heUniform({ seed: 2 }).apply(conv)).variance, 2 / 360, 0.03, 'heUniform conv');
});

test("tfjs-layers behaviour (pinned): glorotNormal and heNormal are truncated at 2σ uncorrected: only ≈ 0.774 of the intended variance", () => {
  const g = variance(tfl.initializers.glorotNormal({ seed: 3 }).apply(dense));
  near(g.variance, TRUNCATED * (2 / 1000), 0.03, 'glorotNormal');
  assert.ok(g.maxAbs <= 2 * Math.sqrt(2 / 1000) + 1e-6, 'no sample beyond 2σ');
  near(variance(tfl.initializers.heNormal({ seed: 3 }).apply(dense)).variance, TRUNCATED * (2 / 400), 0.03, 'heNormal');
  near(variance(tfl.initializers.heNormal({ seed: 4 }).apply(conv)).variance, TRUNCATED * (2 / 360), 0.03, 'heNormal conv');
});

test('xavierNormal, xavierUniform, heNormal and heUniform have exactly the stated variances, untruncated', () => {
  const rng = new Rng(0);
  const xn = variance(xavierNormal(dense, rng));
  near(xn.variance, 2 / 1000, 0.03, 'xavierNormal');
  assert.ok(xn.maxAbs > 3 * Math.sqrt(2 / 1000), 'tails beyond 2σ exist');
  near(variance(xavierUniform(dense, rng)).variance, 2 / 1000, 0.03, 'xavierUniform');
  near(variance(heNormal(dense, rng)).variance, 2 / 400, 0.03, 'heNormal');
  near(variance(heUniform(dense, rng)).variance, 2 / 400, 0.03, 'heUniform');
  near(variance(heNormal(conv, rng)).variance, 2 / 360, 0.03, 'heNormal conv');
  near(variance(heNormal(dense, rng, { negativeSlope: 0.5 })).variance, 2 / (1.25 * 400), 0.03, 'heNormal leaky');
});

test('the functional initialisers are reproducible from the seed and leave no stray tensors', () => {
  const before = tf.memory().numTensors;
  const a = heNormal([20, 30], new Rng(5));
  const b = heNormal([20, 30], new Rng(5));
  const c = heNormal([20, 30], new Rng(6));
  assert.deepEqual(Array.from(a.dataSync()), Array.from(b.dataSync()));
  assert.notDeepEqual(Array.from(a.dataSync()), Array.from(c.dataSync()));
  tf.dispose([a, b, c]);
  assert.equal(tf.memory().numTensors, before);
  assert.throws(() => heNormal([2, 2], new Rng(0), { negativeSlope: -1 }), /Invalid negativeSlope: -1/);
});
