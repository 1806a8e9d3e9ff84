import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '../engine/gradients.js';
import { Rng } from '../engine/rng.js';
import { adam } from '../optim/index.js';
import { arrayDataset } from '../data/dataset.js';
import { compose, cutout, flipLeftRight, mixup, randomCrop, type Augmentation } from '../augment/index.js';
import { fit, type FitOptions } from './fit.js';
import { evaluate } from './evaluate.js';
import { checkpoints } from './checkpoints.js';
import type { FunctionalModel } from './model.js';

await tf.setBackend('cpu');

const dir = await mkdtemp(join(tmpdir(), 'trainkit-augment-'));
process.on('exit', () => void rm(dir, { recursive: true, force: true }));

/** 6×6 grey images of 3 classes: a bright bar in row 1, 3 or 5, plus noise. */
function bars(n: number, seed: number) {
  const rng = new Rng(seed);
  const y = Int32Array.from({ length: n }, () => rng.int(3));
  const x = new Float32Array(n * 36);
  for (let i = 0; i < n; i++) for (let p = 0; p < 36; p++) x[i * 36 + p] = 0.2 * rng.next() + (Math.floor(p / 6) === 1 + 2 * y[i] ? 0.7 : 0);
  return arrayDataset({ size: n, xShape: [6, 6, 1], x, yShape: [], y, numClasses: 3 });
}

function convless(seed = 1): FunctionalModel {
  const rng = new Rng(seed);
  return {
    params: { w: tf.tensor2d(Float32Array.from({ length: 36 * 3 }, () => rng.normal(0, 0.1)), [36, 3]), b: tf.zeros([3]) },
    apply: (p, x) => tf.tidy(() => tf.add(tf.matMul(tf.reshape(x, [x.shape[0], 36]), (p as any).w), (p as any).b)),
  };
}

const weights = (m: FunctionalModel): number[][] => Object.values(m.params as Record<string, tf.Tensor>).map((t) => Array.from(t.dataSync()));
const train = bars(60, 1);
const validation = bars(20, 2);
const augment = compose(flipLeftRight(), randomCrop({ size: [6, 6], padding: 1 }), cutout({ size: 2 }), mixup({ alpha: 0.4, numClasses: 3 }));
const options = (): FitOptions => ({ optimizer: adam({ learningRate: 0.05 }), epochs: 3, batchSize: 16, seed: 4, verbose: 'silent', augment });

test('fit with augment, stopped mid-epoch and resumed from its checkpoint, ends bit for bit as the uninterrupted run', async () => {
  const whole = convless();
  await fit(whole, { train, validation }, options());
  const first = convless();
  const ckpt = checkpoints({ dir: join(dir, 'a'), every: 3 });
  await fit(first, { train, validation }, { ...options(), callbacks: [ckpt, { onBatchEnd: (s) => (s === 7 ? 'stop' : undefined) }] });
  const resumed = convless(99);
  await fit(resumed, { train, validation }, { ...options(), resumeFrom: ckpt.lastPath });
  assert.deepEqual(weights(resumed), weights(whole));
  const plain = convless();
  await fit(plain, { train, validation }, { ...options(), augment: undefined });
  assert.notDeepEqual(weights(plain), weights(whole), 'the augmentation changed training');
  for (const m of [whole, first, resumed, plain]) tf.dispose(Object.values(m.params as Record<string, tf.Tensor>));
});

test('fit augments every training batch, never validation, and leaks nothing', async () => {
  const seen: number[] = [];
  const spy: Augmentation = (batch, rng) => {
    seen.push(batch.x.shape[0]);
    return flipLeftRight()(batch, rng);
  };
  const model = convless();
  const count = tf.memory().numTensors;
  const history = await fit(model, { train, validation }, { ...options(), augment: spy });
  assert.equal(tf.memory().numTensors, count);
  assert.deepEqual(seen, [16, 16, 16, 12, 16, 16, 16, 12, 16, 16, 16, 12]); // 60 training examples a epoch, none of the 20 validation ones
  const scores = await evaluate(model, validation);
  // validation saw the images as they are (up to the order of float sums over batches)
  assert.ok(Math.abs((history.epochs.at(-1)?.logs.val_loss ?? NaN) - scores.loss) < 1e-6);
  tf.dispose(Object.values(model.params as Record<string, tf.Tensor>));
});

test('an augment that is not a function, and flat inputs to an image augmentation, are refused by name', async () => {
  const model = convless();
  await assert.rejects(fit(model, { train }, { ...options(), augment: 3 as unknown as Augmentation }), /Invalid augment: 3/);
  const flat = arrayDataset({ size: 4, xShape: [36], x: new Float32Array(144), yShape: [], y: new Int32Array(4), numClasses: 3 });
  const count = tf.memory().numTensors;
  await assert.rejects(fit(model, { train: flat }, { ...options(), augment: flipLeftRight() }), /Invalid batch\.x: "a rank-2 tensor/);
  assert.equal(tf.memory().numTensors, count);
  tf.dispose(Object.values(model.params as Record<string, tf.Tensor>));
});
