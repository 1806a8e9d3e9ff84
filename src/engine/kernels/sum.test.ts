import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { assertMatchesCpu, randomInputs } from './oracle.fixture.js';
import { leadingAxesCount } from './sum.js';

const cases: { label: string; x: number[]; axes: number[]; keepDims?: boolean }[] = [
  { label: 'a conv bias gradient [n, h, w, c] over [0, 1, 2] (SIMD halving)', x: [8, 12, 12, 16], axes: [0, 1, 2] },
  { label: 'an odd number of rows, halving keeps the middle row', x: [7, 3, 5, 8], axes: [0, 1, 2] },
  { label: 'axes given out of order and negative', x: [6, 5, 12], axes: [1, -3] },
  { label: 'rows not a whole number of SIMD lanes (sequential route)', x: [9, 5, 3], axes: [0] },
  { label: 'keepDims', x: [4, 6, 8], axes: [0, 1], keepDims: true },
  { label: 'one row', x: [1, 16], axes: [0] },
  { label: 'innermost axes (the shipped kernel)', x: [4, 6, 8], axes: [1, 2] },
  { label: 'every axis (the shipped kernel)', x: [4, 6, 8], axes: [0, 1, 2] },
];

for (const c of cases) {
  test(`Sum on wasm matches cpu: ${c.label}`, async () => {
    const inputs = randomInputs(51, { x: c.x });
    await assertMatchesCpu(c.label, inputs, ({ x }) => tf.sum(x, c.axes, c.keepDims ?? false));
  });
}

test('Sum on wasm: a long column sum stays close to the exact sum (pairwise rounding)', async () => {
  // 2^16 rows of 0.1: sequential float32 summation drifts by ~1e-3 relative; pairwise stays ~1e-7.
  const rows = 1 << 16;
  const inputs = { x: { shape: [rows, 4], values: new Float32Array(rows * 4).fill(0.1) } };
  await assertMatchesCpu('long column', inputs, ({ x }) => tf.sum(x, 0));
});

test('leadingAxesCount recognises exactly a leading block of axes', () => {
  assert.equal(leadingAxesCount([0, 1, 2], 4), 3);
  assert.equal(leadingAxesCount([2, 0, 1], 4), 3);
  assert.equal(leadingAxesCount([0], 2), 1);
  assert.equal(leadingAxesCount([1, 2], 3), 0);
  assert.equal(leadingAxesCount([0, 2], 3), 0);
  assert.equal(leadingAxesCount([0, 1], 2), 0, 'every axis: not a leading block with columns left');
  assert.equal(leadingAxesCount([], 2), 0);
});
