import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../engine/rng.js';
import { orthonormalizeRows } from './orthonormalize.js';

const dot = (a: Float64Array, i: number, b: Float64Array, j: number, d: number): number => {
  let s = 0;
  for (let t = 0; t < d; t++) s += a[i * d + t] * b[j * d + t];
  return s;
};

test('orthonormalizeRows gives orthonormal rows, row j in the span of input rows 0..j (Gram–Schmidt order)', () => {
  assert.deepEqual([...orthonormalizeRows(Float64Array.of(3, 4, 0), 1, 3, new Rng(0))], [0.6, 0.8, 0]);
  const l = 6;
  const d = 40;
  const r = new Rng(1);
  // Nearly parallel rows (condition number ~1e6): one Gram–Schmidt pass would lose orthogonality.
  const base = Float64Array.from({ length: d }, () => r.normal());
  const input = Float64Array.from({ length: l * d }, (_, i) => base[i % d] + 1e-6 * r.normal());
  const q = orthonormalizeRows(Float64Array.from(input), l, d, new Rng(2));
  for (let i = 0; i < l; i++) for (let j = 0; j < l; j++) assert.ok(Math.abs(dot(q, i, q, j, d) - (i === j ? 1 : 0)) < 1e-12, `rows ${i}, ${j}`);
  // Input row j = Σ_{i <= j} (q_i · a_j) q_i: nothing of it lies along later rows.
  for (let j = 0; j < l; j++) {
    let rest = 0;
    for (let t = 0; t < d; t++) {
      let v = input[j * d + t];
      for (let i = 0; i <= j; i++) v -= dot(q, i, input, j, d) * q[i * d + t];
      rest += v * v;
    }
    assert.ok(Math.sqrt(rest) < 1e-9, `row ${j} leaves ${Math.sqrt(rest)} outside rows 0..${j}`);
  }
});

test('orthonormalizeRows replaces zero and repeated rows by random directions orthogonal to the rest, seeded', () => {
  const d = 8;
  const input = Float64Array.of(1, 2, 0, 0, 0, 0, 0, 1, /* again: */ 1, 2, 0, 0, 0, 0, 0, 1, /* zero: */ 0, 0, 0, 0, 0, 0, 0, 0);
  const q = orthonormalizeRows(Float64Array.from(input), 3, d, new Rng(3));
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) assert.ok(Math.abs(dot(q, i, q, j, d) - (i === j ? 1 : 0)) < 1e-12);
  assert.deepEqual([...orthonormalizeRows(Float64Array.from(input), 3, d, new Rng(3))], [...q]);
  assert.throws(() => orthonormalizeRows(new Float64Array(3 * 2), 3, 2, new Rng(0)), /row 2 stays dependent after 10 random draws/);
});
