import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { InvalidArgumentError, TrainkitError } from '../errors.js';
import { epochOrder } from './dataset.js';
import { imageFolder, type ImageBatch, type ImageFolder } from './image-folder.js';
import { isBatchSource, isBatchStream, type StreamRequest } from './stream.js';

await tf.setBackend('cpu');

type Rgba = (x: number, y: number) => [number, number, number, number];

/** Writes a w × h 8-bit PNG; `colorType` 0 (gray, from the red value), 2 (RGB) or 6 (RGBA). */
function writePng(path: string, w: number, h: number, pixel: Rgba, colorType: 0 | 2 | 6 = 2): void {
  const png = new PNG({ width: w, height: h });
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) png.data.set(pixel(x, y), 4 * (y * w + x));
  writeFileSync(path, PNG.sync.write(png, { colorType }));
}

function writeJpeg(path: string, w: number, h: number, pixel: Rgba, quality = 100): void {
  const data = Buffer.alloc(4 * w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data.set(pixel(x, y), 4 * (y * w + x));
  writeFileSync(path, jpeg.encode({ width: w, height: h, data }, quality).data);
}

/** A folder per class; image j of class c is a 4×3 RGB PNG whose pixel (x, y) is (40c + j, 10x, 20y). */
function makeFolder(classes: Record<string, number>): string {
  const dir = mkdtempSync(join(tmpdir(), 'trainkit-images-'));
  Object.entries(classes).forEach(([name, count], c) => {
    mkdirSync(join(dir, name));
    for (let j = 0; j < count; j++) writePng(join(dir, name, `img${j}.png`), 4, 3, (x, y) => [40 * c + j, 10 * x, 20 * y, 255]);
  });
  return dir;
}

const request = (r: Partial<StreamRequest> = {}): StreamRequest => ({
  batchSize: 3,
  epoch: 0,
  seed: 0,
  shuffle: true,
  startBatch: 0,
  dropRemainder: false,
  ...r,
});

/** Every batch of a stream as host data (indices, labels, pixels), disposing the tensors. */
async function collect(stream: AsyncIterable<ImageBatch>): Promise<{ indices: number[]; labels: number[]; x: number[]; shapes: number[][] }> {
  const out = { indices: [] as number[], labels: [] as number[], x: [] as number[], shapes: [] as number[][] };
  for await (const b of stream) {
    out.indices.push(...b.indices);
    out.labels.push(...(b.y.dataSync() as Int32Array));
    out.x.push(...(b.x.dataSync() as Float32Array));
    out.shapes.push(b.x.shape);
    assert.equal(b.y.dtype, 'int32');
    tf.dispose([b.x, b.y]);
  }
  return out;
}

const withFolder = async (dir: string, body: (dir: string) => Promise<void>): Promise<void> => {
  try {
    await body(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

test('imageFolder lists classes sorted by folder name (code-unit order, as Python sorts) with their images in file order', async () => {
  const dir = makeFolder({ dog: 2, Zebra: 1, cat: 3 });
  await withFolder(dir, async () => {
    mkdirSync(join(dir, 'cat', 'more'));
    writePng(join(dir, 'cat', 'more', 'a.PNG'), 4, 3, () => [1, 2, 3, 255]); // nested and upper-case extension: included
    writeFileSync(join(dir, 'cat', 'notes.txt'), 'not an image'); // skipped
    const f = imageFolder(dir, { size: [3, 4] });
    assert.deepEqual(f.classNames, ['Zebra', 'cat', 'dog']);
    assert.equal(f.numClasses, 3);
    assert.equal(f.size, 7);
    assert.deepEqual(f.imageShape, [3, 4, 3]);
    assert.deepEqual([...f.labels], [0, 1, 1, 1, 1, 2, 2]);
    const rel = f.files.map((p) => p.slice(dir.length + 1));
    assert.deepEqual(rel, ['Zebra/img0.png', 'cat/img0.png', 'cat/img1.png', 'cat/img2.png', 'cat/more/a.PNG', 'dog/img0.png', 'dog/img1.png']);
  });
});

test('imageFolder decodes PNG pixels exactly to value / 255 in NHWC float32, with the class index as label', async () => {
  await withFolder(makeFolder({ a: 2, b: 1 }), async (dir) => {
    const f = imageFolder(dir, { size: [3, 4] });
    const all = await collect(f.stream(request({ shuffle: false, batchSize: 2 })));
    assert.deepEqual(all.shapes, [[2, 3, 4, 3], [1, 3, 4, 3]]);
    assert.deepEqual(all.labels, [0, 0, 1]);
    // The files are a/img0, a/img1, b/img0 (written by makeFolder as class index 0, 0, 1 with j = 0, 1, 0).
    const want: number[] = [];
    for (const [c, j] of [[0, 0], [0, 1], [1, 0]])
      for (let y = 0; y < 3; y++) for (let x = 0; x < 4; x++) want.push(...[40 * c + j, 10 * x, 20 * y].map((v) => Math.fround(v / 255)));
    assert.deepEqual(all.x, want);
  });
});

test('grayscale files repeat their gray in 3 channels; channels: 1 gives 0.299 R + 0.587 G + 0.114 B; alpha is dropped', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'trainkit-images-'));
  await withFolder(dir, async () => {
    mkdirSync(join(dir, 'k'));
    writePng(join(dir, 'k', '0-gray.png'), 2, 1, (x) => [100 + x, 100 + x, 100 + x, 255], 0);
    writePng(join(dir, 'k', '1-rgba.png'), 2, 1, (x) => [200, 50 * x, 30, x === 0 ? 0 : 128], 6);
    const rgb = await collect(imageFolder(dir, { size: [1, 2] }).stream(request({ shuffle: false })));
    const f = (v: number): number => Math.fround(v / 255);
    assert.deepEqual(rgb.x, [f(100), f(100), f(100), f(101), f(101), f(101), f(200), f(0), f(30), f(200), f(50), f(30)]);
    const gray = await collect(imageFolder(dir, { size: [1, 2], channels: 1 }).stream(request({ shuffle: false })));
    const luma = (r: number, g: number, b: number): number => Math.fround((0.299 * r + 0.587 * g + 0.114 * b) / 255);
    assert.deepEqual(gray.shapes, [[2, 1, 2, 1]]);
    assert.deepEqual(gray.x, [luma(100, 100, 100), luma(101, 101, 101), luma(200, 0, 30), luma(200, 50, 30)]);
  });
});

test('JPEG files decode close to the encoded pixels (quality 100: within 3/255 on a smooth image)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'trainkit-images-'));
  await withFolder(dir, async () => {
    mkdirSync(join(dir, 'j'));
    const pixel: Rgba = (x, y) => [16 * x + 8, 16 * y + 8, 128, 255];
    writeJpeg(join(dir, 'j', 'a.jpg'), 16, 16, pixel);
    writeJpeg(join(dir, 'j', 'b.jpeg'), 16, 16, (x, y) => [255 - 16 * x - 8, 64, 16 * y + 8, 255]);
    const f = imageFolder(dir, { size: [16, 16] });
    const got = await collect(f.stream(request({ shuffle: false, batchSize: 2 })));
    let worst = 0;
    for (let y = 0; y < 16; y++)
      for (let x = 0; x < 16; x++)
        for (let c = 0; c < 3; c++) worst = Math.max(worst, Math.abs(got.x[(y * 16 + x) * 3 + c] * 255 - pixel(x, y)[c]));
    // Quantisation at quality 100 (all table entries 1) and YCbCr rounding leave a few levels at most.
    assert.ok(worst <= 3, `max error ${worst} levels`);
    assert.ok(got.x[16 * 16 * 3] > 0.9, 'the second file (b.jpeg) starts bright red');
  });
});

