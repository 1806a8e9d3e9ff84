import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { Rng } from '../engine/rng.js';
import { clippedSpan, cutout } from './cutout.js';
import { labels, values } from './fixtures.fixture.js';

await tf.setBackend('cpu');

test('cutout zeroes exactly one border-clipped square per image', () => {
  const [n, H, W, size] = [64, 8, 10, 5];
  const x = tf.ones([n, H, W, 2]) as tf.Tensor4D;
  const out = cutout({ size })({ x, y: labels(n) }, new Rng(11));
  const v = values(out.x);
  const twin = new Rng(11);
  let clipped = 0;
  for (let i = 0; i < n; i++) {
    const [r0, r1] = clippedSpan(twin.int(H), size, H);
    const [c0, c1] = clippedSpan(twin.int(W), size, W);
    if (r1 - r0 < size || c1 - c0 < size) clipped++;
    for (let r = 0; r < H; r++)
      for (let c = 0; c < W; c++)
        for (let ch = 0; ch < 2; ch++) {
          const inside = r >= r0 && r < r1 && c >= c0 && c < c1;
          assert.equal(v[((i * H + r) * W + c) * 2 + ch], inside ? 0 : 1, `image ${i} pixel ${r},${c}`);
        }
  }
  assert.ok(clipped > 0 && clipped < n, 'some squares are clipped at the border, some not');
  tf.dispose([x, out.x, out.y]);
});

test('a square is centred at its pixel and clipped to the image', () => {
  assert.deepEqual(clippedSpan(4, 5, 10), [2, 7]);
  assert.deepEqual(clippedSpan(0, 5, 10), [0, 3]);
  assert.deepEqual(clippedSpan(9, 4, 10), [7, 10]);
});

test('count squares zero their union, and a bad size or count is refused by name', () => {
  const x = tf.ones([1, 6, 6, 1]) as tf.Tensor4D;
  const out = cutout({ size: 2, count: 3 })({ x, y: labels(1) }, new Rng(2));
  const zeros = values(out.x).filter((v) => v === 0).length;
  assert.ok(zeros >= 1 && zeros <= 12);
  assert.throws(() => cutout({ size: 0 }), /Invalid size: 0/);
  assert.throws(() => cutout({ size: 2, count: 1.5 }), /Invalid count: 1\.5/);
  tf.dispose([x, out.x, out.y]);
});
