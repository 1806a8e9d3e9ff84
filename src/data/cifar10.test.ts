import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TrainkitError } from '../errors.js';
import { CIFAR10_URL, cifar10, parseCifar10, readCifar10 } from './cifar10.js';

/** Record i: label (i mod 10); red plane = 10·i + 1, green = 10·i + 2, blue = 10·i + 3, except pixel (row 1, col 2) = 255 in green. */
function records(n: number, first = 0): Buffer {
  const b = Buffer.alloc(n * 3073);
  for (let k = 0; k < n; k++) {
    const i = first + k;
    const r = k * 3073;
    b[r] = i % 10;
    for (let c = 0; c < 3; c++) b.fill(10 * i + c + 1, r + 1 + c * 1024, r + 1 + (c + 1) * 1024);
    b[r + 1 + 1024 + 1 * 32 + 2] = 255;
  }
  return b;
}

test('parseCifar10 turns CHW planes into HWC pixels in [0, 1] with the label byte as class', () => {
  const ds = parseCifar10(records(3));
  assert.equal(ds.size, 3);
  assert.deepEqual(ds.xShape, [32, 32, 3]);
  assert.deepEqual([...ds.y], [0, 1, 2]);
  const at = (i: number, h: number, w: number, c: number): number => ds.x[((i * 32 + h) * 32 + w) * 3 + c] * 255;
  assert.ok(Math.abs(at(2, 0, 0, 0) - 21) < 1e-4);
  assert.ok(Math.abs(at(2, 31, 31, 2) - 23) < 1e-4);
  assert.ok(Math.abs(at(1, 1, 2, 1) - 255) < 1e-4, 'the marked green pixel lands at row 1, column 2');
  assert.ok(Math.abs(at(1, 2, 1, 1) - 12) < 1e-4);
  assert.equal(ds.classNames?.[3], 'cat');
});

test('parseCifar10 rejects a partial record and a label above 9, naming the source', () => {
  assert.throws(() => parseCifar10(records(2).subarray(0, 5000), 'x.bin'), /x\.bin: 5000 bytes is not a whole number of 3073-byte/);
  const bad = records(1);
  bad[0] = 10;
  assert.throws(() => parseCifar10(bad, 'y.bin'), /y\.bin: record 0 has label 10/);
});

test('cifar10 finds the split in a cifar-10-batches-bin folder, reads the batches in order and honours limit', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'trainkit-cifar-'));
  try {
    const bin = join(dir, 'cifar-10-batches-bin');
    mkdirSync(bin);
    for (let b = 1; b <= 5; b++) writeFileSync(join(bin, `data_batch_${b}.bin`), records(2, 2 * (b - 1)));
    const train = await cifar10({ split: 'train', dir, fallback: false });
    assert.equal(train.size, 10);
    assert.deepEqual([...train.y], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const some = await readCifar10([join(bin, 'data_batch_1.bin'), join(bin, 'data_batch_2.bin')], 3);
    assert.equal(some.size, 3);
    await assert.rejects(cifar10({ split: 'test', dir, fallback: false }), (e: unknown) => {
      assert.ok(e instanceof TrainkitError);
      assert.ok(e.message.includes(`  - ${bin}\n`));
      assert.ok(e.message.includes(CIFAR10_URL));
      return true;
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
