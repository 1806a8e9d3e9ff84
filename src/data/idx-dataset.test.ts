import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { TrainkitError } from '../errors.js';
import { ChecksumError } from './download.js';
import { FASHION_MNIST, fashionMnist } from './fashion-mnist.js';
import { loadIdxDataset, type IdxDatasetSpec } from './idx-dataset.js';
import { mnist } from './mnist.js';

/** A tiny IDX pair: n 2×3 images with pixel value 51·(i mod 6) at every position, labels i mod 3. */
function tinyFiles(n: number): { images: Buffer; labels: Buffer } {
  const images = Buffer.alloc(16 + n * 6);
  images.writeUInt32BE(0x00000803, 0);
  images.writeUInt32BE(n, 4);
  images.writeUInt32BE(2, 8);
  images.writeUInt32BE(3, 12);
  for (let i = 0; i < n; i++) images.fill(51 * (i % 6), 16 + i * 6, 16 + (i + 1) * 6);
  const labels = Buffer.alloc(8 + n);
  labels.writeUInt32BE(0x00000801, 0);
  labels.writeUInt32BE(n, 4);
  for (let i = 0; i < n; i++) labels[8 + i] = i % 3;
  return { images: gzipSync(images), labels: gzipSync(labels) };
}

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

function spec(files: { images: Buffer; labels: Buffer }, mirror: string): IdxDatasetSpec {
  const pair = {
    images: { file: 'tiny-images-idx3-ubyte.gz', sha256: sha(files.images) },
    labels: { file: 'tiny-labels-idx1-ubyte.gz', sha256: sha(files.labels) },
  };
  return { name: 'tiny-test-set', title: 'Tiny', splits: { train: pair, test: pair }, mirrors: [mirror], imageShape: [2, 3], classNames: ['a', 'b', 'c'] };
}

/** Serves `routes` (path → bytes) on 127.0.0.1; '/cut/…' sends half of the file then drops the connection. */
async function serve(routes: Record<string, Buffer>): Promise<{ base: string; server: Server; hits: string[] }> {
  const hits: string[] = [];
  const server = createServer((req, res) => {
    const url = req.url ?? '';
    hits.push(url);
    const body = routes[url.replace(/^\/(cut|ok)/, '')];
    if (body === undefined) {
      res.writeHead(404).end('not here');
      return;
    }
    res.writeHead(200, { 'content-length': body.length });
    if (url.startsWith('/cut')) {
      res.write(body.subarray(0, body.length >> 1));
      setTimeout(() => res.destroy(), 20);
    } else res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, hits };
}

async function withEnv(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'trainkit-idx-'));
  const saved = process.env.TRAINKIT_DATA;
  delete process.env.TRAINKIT_DATA;
  try {
    await fn(dir);
  } finally {
    if (saved !== undefined) process.env.TRAINKIT_DATA = saved;
    rmSync(dir, { recursive: true, force: true });
  }
}

test('loadIdxDataset downloads missing files into the cache, verifies them, and loads from the cache next time', async () => {
  const files = tinyFiles(7);
  const { base, server, hits } = await serve({ '/tiny-images-idx3-ubyte.gz': files.images, '/tiny-labels-idx1-ubyte.gz': files.labels });
  try {
    await withEnv(async (dir) => {
      const cacheDir = join(dir, 'cache');
      const s = spec(files, `${base}/ok/`);
      const ds = await loadIdxDataset(s, { split: 'train', cacheDir });
      assert.equal(ds.size, 7);
      assert.deepEqual(ds.xShape, [2, 3, 1]);
      assert.deepEqual([...ds.y], [0, 1, 2, 0, 1, 2, 0]);
      assert.ok(Math.abs(ds.x[6 * 2] - 0.4) < 1e-7);
      assert.deepEqual(ds.classNames, ['a', 'b', 'c']);
      assert.deepEqual(readdirSync(cacheDir).sort(), ['tiny-images-idx3-ubyte.gz', 'tiny-labels-idx1-ubyte.gz']);
      assert.equal(hits.length, 2);
      const flat = await loadIdxDataset(s, { split: 'test', cacheDir, layout: 'flat', limit: 3 });
      assert.deepEqual(flat.xShape, [6]);
      assert.equal(flat.size, 3);
      assert.equal(hits.length, 2, 'the second load reads the cache, no new request');
    });
  } finally {
    server.close();
  }
});

