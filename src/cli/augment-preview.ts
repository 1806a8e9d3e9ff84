/**
 * `trainkit augment-preview [--dataset fashion-mnist|DIR] [--out DIR] [--count N] [--seed S] [--scale K]`:
 * a PNG grid of the same images under each augmentation — one row per augmentation (the first row
 * the originals), one column per image — and a JSON legend naming the rows.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { PNG } from 'pngjs';
import { Rng } from '../engine/rng.js';
import { useBestBackend } from '../engine/backend.js';
import { InvalidArgumentError, checkNumber } from '../errors.js';
import { writeFileAtomic } from '../io/atomic.js';
import {
  colorJitter, cutmix, cutout, fitPcaColor, flipLeftRight, flipUpDown, lensDistortion, mixup, pcaColor, randAugment,
  randomAffine, randomCrop, randomResizedCrop, type Augmentation,
} from '../augment/index.js';
import { fashionMnist } from '../data/fashion-mnist.js';
import { imageFolder } from '../data/image-folder.js';

const DEFAULTS = { dataset: 'fashion-mnist', out: 'out/augment-preview', count: '8', seed: '0', scale: '3' };

/** The augmentations shown, for images of `channels` channels and `classes` classes. */
async function previewAugmentations(x: tf.Tensor4D, classes: number): Promise<Array<[string, Augmentation]>> {
  const [, h, w, channels] = x.shape;
  const rgb = channels === 3;
  return [
    ['flipLeftRight', flipLeftRight()],
    ['flipUpDown', flipUpDown()],
    ['randomCrop padding 4', randomCrop({ size: [h, w], padding: Math.max(1, Math.round(h / 7)) })],
    ['randomResizedCrop', randomResizedCrop({ size: [h, w] })],
    ['colorJitter', colorJitter(rgb ? { brightness: 0.4, contrast: 0.4, saturation: 0.4, hue: 0.1 } : { brightness: 0.4, contrast: 0.4 })],
    ...(rgb ? [['pcaColor', pcaColor({ std: 0.5, basis: await fitPcaColor(x) })] as [string, Augmentation]] : []),
    ['randomAffine', randomAffine({ degrees: 20, translate: [0.1, 0.1], scale: [0.8, 1.2], shear: 10 })],
    ['lensDistortion', lensDistortion({ k: [-0.3, 0.3] })],
    ['cutout', cutout({ size: Math.round(h / 2) })],
    ['mixup', mixup({ alpha: 1, numClasses: classes })],
    ['cutmix', cutmix({ alpha: 1, numClasses: classes })],
    ['randAugment n 2 m 9', randAugment({ n: 2, m: 9 })],
  ];
}

async function loadImages(dataset: string, count: number): Promise<{ x: tf.Tensor4D; y: tf.Tensor1D; classes: number }> {
  if (dataset === 'fashion-mnist') {
    const d = await fashionMnist({ split: 'train', limit: count });
    return { x: tf.tensor4d(d.x, [d.size, 28, 28, 1]), y: tf.tensor1d(d.y as Int32Array, 'int32'), classes: 10 };
  }
  const folder = imageFolder(dataset, { size: [64, 64], batchSize: count });
  for await (const b of folder) return { x: b.x, y: b.y, classes: Math.max(2, folder.classNames.length) };
  throw new InvalidArgumentError('--dataset', dataset, 'fashion-mnist or a folder of class folders of images');
}

/** Rows of images (NHWC in [0, 1]) as one RGB PNG: cells `scale`× enlarged, 2 px gaps. */
export function gridPng(rows: Float32Array[], n: number, h: number, w: number, channels: number, scale: number): Buffer {
  const gap = 2;
  const png = new PNG({ width: n * (w * scale + gap) + gap, height: rows.length * (h * scale + gap) + gap });
  png.data.fill(255);
  rows.forEach((pixels, r) => {
    for (let i = 0; i < n; i++)
      for (let y = 0; y < h * scale; y++)
        for (let x = 0; x < w * scale; x++) {
          const src = ((i * h + Math.floor(y / scale)) * w + Math.floor(x / scale)) * channels;
          const dst = ((gap + r * (h * scale + gap) + y) * png.width + gap + i * (w * scale + gap) + x) * 4;
          for (let c = 0; c < 3; c++) png.data[dst + c] = Math.round(255 * Math.min(1, Math.max(0, pixels[src + (channels === 3 ? c : 0)])));
          png.data[dst + 3] = 255;
        }
  });
  return PNG.sync.write(png);
}

/** Runs the command; returns the exit status. */
export async function augmentPreviewCommand(args: string[], log: (s: string) => void): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { dataset: { type: 'string' }, out: { type: 'string' }, count: { type: 'string' }, seed: { type: 'string' }, scale: { type: 'string' } },
  });
  const o = { ...DEFAULTS, ...Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)) };
  const count = checkNumber('--count', Number(o.count), { min: 1, max: 64, integer: true });
  const seed = checkNumber('--seed', Number(o.seed), { integer: true });
  const scale = checkNumber('--scale', Number(o.scale), { min: 1, max: 8, integer: true });
  await useBestBackend();
  const { x, y, classes } = await loadImages(o.dataset, count);
  const [n, h, w, channels] = x.shape;
  const augs = await previewAugmentations(x, classes);
  const rows: Float32Array[] = [x.dataSync() as Float32Array];
  const names = ['original'];
  const rng = new Rng(seed);
  for (const [name, aug] of augs) {
    const out = aug({ x, y }, rng);
    rows.push(out.x.dataSync() as Float32Array);
    names.push(name);
    if (out.x !== x) out.x.dispose();
    if (out.y !== y) out.y.dispose();
  }
  tf.dispose([x, y]);
  await mkdir(o.out, { recursive: true });
  const file = join(o.out, 'augment-preview.png');
  await writeFileAtomic(file, gridPng(rows, n, h, w, channels, scale));
  await writeFileAtomic(join(o.out, 'augment-preview.json'), JSON.stringify({ rows: names, images: n, cell: [h * scale, w * scale] }, null, 2));
  log(`${file}: ${names.length} rows (${names.join(', ')}) × ${n} images`);
  return 0;
}
