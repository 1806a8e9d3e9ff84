import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resizeBilinear } from './resize.js';

interface Case {
  height: number;
  width: number;
  channels: number;
  outHeight: number;
  outWidth: number;
  expected: number[];
}
const golden = JSON.parse(readFileSync(new URL('./fixtures/torch-resize.json', import.meta.url), 'utf8')) as { cases: Case[] };

/** The source image of tools/golden/resize.py. */
function source(h: number, w: number, c: number): Float32Array {
  const x = new Float32Array(h * w * c);
  for (let y = 0; y < h; y++) for (let i = 0; i < w; i++) for (let k = 0; k < c; k++) x[(y * w + i) * c + k] = ((37 * (y * w + i) + 11 * k) % 256) / 255;
  return x;
}

test('resizeBilinear matches PyTorch antialiased bilinear resizing when shrinking, enlarging and both (|error| < 1e-6)', () => {
  for (const c of golden.cases) {
    const out = resizeBilinear(source(c.height, c.width, c.channels), c.height, c.width, c.channels, c.outHeight, c.outWidth);
    assert.equal(out.length, c.expected.length);
    const worst = Math.max(...c.expected.map((e, i) => Math.abs(out[i] - e)));
    // float32 storage of the source, the intermediate and the result: ~3 roundings of values <= 1.
    assert.ok(worst < 1e-6, `${c.height}×${c.width} → ${c.outHeight}×${c.outWidth}: max error ${worst}`);
  }
});

test('resizeBilinear keeps a constant image constant, copies at the same size and writes at an offset', () => {
  const flat = new Float32Array(5 * 7 * 3).fill(0.25);
  assert.ok(resizeBilinear(flat, 5, 7, 3, 2, 3).every((v) => Math.abs(v - 0.25) < 1e-7));
  const src = source(4, 4, 1);
  const out = new Float32Array(20).fill(-1);
  resizeBilinear(src, 4, 4, 1, 4, 4, out, 2);
  assert.deepEqual([...out.subarray(2, 18)], [...src]);
  assert.deepEqual([out[0], out[1], out[18], out[19]], [-1, -1, -1, -1]);
});

test('halving two stripes weighs the edge window 3/7, 3/7, 1/7: the triangle filter widened twofold and renormalised', () => {
  // Columns 0..3 hold 0, 0, 1, 1 (constant down the rows): output column 0 has centre 1 in input
  // coordinates, window columns 0..2 at distances 0.5, 0.5, 1.5 scaled by 1/2 → weights 3/4, 3/4, 1/4
  // (column -1 lies outside), normalised by their sum 7/4. Output column 1 mirrors it.
  const src = Float32Array.from({ length: 16 }, (_, i) => (i % 4 >= 2 ? 1 : 0));
  const out = resizeBilinear(src, 4, 4, 1, 2, 2);
  const left = 0.25 / 1.75;
  for (const [i, want] of [left, 1 - left, left, 1 - left].entries()) assert.ok(Math.abs(out[i] - want) < 1e-7, `pixel ${i}: ${out[i]}`);
});