test('a checksum mismatch deletes the download and names both hashes', async () => {
  const files = tinyFiles(4);
  const other = tinyFiles(5);
  const { base, server } = await serve({ '/tiny-images-idx3-ubyte.gz': other.images, '/tiny-labels-idx1-ubyte.gz': files.labels });
  try {
    await withEnv(async (dir) => {
      const cacheDir = join(dir, 'cache');
      await assert.rejects(loadIdxDataset(spec(files, `${base}/ok/`), { split: 'train', cacheDir }), (e: unknown) => {
        assert.ok(e instanceof ChecksumError);
        assert.ok(e.message.includes(sha(files.images)), 'names the expected hash');
        assert.ok(e.message.includes(sha(other.images)), 'names the hash received');
        return true;
      });
      assert.deepEqual(existsSync(cacheDir) ? readdirSync(cacheDir) : [], []);
    });
  } finally {
    server.close();
  }
});

test('a download cut off midway leaves nothing in the cache', async () => {
  const files = tinyFiles(4);
  const { base, server } = await serve({ '/tiny-images-idx3-ubyte.gz': files.images, '/tiny-labels-idx1-ubyte.gz': files.labels });
  try {
    await withEnv(async (dir) => {
      const cacheDir = join(dir, 'cache');
      await assert.rejects(loadIdxDataset(spec(files, `${base}/cut/`), { split: 'train', cacheDir }), /download interrupted/);
      assert.deepEqual(existsSync(cacheDir) ? readdirSync(cacheDir) : [], []);
    });
  } finally {
    server.close();
  }
});

test('when nothing is found and the download fails, the error lists every place looked and every URL tried', async () => {
  const files = tinyFiles(4);
  const { base, server } = await serve({});
  try {
    await withEnv(async (dir) => {
      const cacheDir = join(dir, 'cache');
      const mine = join(dir, 'mine');
      await assert.rejects(loadIdxDataset(spec(files, `${base}/ok/`), { split: 'test', dir: mine, cacheDir }), (e: unknown) => {
        assert.ok(e instanceof TrainkitError);
        assert.match(e.message, /Tiny \(test split\) not found: looked for tiny-images-idx3-ubyte\[\.gz\]/);
        assert.ok(e.message.includes(`  - ${mine}\n`));
        assert.ok(e.message.includes(`  - ${cacheDir}\n`));
        assert.ok(e.message.includes(`${base}/ok/tiny-images-idx3-ubyte.gz`));
        assert.match(e.message, /HTTP 404/);
        return true;
      });
    });
  } finally {
    server.close();
  }
});

test('the first folder holding both files wins, plain or gzip', async () => {
  await withEnv(async (dir) => {
    const files = tinyFiles(5);
    writeFileSync(join(dir, 'tiny-images-idx3-ubyte.gz'), files.images);
    writeFileSync(join(dir, 'tiny-labels-idx1-ubyte.gz'), files.labels);
    const ds = await loadIdxDataset(spec(files, 'http://127.0.0.1:9/'), { split: 'train', dir, fallback: false });
    assert.equal(ds.size, 5);
    await assert.rejects(loadIdxDataset(spec(files, 'http://127.0.0.1:9/'), { split: 'train', layout: 'nchw' as never, dir }), /Invalid layout: "nchw"/);
  });
});

test('mnist, with downloading off and no files anywhere, says where it looked', async () => {
  await withEnv(async (dir) => {
    await assert.rejects(mnist({ split: 'test', cacheDir: join(dir, 'cache'), download: false }), (e: unknown) => {
      assert.ok(e instanceof TrainkitError);
      assert.match(e.message, /MNIST \(test split\) not found/);
      assert.ok(e.message.includes(join(dir, 'cache')));
      assert.match(e.message, /download: false/);
      return true;
    });
  });
});

const skip = !existsSync(`${FASHION_MNIST.systemDir}/t10k-labels-idx1-ubyte.gz`) && 'dataset-fashion-mnist not installed';
test('fashionMnist loads the real test split as an image-layout ArrayDataset with class names', { skip }, async () => {
  const ds = await fashionMnist({ split: 'test', limit: 500, download: false });
  assert.equal(ds.size, 500);
  assert.deepEqual(ds.xShape, [28, 28, 1]);
  assert.deepEqual(ds.yShape, []);
  assert.equal(ds.numClasses, 10);
  assert.equal(ds.classNames?.[9], 'Ankle boot');
  assert.equal(ds.x.length, 500 * 784);
});
