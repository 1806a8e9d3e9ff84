import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { Rng } from '../engine/rng.js';
import {
  colorJitter, compose, cutmix, cutout, flipLeftRight, flipUpDown, lensDistortion, mixup, oneOf, pcaColor,
  randAugment, randomAffine, randomApply, randomCrop, randomResizedCrop, resnetScaleCrop, type Augmentation,
} from './index.js';
import { mirrorLeftRight, mirrorUpDown } from './flip.js';
import { images, labels, values } from './fixtures.fixture.js';

await tf.setBackend('cpu');

const basis = { values: [0.2, 0.02, 0.004], vectors: [[0.58, 0.58, 0.58], [0.71, 0, -0.71], [0.41, -0.82, 0.41]] };

/** Every augmentation, configured to do something on 8×8 RGB images of 10 classes. */
const ALL: Record<string, Augmentation> = {
  flipLeftRight: flipLeftRight(),
  flipUpDown: flipUpDown(),
  randomCrop: randomCrop({ size: [8, 8], padding: 2 }),
  randomResizedCrop: randomResizedCrop({ size: [6, 6] }),
  resnetScaleCrop: resnetScaleCrop({ size: [6, 6], shortSide: [8, 12] }),
  colorJitter: colorJitter({ brightness: 0.4, contrast: 0.4, saturation: 0.4, hue: 0.1 }),
  pcaColor: pcaColor({ basis }),
  randomAffine: randomAffine({ degrees: 20, translate: [0.1, 0.1], scale: [0.9, 1.1], shear: 10 }),
  lensDistortion: lensDistortion(),
  cutout: cutout({ size: 3, count: 2 }),
  mixup: mixup({ numClasses: 10 }),
  cutmix: cutmix({ numClasses: 10 }),
  compose: compose(flipLeftRight(), randomCrop({ size: [8, 8], padding: 1 }), cutout({ size: 2 })),
  randomApply: randomApply(colorJitter({ brightness: 0.5 }), 0.5),
  oneOf: oneOf(flipLeftRight({ p: 1 }), randomAffine({ degrees: 30 }), cutout({ size: 4 })),
  randAugment: randAugment({ n: 2, m: 9 }),
  mixAfterCrop: compose(randomCrop({ size: [8, 8], padding: 2 }), mixup({ numClasses: 10 })),
};

test('every augmentation leaks no tensor and leaves its input alive and unchanged', () => {
  const x = images(10, 8, 8, 3);
  const y = labels(10);
  const before = values(x);
  for (const [name, aug] of Object.entries(ALL)) {
    const count = tf.memory().numTensors;
    const out = aug({ x, y }, new Rng(3));
    assert.ok(!x.isDisposed && !y.isDisposed, name);
    assert.equal(out.x.shape[0], 10, name);
    if (out.x !== x) out.x.dispose();
    if (out.y !== y) out.y.dispose();
    assert.equal(tf.memory().numTensors, count, `${name} leaks`);
  }
  assert.deepEqual(values(x), before);
  tf.dispose([x, y]);
});

test('the same seed gives the same batch, another seed another', () => {
  const x = images(10, 8, 8, 3);
  const y = labels(10);
  for (const [name, aug] of Object.entries(ALL)) {
    const a = aug({ x, y }, new Rng(5));
    const b = aug({ x, y }, new Rng(5));
    assert.deepEqual(values(a.x), values(b.x), name);
    assert.deepEqual(values(a.y), values(b.y), name);
    tf.dispose([a.x, a.y, b.x, b.y].filter((t) => t !== x && t !== y));
  }
  const pipeline = ALL.compose;
  const [c, d] = [pipeline({ x, y }, new Rng(5)), pipeline({ x, y }, new Rng(6))];
  assert.notDeepEqual(values(c.x), values(d.x));
  tf.dispose([x, y, c.x, d.x]);
});

test('oneOf applies one branch per image and keeps the batch order', () => {
  const x = images(24, 4, 4, 1);
  const y = labels(24);
  const out = oneOf(flipLeftRight({ p: 1 }), flipUpDown({ p: 1 }))({ x, y }, new Rng(2));
  const [lr, ud, o] = [values(mirrorLeftRight(x)), values(mirrorUpDown(x)), values(out.x)];
  const twin = new Rng(2);
  const picks = Array.from({ length: 24 }, () => twin.int(2));
  picks.forEach((k, i) => assert.deepEqual(o.slice(i * 16, i * 16 + 16), (k === 0 ? lr : ud).slice(i * 16, i * 16 + 16), `image ${i}`));
  assert.deepEqual(values(out.y), values(y), 'labels follow their images');
  assert.ok(picks.includes(0) && picks.includes(1));
  tf.dispose([x, y, out.x, out.y]);
});

test('randomApply with p = 0 changes nothing, with p = 1 applies to every image', () => {
  const x = images(4, 3, 3, 1);
  const y = labels(4);
  const never = randomApply(flipLeftRight({ p: 1 }), 0)({ x, y }, new Rng(0));
  assert.deepEqual(values(never.x), values(x));
  const always = randomApply(flipLeftRight({ p: 1 }), 1)({ x, y }, new Rng(0));
  const mirrored = mirrorLeftRight(x);
  assert.deepEqual(values(always.x), values(mirrored));
  assert.throws(() => randomApply(flipLeftRight(), 2), /Invalid p: 2/);
  assert.throws(() => oneOf(), /Invalid augs/);
  tf.dispose([x, y, always.x, mirrored]);
});

test('mixing inside a per-image choice is refused: its branches would give labels of two kinds', () => {
  const x = images(16, 3, 3, 1);
  const y = labels(16);
  const count = tf.memory().numTensors;
  assert.throws(() => randomApply(mixup({ numClasses: 16 }), 0.5)({ x, y }, new Rng(0)), /Invalid augmentations: .*put mixup\/cutmix outside/);
  assert.equal(tf.memory().numTensors, count);
  tf.dispose([x, y]);
});