test('images are resized to size with the antialiased bilinear filter: two stripes halved give 1/7 and 6/7', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'trainkit-images-'));
  await withFolder(dir, async () => {
    mkdirSync(join(dir, 's'));
    // 4×4 gray: columns 0, 0, 255, 255; and a 1×1 image enlarged to 2×2 (every pixel the same).
    writePng(join(dir, 's', 'a.png'), 4, 4, (x) => (x >= 2 ? [255, 255, 255, 255] : [0, 0, 0, 255]), 0);
    writePng(join(dir, 's', 'b.png'), 1, 1, () => [51, 51, 51, 255], 0);
    const got = await collect(imageFolder(dir, { size: [2, 2], channels: 1 }).stream(request({ shuffle: false })));
    const want = [1 / 7, 6 / 7, 1 / 7, 6 / 7, 0.2, 0.2, 0.2, 0.2];
    want.forEach((w, i) => assert.ok(Math.abs(got.x[i] - w) < 1e-6, `value ${i}: ${got.x[i]} vs ${w}`));
  });
});

test('the same (seed, epoch) gives the same order, the order of epochOrder; another epoch or seed another order', async () => {
  await withFolder(makeFolder({ a: 5, b: 4, c: 3 }), async (dir) => {
    const f = imageFolder(dir, { size: [3, 4] });
    const first = await collect(f.stream(request({ seed: 7, epoch: 2 })));
    const again = await collect(f.stream(request({ seed: 7, epoch: 2 })));
    assert.deepEqual(again, first);
    assert.deepEqual(first.indices, [...epochOrder(12, { seed: 7, epoch: 2 })]);
    assert.deepEqual(first.labels, first.indices.map((i) => f.labels[i]));
    const other = await collect(f.stream(request({ seed: 7, epoch: 3 })));
    assert.notDeepEqual(other.indices, first.indices);
    assert.deepEqual([...other.indices].sort((a, b) => a - b), Array.from({ length: 12 }, (_, i) => i));
    assert.notDeepEqual((await collect(f.stream(request({ seed: 8, epoch: 2 })))).indices, first.indices);
  });
});

