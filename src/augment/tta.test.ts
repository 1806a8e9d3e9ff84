import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { tenCrop, tta } from './tta.js';
import { mirrorLeftRight } from './flip.js';
import { images, values } from './fixtures.fixture.js';

await tf.setBackend('cpu');

/** A fixed "model": class scores from the mean of each image's left and right halves. */
const model = (x: tf.Tensor4D): tf.Tensor =>
  tf.tidy(() => {
    const w = x.shape[2];
    const left = tf.mean(tf.slice(x, [0, 0, 0, 0], [-1, -1, Math.floor(w / 2), -1]), [1, 2, 3]);
    const right = tf.mean(tf.slice(x, [0, 0, Math.floor(w / 2), 0], [-1, -1, -1, -1]), [1, 2, 3]);
    return tf.mul(tf.stack([left, right], 1), 10);
  });

test('test-time augmentation is deterministic and averages the softmax over the views', () => {
  const x = images(3, 8, 8, 1);
  const views = tenCrop({ size: [6, 6], scales: [1, 0.8] });
  assert.equal(views.length, 20);
  const a = tta(model, x, views);
  const b = tta(model, x, views);
  assert.deepEqual(values(a), values(b));
  const byHand = tf.tidy(() => tf.div(tf.addN(views.map((v) => tf.softmax(model(v(x))))), views.length));
  values(a).forEach((p, i) => assert.ok(Math.abs(p - values(byHand)[i]) < 1e-6));
  values(tf.sum(a, 1)).forEach((s) => assert.ok(Math.abs(s - 1) < 1e-6));
  tf.dispose([x, a, b, byHand]);
});

test('ten crops are the four corners and the centre, each also mirrored; a full-size crop is the image', () => {
  const x = tf.tensor4d(Float32Array.from({ length: 16 }, (_, i) => i), [1, 4, 4, 1]);
  const [tl, tlFlip, tr, , bl, , br, , centre] = tenCrop({ size: [2, 2] }).map((v) => values(v(x)));
  assert.deepEqual(tl, [0, 1, 4, 5]);
  assert.deepEqual(tlFlip, [1, 0, 5, 4]);
  assert.deepEqual(tr, [2, 3, 6, 7]);
  assert.deepEqual(bl, [8, 9, 12, 13]);
  assert.deepEqual(br, [10, 11, 14, 15]);
  assert.deepEqual(centre, [5, 6, 9, 10]);
  const whole = tenCrop({ size: [4, 4], flips: false })[4](x);
  assert.deepEqual(values(whole), values(x));
  const mirrored = mirrorLeftRight(x);
  assert.deepEqual(values(tenCrop({ size: [4, 4] })[1](x)), values(mirrored));
  tf.dispose([x, whole, mirrored]);
});

test('tta leaks nothing and refuses no views, a scale too small for the crop, and non-images', () => {
  const x = images(2, 8, 8, 1);
  const count = tf.memory().numTensors;
  tta(model, x, tenCrop({ size: [4, 4], scales: [1, 0.75] })).dispose();
  assert.equal(tf.memory().numTensors, count);
  assert.throws(() => tta(model, x, []), /Invalid views/);
  assert.throws(() => tta(model, x, tenCrop({ size: [6, 6], scales: [0.5] })), /Invalid scales: 0\.5 \(expected a scale of at least 0\.75/);
  const flat = tf.zeros([2, 64]);
  assert.throws(() => tta(model, flat as tf.Tensor4D, tenCrop({ size: [4, 4] })), /Invalid x: "a rank-2 tensor/);
  tf.dispose([x, flat]);
});
