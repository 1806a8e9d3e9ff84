import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { TrainkitError } from '../errors.js';
import { parseIdx, readIdx } from './idx.js';

/** An IDX file: magic 0x0000TTNN, big-endian dims, big-endian values written by `write`. */
function idx(type: number, shape: number[], bytesPer: number, write: (v: DataView, o: number, i: number) => void): Uint8Array {
  const count = shape.reduce((a, b) => a * b, 1);
  const out = new Uint8Array(4 + 4 * shape.length + count * bytesPer);
  const view = new DataView(out.buffer);
  out[2] = type;
  out[3] = shape.length;
  shape.forEach((d, i) => view.setUint32(4 + 4 * i, d));
  for (let i = 0; i < count; i++) write(view, 4 + 4 * shape.length + i * bytesPer, i);
  return out;
}

function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'trainkit-idx-'));
  return fn(dir).finally(() => rmSync(dir, { recursive: true, force: true }));
}

test('parseIdx decodes uint8 and big-endian int16, int32, float32 and float64 files', () => {
  const u8 = parseIdx(idx(0x08, [2, 3], 1, (v, o, i) => v.setUint8(o, 250 + i)));
  assert.deepEqual(u8.shape, [2, 3]);
  assert.equal(u8.dtype, 'uint8');
  assert.deepEqual([...u8.data], [250, 251, 252, 253, 254, 255]);
  const i8 = parseIdx(idx(0x09, [3], 1, (v, o, i) => v.setInt8(o, -i)));
  assert.deepEqual([i8.dtype, [...i8.data]], ['int8', [0, -1, -2]]);
  const i16 = parseIdx(idx(0x0b, [3], 2, (v, o, i) => v.setInt16(o, -300 * i)));
  assert.deepEqual([i16.dtype, [...i16.data]], ['int16', [0, -300, -600]]);
  const i32 = parseIdx(idx(0x0c, [2], 4, (v, o, i) => v.setInt32(o, -70000 * (i + 1))));
  assert.deepEqual([i32.dtype, [...i32.data]], ['int32', [-70000, -140000]]);
  const f32 = parseIdx(idx(0x0d, [2, 1], 4, (v, o, i) => v.setFloat32(o, 0.5 + i)));
  assert.ok(f32.data instanceof Float32Array);
  assert.deepEqual([...f32.data], [0.5, 1.5]);
  const f64 = parseIdx(idx(0x0e, [1], 8, (v, o) => v.setFloat64(o, Math.PI)));
  assert.ok(f64.data instanceof Float64Array);
  assert.equal(f64.data[0], Math.PI);
});

test('readIdx reads plain and gzip-compressed files alike', async () => {
  await withDir(async (dir) => {
    const bytes = idx(0x0c, [4], 4, (v, o, i) => v.setInt32(o, i * i));
    writeFileSync(join(dir, 'a.idx'), bytes);
    writeFileSync(join(dir, 'a.idx.gz'), gzipSync(bytes));
    const plain = await readIdx(join(dir, 'a.idx'));
    const gz = await readIdx(join(dir, 'a.idx.gz'));
    assert.deepEqual([...plain.data], [0, 1, 4, 9]);
    assert.deepEqual(gz, plain);
  });
});

test('readIdx refuses a bad magic number, naming the file', async () => {
  await withDir(async (dir) => {
    const path = join(dir, 'bad.idx');
    const bytes = idx(0x08, [2], 1, () => {});
    bytes[2] = 0x07;
    writeFileSync(path, bytes);
    await assert.rejects(
      readIdx(path),
      (e: unknown) => e instanceof TrainkitError && e.message.startsWith(path) && /bad magic number 0x00000701/.test(e.message),
    );
    writeFileSync(path, Buffer.from('P5\n28 28\n255\n'));
    await assert.rejects(readIdx(path), /bad magic number 0x50350a32/);
  });
});

test('readIdx refuses truncated files and files with trailing bytes', async () => {
  await withDir(async (dir) => {
    const bytes = idx(0x08, [10, 28, 28], 1, (v, o, i) => v.setUint8(o, i % 256));
    const path = join(dir, 'x.idx');
    writeFileSync(path, bytes.subarray(0, bytes.length - 1));
    await assert.rejects(readIdx(path), /x\.idx: truncated: 7839 bytes of data, expected 7840 for shape \[10, 28, 28\] of uint8/);
    writeFileSync(path, bytes.subarray(0, 10));
    await assert.rejects(readIdx(path), /truncated: 10 bytes, too short for the header of 3 dimensions/);
    writeFileSync(path, bytes.subarray(0, 2));
    await assert.rejects(readIdx(path), /truncated: 2 bytes/);
    writeFileSync(path, Buffer.concat([bytes, Buffer.from([1, 2])]));
    await assert.rejects(readIdx(path), /size mismatch: 7842 bytes of data, expected 7840 .* \(2 trailing bytes\)/);
    const gz = gzipSync(bytes);
    writeFileSync(join(dir, 'x.idx.gz'), gz.subarray(0, gz.length - 20));
    const isError = (pattern: RegExp) => (e: unknown) => e instanceof TrainkitError && pattern.test(e.message);
    await assert.rejects(readIdx(join(dir, 'x.idx.gz')), isError(/x\.idx\.gz: corrupt or truncated gzip data/));
    await assert.rejects(readIdx(join(dir, 'missing.idx')), isError(/missing\.idx: cannot read the file/));
  });
});

const REAL = '/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz';
const skip = !existsSync(REAL) && `${REAL} not installed`;
test('readIdx reads the real Fashion-MNIST test labels: 10,000, 1,000 per class', { skip }, async () => {
  const labels = await readIdx(REAL);
  assert.deepEqual(labels.shape, [10000]);
  assert.equal(labels.dtype, 'uint8');
  const counts = new Array(10).fill(0);
  for (const y of labels.data) counts[y]++;
  assert.deepEqual(counts, new Array(10).fill(1000));
});