test('startBatch skips whole batches of the same order, and dropRemainder drops the short last batch', async () => {
  await withFolder(makeFolder({ a: 6, b: 5 }), async (dir) => {
    const f = imageFolder(dir, { size: [3, 4] });
    const full = await collect(f.stream(request({ seed: 3, batchSize: 4 })));
    const tail = await collect(f.stream(request({ seed: 3, batchSize: 4, startBatch: 1 })));
    assert.deepEqual(tail.indices, full.indices.slice(4));
    assert.deepEqual(tail.x, full.x.slice(4 * 36));
    assert.deepEqual((await collect(f.stream(request({ seed: 3, batchSize: 4, startBatch: 3 })))).indices, []);
    const dropped = await collect(f.stream(request({ seed: 3, batchSize: 4, dropRemainder: true })));
    assert.deepEqual(dropped.shapes.map((s) => s[0]), [4, 4]);
    assert.deepEqual(dropped.indices, full.indices.slice(0, 8));
  });
});

test('for await over the folder itself gives epoch 0 unshuffled in batches of batchSize', async () => {
  await withFolder(makeFolder({ a: 3, b: 2 }), async (dir) => {
    const f: ImageFolder = imageFolder(dir, { size: [3, 4], batchSize: 2 });
    assert.ok(isBatchSource(f) && isBatchStream(f));
    const got = await collect(f);
    assert.deepEqual(got.indices, [0, 1, 2, 3, 4]);
    assert.deepEqual(got.shapes.map((s) => s[0]), [2, 2, 1]);
    assert.deepEqual(got.labels, [0, 0, 0, 1, 1]);
  });
});

test('reading is lazy: a file removed after listing fails only its own batch, and the error names the file', async () => {
  await withFolder(makeFolder({ a: 4, b: 2 }), async (dir) => {
    const f = imageFolder(dir, { size: [3, 4], readAhead: 2 });
    unlinkSync(join(dir, 'b', 'img1.png')); // index 5, in the last batch of 2
    const seen: number[] = [];
    await assert.rejects(
      (async () => {
        for await (const b of f.stream(request({ shuffle: false, batchSize: 2 }))) {
          seen.push(...b.indices);
          tf.dispose([b.x, b.y]);
        }
      })(),
      (e: unknown) => e instanceof TrainkitError && e.message.includes(join(dir, 'b', 'img1.png')) && /cannot read image/.test(e.message),
    );
    assert.deepEqual(seen, [0, 1, 2, 3]);
  });
});

