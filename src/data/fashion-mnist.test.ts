import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { TrainkitError } from '../errors.js';
import { fashionMnistPlaces, loadFashionMnist } from './fashion-mnist.js';

/** Writes a tiny fake split: n images whose pixels all equal 51·(i mod 6), labels i mod 10. */
function writeFake(dir: string, prefix: 'train' | 't10k', n: number, gz: boolean): void {
  const images = Buffer.alloc(16 + n * 784);
  images.writeUInt32BE(0x00000803, 0);
  images.writeUInt32BE(n, 4);
  images.writeUInt32BE(28, 8);
  images.writeUInt32BE(28, 12);
  for (let i = 0; i < n; i++) images.fill(51 * (i % 6), 16 + i * 784, 16 + (i + 1) * 784);
  const labels = Buffer.alloc(8 + n);
  labels.writeUInt32BE(0x00000801, 0);
  labels.writeUInt32BE(n, 4);
  for (let i = 0; i < n; i++) labels[8 + i] = i % 10;
  const ext = gz ? '.gz' : '';
  writeFileSync(join(dir, `${prefix}-images-idx3-ubyte${ext}`), gz ? gzipSync(images) : images);
  writeFileSync(join(dir, `${prefix}-labels-idx1-ubyte${ext}`), gz ? gzipSync(labels) : labels);
}

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'trainkit-fmnist-'));
  try {
    await fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('loadFashionMnist scales pixels to [0, 1], returns Int32 labels and honours limit', async () => {
  await withDir(async (dir) => {
    writeFake(dir, 't10k', 12, false);
    const { images, labels, n } = await loadFashionMnist({ split: 'test', dir, fallback: false });
    assert.equal(n, 12);
    assert.equal(images.length, 12 * 784);
    assert.ok(labels instanceof Int32Array);
    assert.deepEqual([...labels], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]);
    assert.ok(Math.abs(images[784 * 2] - 0.4) < 1e-7);
    assert.equal(images[784 * 5 + 783], 1);
    const few = await loadFashionMnist({ split: 'test', dir, fallback: false, limit: 3 });
    assert.equal(few.n, 3);
    assert.equal(few.images.length, 3 * 784);
  });
});

test('loadFashionMnist finds a split in $TRAINKIT_DATA/fashion-mnist before the system folder', async () => {
  await withDir(async (dir) => {
    mkdirSync(join(dir, 'fashion-mnist'));
    writeFake(join(dir, 'fashion-mnist'), 'train', 7, true);
    const saved = process.env.TRAINKIT_DATA;
    process.env.TRAINKIT_DATA = dir;
    try {
      const { n } = await loadFashionMnist({ split: 'train' });
      assert.equal(n, 7);
      assert.deepEqual(fashionMnistPlaces().slice(0, 2), [join(dir, 'fashion-mnist'), dir]);
    } finally {
      if (saved === undefined) delete process.env.TRAINKIT_DATA;
      else process.env.TRAINKIT_DATA = saved;
    }
  });
});

test('loadFashionMnist, when the files are missing, lists every place it looked', async () => {
  await withDir(async (dir) => {
    await assert.rejects(loadFashionMnist({ split: 'test', dir, fallback: false }), (e: unknown) => {
      assert.ok(e instanceof TrainkitError);
      assert.match(e.message, /Fashion-MNIST \(test split\) not found: looked for t10k-images-idx3-ubyte\[\.gz\]/);
      assert.ok(e.message.includes(`  - ${dir}\n`));
      return true;
    });
    const places = fashionMnistPlaces(dir);
    assert.equal(places[0], dir);
    assert.ok(places.includes('/usr/share/datasets/fashion-mnist'));
    assert.ok(places.some((p) => p.endsWith(join('.cache', 'trainkit', 'fashion-mnist'))));
  });
});

test('loadFashionMnist refuses a bad split or limit', async () => {
  await assert.rejects(loadFashionMnist({ split: 'validation' as never }), /Invalid split: "validation"/);
  await assert.rejects(loadFashionMnist({ split: 'test', limit: 0 }), /Invalid limit: 0/);
});

const SYSTEM = '/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz';
const skip = !existsSync(SYSTEM) && 'dataset-fashion-mnist not installed';
test('loadFashionMnist loads the real test split: 10,000 images, 1,000 per class', { skip }, async () => {
  const { images, labels, n } = await loadFashionMnist({ split: 'test', dir: '/usr/share/datasets/fashion-mnist' });
  assert.equal(n, 10000);
  assert.equal(images.length, 10000 * 784);
  const counts = new Array(10).fill(0);
  for (const y of labels) counts[y]++;
  assert.deepEqual(counts, new Array(10).fill(1000));
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of images) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  assert.deepEqual([lo, hi], [0, 1]);
});
