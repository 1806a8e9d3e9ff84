import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { Rng } from '../engine/rng.js';
import { flipLeftRight, flipUpDown, mirrorLeftRight, mirrorUpDown } from './flip.js';
import { images, labels, values } from './fixtures.fixture.js';

await tf.setBackend('cpu');

test('flipping twice (p = 1) is the identity, left–right and up–down', () => {
  const x = images(3, 4, 5, 2);
  const y = labels(3);
  for (const flip of [flipLeftRight({ p: 1 }), flipUpDown({ p: 1 })]) {
    const once = flip({ x, y }, new Rng(1));
    const twice = flip(once, new Rng(2));
    assert.deepEqual(values(twice.x), values(x));
    assert.notDeepEqual(values(once.x), values(x));
    assert.equal(once.y, y); // labels pass through untouched
    tf.dispose([once.x, twice.x]);
  }
  tf.dispose([x, y]);
});

test('a left–right flip reverses the columns and an up–down flip the rows', () => {
  const x = tf.tensor4d([1, 2, 3, 4, 5, 6], [1, 2, 3, 1]);
  assert.deepEqual(values(mirrorLeftRight(x)), [3, 2, 1, 6, 5, 4]);
  assert.deepEqual(values(mirrorUpDown(x)), [4, 5, 6, 1, 2, 3]);
  x.dispose();
});

test('with p = 0.5 each image is either itself or its mirror image, as its own draw says', () => {
  const x = images(16, 3, 3, 1);
  const out = flipLeftRight({ p: 0.5 })({ x, y: labels(16) }, new Rng(7));
  const mirrored = mirrorLeftRight(x);
  const twin = new Rng(7);
  const per = 9;
  const [o, a, m] = [values(out.x), values(x), values(mirrored)];
  let flipped = 0;
  for (let i = 0; i < 16; i++) {
    const expected = twin.bernoulli(0.5) ? m : a;
    if (expected === m) flipped++;
    assert.deepEqual(o.slice(i * per, i * per + per), expected.slice(i * per, i * per + per));
  }
  assert.ok(flipped > 0 && flipped < 16);
  tf.dispose([x, out.x, out.y, mirrored]);
});

test('a probability outside [0, 1] and a non-image input are refused, naming the input', () => {
  assert.throws(() => flipLeftRight({ p: 1.5 }), /Invalid p: 1\.5/);
  assert.throws(() => flipUpDown({ p: -0.1 }), /Invalid p: -0\.1/);
  const flat = tf.zeros([2, 4]);
  assert.throws(() => flipLeftRight()({ x: flat as tf.Tensor4D, y: labels(2) }, new Rng(0)), /Invalid batch\.x: "a rank-2 tensor.*rank 4/);
  const ints = tf.zeros([2, 2, 2, 1], 'int32');
  assert.throws(() => flipLeftRight()({ x: ints as tf.Tensor4D, y: labels(2) }, new Rng(0)), /Invalid batch\.x: "a int32 tensor".*float32/);
  tf.dispose([flat, ints]);
});