test('an undecodable file rejects its batch with a TrainkitError naming the file', async () => {
  await withFolder(makeFolder({ a: 1 }), async (dir) => {
    writeFileSync(join(dir, 'a', 'broken.png'), 'this is not a PNG');
    writeFileSync(join(dir, 'a', 'cut.jpg'), Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16]));
    const f = imageFolder(dir, { size: [3, 4] });
    await assert.rejects(collect(f.stream(request({ shuffle: false, batchSize: 1 }))), (e: unknown) => {
      assert.ok(e instanceof TrainkitError);
      assert.match(e.message, new RegExp(`cannot decode image ${join(dir, 'a', 'broken.png').replace(/[.]/g, '\\.')}: not a PNG or JPEG`));
      return true;
    });
    await assert.rejects(collect(f.stream(request({ shuffle: false, batchSize: 1, startBatch: 1 }))), /cannot decode image .*cut\.jpg: /);
  });
});

test('bad folders and options throw InvalidArgumentError naming the value and what would be valid', async () => {
  const empty = mkdtempSync(join(tmpdir(), 'trainkit-images-'));
  await withFolder(empty, async () => {
    const bad = (f: () => unknown, re: RegExp): void => assert.throws(f, (e: unknown) => e instanceof InvalidArgumentError && re.test(e.message));
    bad(() => imageFolder(join(empty, 'missing'), { size: [2, 2] }), /Invalid dir: ".*missing" \(expected an existing folder/);
    bad(() => imageFolder(empty, { size: [2, 2] }), /Invalid dir: .* \(expected a folder with one sub-folder of images per class \(it has no sub-folders\)\)/);
    mkdirSync(join(empty, 'cats'));
    mkdirSync(join(empty, 'dogs'));
    writePng(join(empty, 'dogs', 'd.png'), 1, 1, () => [0, 0, 0, 255]);
    writeFileSync(join(empty, 'cats', 'readme.txt'), '');
    bad(() => imageFolder(empty, { size: [2, 2] }), /every class folder; none in "cats"/);
    rmSync(join(empty, 'cats'), { recursive: true });
    bad(() => imageFolder(empty, { size: [0, 2] }), /Invalid size: \[0,2\] \(expected \[height, width\]: two integers >= 1\)/);
    bad(() => imageFolder(empty, { size: [2] as never }), /Invalid size: \[2\]/);
    bad(() => imageFolder(empty, { size: [2, 2.5] }), /Invalid size: \[2,2\.5\]/);
    bad(() => imageFolder(empty, { size: [2, 2], channels: 4 as never }), /Invalid channels: 4 \(expected 1 or 3\)/);
    bad(() => imageFolder(empty, { size: [2, 2], readAhead: -1 }), /Invalid readAhead: -1/);
    const f = imageFolder(empty, { size: [2, 2] });
    bad(() => f.stream(request({ batchSize: 0 })), /Invalid batchSize: 0/);
    bad(() => f.stream(request({ startBatch: -1 })), /Invalid startBatch: -1/);
    bad(() => f.stream(request({ seed: 0.5 })), /Invalid seed: 0\.5/);
  });
});

test('a folder stream leaks no tensors, whether read to the end or stopped early with batches read ahead', async () => {
  await withFolder(makeFolder({ a: 6, b: 6 }), async (dir) => {
    const f = imageFolder(dir, { size: [6, 5], readAhead: 3 });
    const before = tf.memory().numTensors;
    await collect(f.stream(request({ batchSize: 2, seed: 1 })));
    for await (const b of f.stream(request({ batchSize: 2, seed: 2 }))) {
      tf.dispose([b.x, b.y]);
      break;
    }
    await new Promise((r) => setTimeout(r, 20)); // let the abandoned read-ahead settle
    assert.equal(tf.memory().numTensors, before);
  });
});
