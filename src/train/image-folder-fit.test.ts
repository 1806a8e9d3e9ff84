// fit on images read from disk: an imageFolder (a BatchSource of PNG files) as training and
// validation data, and a checkpoint resume over it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { PNG } from 'pngjs';
import '../engine/gradients.js';
import { imageFolder } from '../data/image-folder.js';
import { sgd } from '../optim/sgd.js';
import { checkpoints } from './checkpoints.js';
import { evaluate } from './evaluate.js';
import { fit } from './fit.js';
import type { FunctionalModel } from './model.js';

await tf.setBackend('cpu');

/** Two classes of 4×4 grey images: 'dark' (values 0–60) and 'light' (190–250), 12 of each. */
function makeFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tk-imgfit-'));
  for (const [cls, base] of [['dark', 0], ['light', 190]] as const) {
    mkdirSync(join(dir, cls));
    for (let i = 0; i < 12; i++) {
      const png = new PNG({ width: 4, height: 4 });
      for (let p = 0; p < 16; p++) png.data.set([base + ((i * 7 + p * 3) % 61), base, base, 255], 4 * p);
      writeFileSync(join(dir, cls, `${i}.png`), PNG.sync.write(png, { colorType: 2 }));
    }
  }
  return dir;
}

function linearModel(): FunctionalModel {
  return {
    params: { w: tf.zeros([48, 2]), b: tf.zeros([2]) },
    apply: (p, x) => {
      const { w, b } = p as { w: tf.Tensor; b: tf.Tensor };
      return tf.add(tf.matMul(tf.reshape(x, [x.shape[0], 48]), w), b);
    },
  };
}

test('fit trains on an imageFolder, validates on it, leaks nothing, and resumes over it bit for bit', async () => {
  const dir = makeFolder();
  try {
    const images = imageFolder(dir, { size: [4, 4], channels: 3 });
    assert.equal(images.size, 24);
    const before = tf.memory().numTensors;
    const straight = linearModel();
    const options = { optimizer: sgd({ learningRate: 0.5 }), batchSize: 5, seed: 3, verbose: 'silent' as const };
    const h = await fit(straight, { train: images, validation: images }, { ...options, epochs: 4 });
    // Dark and light images are separable by their mean: a linear model gets all 24.
    assert.equal(h.epochs.at(-1)!.logs.val_accuracy, 1);
    const { accuracy } = await evaluate(straight, images, { batchSize: 7 });
    assert.equal(accuracy, 1);

    const ckptDir = join(dir, 'ckpt');
    const resumed = linearModel();
    await fit(resumed, { train: images }, { ...options, epochs: 2, callbacks: [checkpoints({ dir: ckptDir })] });
    await fit(resumed, { train: images }, { ...options, epochs: 4, resumeFrom: join(ckptDir, 'last.tkpt') });
    for (const k of ['w', 'b'] as const) {
      const [a, b] = [straight, resumed].map((m) => Array.from((m.params as Record<string, tf.Tensor>)[k].dataSync()));
      assert.deepEqual(b, a, `${k}: same bits after 2 + 2 epochs as after 4`);
    }
    tf.dispose([straight.params, resumed.params] as never);
    assert.equal(tf.memory().numTensors, before, 'nothing but the two models was left, and they are freed');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
