import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { Rng } from '../engine/rng.js';
import { affineMap, randomAffine } from './affine.js';
import { lensDistortion } from './lens.js';
import { mirrorLeftRight, mirrorUpDown } from './flip.js';
import { warpAffine } from './warp.js';
import { images, labels, values } from './fixtures.fixture.js';

await tf.setBackend('cpu');

test('an affine warp with identity parameters returns the input exactly', () => {
  const x = images(3, 6, 7, 3);
  assert.deepEqual(affineMap({ angle: 0, dx: 0, dy: 0, scale: 1, shear: 0 }, 6, 7), [1, 0, 0, 0, 1, 0]);
  const out = randomAffine()({ x, y: labels(3) }, new Rng(0));
  assert.deepEqual(values(out.x), values(x));
  const degenerate = randomAffine({ degrees: 0, translate: [0, 0], scale: [1, 1], shear: 0 })({ x, y: labels(3) }, new Rng(9));
  assert.deepEqual(values(degenerate.x), values(x));
  tf.dispose([x, out.x, out.y, degenerate.x, degenerate.y]);
});

test('a 180° rotation about the centre mirrors the image both ways', () => {
  const x = images(2, 5, 5, 1);
  const out = warpAffine(x, [0, 1].map(() => affineMap({ angle: 180, dx: 0, dy: 0, scale: 1, shear: 0 }, 5, 5)));
  const both = mirrorUpDown(mirrorLeftRight(x));
  values(out).forEach((v, i) => assert.ok(Math.abs(v - values(both)[i]) < 1e-5));
  tf.dispose([x, out, both]);
});

test('a whole-pixel translation shifts the image and fills zeros', () => {
  const x = tf.tensor4d([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 3, 3, 1]);
  const out = warpAffine(x, [affineMap({ angle: 0, dx: 1, dy: 0, scale: 1, shear: 0 }, 3, 3)]);
  assert.deepEqual(values(out), [0, 1, 2, 0, 4, 5, 0, 7, 8]);
  tf.dispose([x, out]);
});

test('a lens distortion with k = 0 returns the input, and bad options are refused by name', () => {
  const x = images(2, 6, 6, 1);
  const out = lensDistortion({ k: [0, 0] })({ x, y: labels(2) }, new Rng(0));
  values(out.x).forEach((v, i) => assert.ok(Math.abs(v - values(x)[i]) < 1e-6));
  assert.throws(() => lensDistortion({ k: [0.3, -0.3] }), /Invalid k: \[0\.3,-0\.3\]/);
  assert.throws(() => randomAffine({ translate: [2, 0] }), /Invalid translate: \[2,0\]/);
  assert.throws(() => randomAffine({ scale: [0, 1] }), /Invalid scale\[0\]: 0/);
  tf.dispose([x, out.x, out.y]);
});

test('with k > 0 the picture shrinks towards the centre: corners read from outside the image and go dark', () => {
  const x = tf.ones([1, 9, 9, 1]) as tf.Tensor4D;
  const out = lensDistortion({ k: [0.5, 0.5] })({ x, y: labels(1) }, new Rng(0));
  const v = values(out.x);
  assert.equal(v[0], 0); // corner: radius √2 → reads at 2√2, outside
  assert.equal(v[40], 1); // centre
  tf.dispose([x, out.x, out.y]);
});
