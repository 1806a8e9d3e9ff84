/**
 * imageFolder throughput (a benchmark, not a test): `npx tsx bench/image-folder.ts`.
 *
 * Writes 2 classes × 100 smooth 256 × 256 RGB images as PNG and as JPEG (quality 90) into a temp
 * folder, then reads one epoch of each in batches of 50, resized to 32 × 32 (a 8× shrink: the
 * triangle filter reads 17 × 17 source pixels per output pixel), and prints images per second.
 * The images are made by the same packages that decode them (pngjs, jpeg-js).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { imageFolder } from '../src/data/image-folder.js';

const SIDE = 256;
const PER_CLASS = 100;
await tf.setBackend('cpu');

function image(c: number, j: number): Buffer {
  const data = Buffer.alloc(SIDE * SIDE * 4);
  for (let y = 0; y < SIDE; y++)
    for (let x = 0; x < SIDE; x++) data.set([(x + j) & 255, (y * (c + 1)) & 255, (x ^ y) & 255, 255], 4 * (y * SIDE + x));
  return data;
}

const root = mkdtempSync(join(tmpdir(), 'trainkit-bench-images-'));
try {
  for (const format of ['png', 'jpg'] as const) {
    const dir = join(root, format);
    for (const c of [0, 1]) {
      mkdirSync(join(dir, `class${c}`), { recursive: true });
      for (let j = 0; j < PER_CLASS; j++) {
        const data = image(c, j);
        const bytes =
          format === 'png'
            ? PNG.sync.write(Object.assign(new PNG({ width: SIDE, height: SIDE }), { data }))
            : jpeg.encode({ width: SIDE, height: SIDE, data }, 90).data;
        writeFileSync(join(dir, `class${c}`, `${j}.${format}`), bytes);
      }
    }
    const folder = imageFolder(dir, { size: [32, 32] });
    const t0 = performance.now();
    for await (const b of folder.stream({ batchSize: 50, epoch: 0, seed: 1, shuffle: true, startBatch: 0, dropRemainder: false }))
      tf.dispose([b.x, b.y]);
    const s = (performance.now() - t0) / 1000;
    console.log(`${format}: ${folder.size} images of ${SIDE}×${SIDE} → 32×32 in ${s.toFixed(2)} s: ${(folder.size / s).toFixed(0)} images/s`);
  }
} finally {
  rmSync(root, { recursive: true, force: true });
}
