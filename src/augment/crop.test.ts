import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { Rng } from '../engine/rng.js';
import { randomCrop, randomResizedCrop, resnetScaleCrop, sampleResizedCropBox } from './crop.js';
import { images, labels, values } from './fixtures.fixture.js';

await tf.setBackend('cpu');

test('a padded crop is a window of the zero-padded image, at the place its draw says', () => {
  const [n, h, w, c, pad] = [6, 5, 7, 2, 2];
  const x = images(n, h, w, c);
  const out = randomCrop({ size: [5, 6], padding: pad })({ x, y: labels(n) }, new Rng(3));
  assert.deepEqual(out.x.shape, [n, 5, 6, c]);
  const padded = tf.pad(x, [[0, 0], [pad, pad], [pad, pad], [0, 0]]);
  const twin = new Rng(3);
  for (let i = 0; i < n; i++) {
    const top = twin.int(h + 2 * pad - 5 + 1);
    const left = twin.int(w + 2 * pad - 6 + 1);
    const window = tf.slice(padded, [i, top, left, 0], [1, 5, 6, c]);
    const got = tf.slice(out.x, [i, 0, 0, 0], [1, 5, 6, c]);
    assert.deepEqual(values(got), values(window), `image ${i}`);
    tf.dispose([window, got]);
  }
  tf.dispose([x, out.x, out.y, padded]);
});

test('windows are placed over every position of the padded image', () => {
  const x = images(400, 3, 3, 1);
  const out = randomCrop({ size: [3, 3], padding: 1 })({ x, y: labels(400) }, new Rng(0));
  const twin = new Rng(0);
  const seen = new Set<string>();
  for (let i = 0; i < 400; i++) seen.add(`${twin.int(3)},${twin.int(3)}`);
  assert.equal(seen.size, 9);
  tf.dispose([x, out.x, out.y]);
});

test('a crop larger than the padded image is refused, naming size and the padded image', () => {
  const x = images(1, 4, 4, 1);
  assert.throws(() => randomCrop({ size: [9, 4], padding: 2 })({ x, y: labels(1) }, new Rng(0)), /Invalid size: \[9,4\] \(expected at most the padded image \[8, 8\]/);
  assert.throws(() => randomCrop({ size: [4, 4], padding: -1 }), /Invalid padding: -1/);
  assert.throws(() => randomCrop({ size: [0, 4] }), /Invalid size: \[0,4\]/);
  x.dispose();
});

test('a resized crop covers a region of the requested scale and ratio', () => {
  // Channel 0 holds the row index, channel 1 the column: bilinear resampling of a linear image is
  // exact, so the output's corners name the region it came from.
  const [H, W, n] = [40, 60, 32];
  const coords = new Float32Array(n * H * W * 2);
  for (let i = 0; i < n; i++) for (let r = 0; r < H; r++) for (let c = 0; c < W; c++) coords.set([r, c], ((i * H + r) * W + c) * 2);
  const x = tf.tensor4d(coords, [n, H, W, 2]);
  const scale: [number, number] = [0.2, 0.6];
  const ratio: [number, number] = [0.5, 2];
  const out = randomResizedCrop({ size: [8, 8], scale, ratio })({ x, y: labels(n) }, new Rng(5));
  const v = values(out.x);
  const at = (i: number, r: number, c: number, ch: number): number => v[((i * 8 + r) * 8 + c) * 2 + ch];
  const twin = new Rng(5);
  for (let i = 0; i < n; i++) {
    const box = sampleResizedCropBox(twin, H, W, scale, ratio);
    const [top, left, bottom, right] = [at(i, 0, 0, 0), at(i, 0, 0, 1), at(i, 7, 7, 0), at(i, 7, 7, 1)];
    assert.ok(Math.abs(top - box.top) < 1e-3 && Math.abs(left - box.left) < 1e-3, `image ${i}: corner`);
    const [bh, bw] = [bottom - top + 1, right - left + 1];
    assert.ok(Math.abs(bh - box.height) < 1e-3 && Math.abs(bw - box.width) < 1e-3, `image ${i}: size`);
    // Rounding the sides to whole pixels moves area and ratio by at most a pixel's worth.
    const area = (bh * bw) / (H * W);
    assert.ok(area >= scale[0] - (bh + bw) / (H * W) && area <= scale[1] + (bh + bw + 1) / (H * W), `image ${i}: area ${area}`);
    assert.ok(bw / bh >= ratio[0] * (1 - 2 / bh) && bw / bh <= ratio[1] * (1 + 2 / bh), `image ${i}: ratio ${bw / bh}`);
  }
  tf.dispose([x, out.x, out.y]);
});

test('the resized crop falls back to the centred box of the largest allowed ratio when no draw fits', () => {
  // A 1×10 strip cannot hold a box of ratio ≤ 2 and area ≥ 0.5: the fallback is the centred 1×2 box.
  const box = sampleResizedCropBox(new Rng(0), 1, 10, [0.5, 1], [0.5, 2]);
  assert.deepEqual(box, { top: 0, left: 4, height: 1, width: 2 });
});

test('the ResNet scale crop reads a window of the image resized to a short side in [lo, hi]', () => {
  const [H, W] = [20, 30];
  const coords = new Float32Array(H * W);
  for (let r = 0; r < H; r++) for (let c = 0; c < W; c++) coords[r * W + c] = c;
  const x = tf.tensor4d(coords, [1, H, W, 1]);
  for (let seed = 0; seed < 10; seed++) {
    const out = resnetScaleCrop({ size: [10, 10], shortSide: [10, 20] })({ x, y: labels(1) }, new Rng(seed));
    const v = values(out.x);
    const step = v[1] - v[0]; // original columns per output column = 1 / (L / 20)
    const L = 20 / step;
    assert.ok(L >= 10 - 1e-3 && L <= 20 + 1e-3, `L = ${L}`);
    assert.ok(Math.abs(Math.round(L) - L) < 1e-3, `L = ${L} is a whole number of pixels`);
    tf.dispose([out.x, out.y]);
  }
  x.dispose();
});
