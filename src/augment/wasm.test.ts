// The augmentations on the wasm backend (the Node default): its kernels (Transform, CropAndResize,
// FlipLeftRight, gather) give what the cpu backend gives, and the exact ones stay exact.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { useBestBackend } from '../engine/backend.js';
import { Rng } from '../engine/rng.js';
import {
  colorJitter, compose, cutmix, cutout, flipLeftRight, flipUpDown, lensDistortion, mixup, oneOf, randAugment,
  randomAffine, randomCrop, randomResizedCrop, tenCrop, type Augmentation,
} from './index.js';
import { images, labels, values } from './fixtures.fixture.js';

const backend = await useBestBackend();

const ALL: Record<string, Augmentation> = {
  flipLeftRight: flipLeftRight(),
  flipUpDown: flipUpDown(),
  randomCrop: randomCrop({ size: [8, 8], padding: 3 }),
  randomResizedCrop: randomResizedCrop({ size: [6, 6] }),
  colorJitter: colorJitter({ brightness: 0.4, contrast: 0.4, saturation: 0.4, hue: 0.1 }),
  randomAffine: randomAffine({ degrees: 20, translate: [0.1, 0.1], scale: [0.9, 1.1], shear: 10 }),
  lensDistortion: lensDistortion(),
  cutout: cutout({ size: 3, count: 2 }),
  mixup: mixup({ numClasses: 10 }),
  cutmix: cutmix({ numClasses: 10 }),
  oneOf: oneOf(flipLeftRight({ p: 1 }), randomAffine({ degrees: 30 })),
  randAugment: randAugment({ n: 2, m: 9 }),
};

/** Runs `f` on the named backend and returns the values it read. */
async function on(name: string, f: () => tf.Tensor[]): Promise<number[][]> {
  await tf.setBackend(name);
  const ts = f();
  const out = ts.map(values);
  tf.dispose(ts);
  return out;
}

test(`every augmentation gives on ${backend} what it gives on cpu (exact ones bit for bit)`, { skip: backend === 'cpu' && 'no wasm here' }, async () => {
  const exact = new Set(['flipLeftRight', 'flipUpDown', 'randomCrop', 'cutout']);
  for (const [name, aug] of Object.entries(ALL)) {
    const run = (): tf.Tensor[] => {
      const x = images(10, 8, 8, 3);
      const y = labels(10);
      const out = aug({ x, y }, new Rng(3));
      return [x, y, out.x, out.y].filter((t, i, all) => all.indexOf(t) === i);
    };
    const [cpu, other] = [await on('cpu', run), await on(backend, run)];
    cpu.forEach((ref, k) => {
      if (exact.has(name)) assert.deepEqual(other[k], ref, name);
      else ref.forEach((v, i) => assert.ok(Math.abs(other[k][i] - v) < 1e-4, `${name}: value ${i} ${other[k][i]} vs ${v}`));
    });
  }
  const views = tenCrop({ size: [6, 6], scales: [1, 0.8] });
  const crops = (): tf.Tensor[] => {
    const x = images(2, 8, 8, 3);
    return [x, ...views.map((v) => v(x))];
  };
  const [cpu, other] = [await on('cpu', crops), await on(backend, crops)];
  cpu.forEach((ref, k) => ref.forEach((v, i) => assert.ok(Math.abs(other[k][i] - v) < 1e-5, `view ${k}`)));
  await tf.setBackend(backend);
});

test(`on ${backend}, a batch of affine warps with identity parameters returns the input, and no augmentation leaks`, async () => {
  const x = images(16, 9, 9, 3);
  const y = labels(16);
  const id = randomAffine()({ x, y }, new Rng(0));
  assert.deepEqual(values(id.x), values(x));
  id.x.dispose();
  for (const [name, aug] of Object.entries(ALL)) {
    const count = tf.memory().numTensors;
    const out = aug({ x, y }, new Rng(1));
    if (out.x !== x) out.x.dispose();
    if (out.y !== y) out.y.dispose();
    assert.equal(tf.memory().numTensors, count, `${name} leaks`);
  }
  tf.dispose([x, y]);
});
