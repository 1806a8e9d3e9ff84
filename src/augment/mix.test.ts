import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { Rng } from '../engine/rng.js';
import { betaDraw } from './beta.js';
import { cutmix, mixup } from './mix.js';
import { images, labels, values } from './fixtures.fixture.js';

await tf.setBackend('cpu');

const rows = (t: tf.Tensor): number[][] => t.arraySync() as number[][];

test("mixup's image is the label-weighted blend of two images", () => {
  const n = 8; // image i has class i, so row i of the labels names both partners and their weights
  const x = images(n, 4, 4, 3);
  const out = mixup({ alpha: 0.4, numClasses: n })({ x, y: labels(n) }, new Rng(1));
  const y = rows(out.y);
  const xs = values(x);
  const os = values(out.x);
  const per = 4 * 4 * 3;
  for (let i = 0; i < n; i++) {
    const partners = y[i].map((w, k) => [k, w] as const).filter(([, w]) => w > 0);
    assert.ok(Math.abs(y[i].reduce((a, b) => a + b, 0) - 1) < 1e-6, 'label rows sum to 1');
    for (let p = 0; p < per; p++) {
      const blend = partners.reduce((s, [k, w]) => s + w * xs[k * per + p], 0);
      assert.ok(Math.abs(os[i * per + p] - blend) < 1e-6, `image ${i} pixel ${p}`);
    }
  }
  tf.dispose([x, out.x, out.y]);
});

test('mixup draws λ from Beta(α, α) once per batch and pairs images by a permutation', () => {
  const n = 6;
  const x = images(n, 2, 2, 1);
  const out = mixup({ alpha: 0.2, numClasses: n })({ x, y: labels(n) }, new Rng(4));
  const twin = new Rng(4);
  const lambda = betaDraw(twin, 0.2, 0.2);
  const partner = twin.permutation(n);
  const y = rows(out.y);
  for (let i = 0; i < n; i++) {
    const expected = Array.from({ length: n }, (_, k) => (k === i ? lambda : 0) + (k === partner[i] ? 1 - lambda : 0));
    expected.forEach((e, k) => assert.ok(Math.abs(y[i][k] - e) < 1e-6));
  }
  tf.dispose([x, out.x, out.y]);
});

test("CutMix's label weight equals the pasted area fraction", () => {
  const [n, H, W] = [8, 10, 12];
  // Image i is the constant i + 1: a pixel tells which image it came from.
  const x = tf.tensor4d(Float32Array.from({ length: n * H * W }, (_, j) => Math.floor(j / (H * W)) + 1), [n, H, W, 1]);
  for (const seed of [0, 1, 2, 3]) {
    const out = cutmix({ alpha: 1, numClasses: n })({ x, y: labels(n) }, new Rng(seed));
    const v = values(out.x);
    const y = rows(out.y);
    for (let i = 0; i < n; i++) {
      const own = v.slice(i * H * W, (i + 1) * H * W).filter((p) => p === i + 1).length / (H * W);
      // (an image paired with itself keeps all its pixels and weight 1)
      assert.ok(Math.abs(y[i][i] - own) < 1e-6, `seed ${seed} image ${i}: label weight ${y[i][i]}, own pixels ${own}`);
    }
    tf.dispose([out.x, out.y]);
  }
  x.dispose();
});

test('soft labels pass through mixing as they are', () => {
  const x = images(2, 2, 2, 1);
  const y = tf.tensor2d([[0.7, 0.3], [0.1, 0.9]]);
  const out = mixup({ alpha: 1 })({ x, y }, new Rng(0));
  rows(out.y).forEach((r) => assert.ok(Math.abs(r[0] + r[1] - 1) < 1e-6));
  tf.dispose([x, y, out.x, out.y]);
});

test('integer labels without numClasses, a non-positive α and a bad numClasses are refused by name', () => {
  const x = images(2, 2, 2, 1);
  const y = labels(2);
  const before = tf.memory().numTensors;
  assert.throws(() => mixup()({ x, y }, new Rng(0)), /Invalid numClasses: undefined \(expected the number of classes/);
  assert.throws(() => cutmix()({ x, y }, new Rng(0)), /Invalid numClasses: undefined/);
  assert.throws(() => mixup({ alpha: 0 }), /Invalid alpha: 0 \(expected a finite number > 0\)/);
  assert.throws(() => cutmix({ alpha: -1 }), /Invalid alpha: -1/);
  assert.throws(() => mixup({ numClasses: 1 }), /Invalid numClasses: 1/);
  assert.equal(tf.memory().numTensors, before, 'a refused batch leaks nothing');
  tf.dispose([x, y]);
});

test('Beta(α, α) draws have the mean 1/2 and the variance 1/(4(2α + 1))', () => {
  const rng = new Rng(0);
  for (const alpha of [0.2, 1, 3]) {
    const draws = Array.from({ length: 20000 }, () => betaDraw(rng, alpha, alpha));
    const mean = draws.reduce((a, b) => a + b, 0) / draws.length;
    const variance = draws.reduce((a, b) => a + (b - mean) ** 2, 0) / draws.length;
    const expected = 1 / (4 * (2 * alpha + 1));
    assert.ok(Math.abs(mean - 0.5) < 0.01, `α ${alpha}: mean ${mean}`);
    assert.ok(Math.abs(variance - expected) < 0.05 * expected, `α ${alpha}: variance ${variance}, expected ${expected}`);
  }
});
