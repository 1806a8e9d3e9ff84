import { test } from 'node:test';
import assert from 'node:assert/strict';
import { debiasedEma } from './smoothing.js';

/** TensorBoard's smoothing as written in its source (vz_line_chart2 resmoothDataset), for comparison. */
function tensorboard(values: number[], weight: number): number[] {
  let last = values.length > 0 ? 0 : NaN;
  let numAccum = 0;
  const isConstant = values.every((v) => v === values[0]);
  return values.map((v) => {
    if (!Number.isFinite(v) || isConstant) return v;
    last = last * weight + (1 - weight) * v;
    numAccum++;
    const debias = weight === 1 ? 1 : 1 - weight ** numAccum;
    return last / debias;
  });
}

test('debiasedEma equals TensorBoard’s smoothing, non-finite values passed through', () => {
  const values = [2.3, 2.1, 2.25, 1.9, NaN, 1.7, Infinity, 1.6, 1.5, 1.55];
  const points = values.map((v, i): [number, number] => [i * 10, v]);
  for (const beta of [0, 0.3, 0.6, 0.95]) {
    const got = debiasedEma(points, beta);
    const want = tensorboard(values, beta);
    got.forEach(([s, v], i) => {
      assert.equal(s, i * 10);
      if (Number.isFinite(want[i])) assert.ok(Math.abs(v - want[i]) < 1e-12, `beta ${beta}, point ${i}: ${v} vs ${want[i]}`);
      else assert.ok(Object.is(v, want[i]), `beta ${beta}, point ${i} stays ${want[i]}`);
    });
  }
});

test('debiasedEma starts at the first value (the debiasing) and 0 means no smoothing', () => {
  const points: Array<[number, number]> = [[1, 5], [2, 1], [3, 3]];
  assert.equal(debiasedEma(points, 0.9)[0][1], 5);
  assert.deepEqual(debiasedEma(points, 0), points);
  // Second value: (0.9·0.1·5 + 0.1·1) / (1 − 0.81).
  assert.ok(Math.abs(debiasedEma(points, 0.9)[1][1] - (0.09 * 5 + 0.1) / 0.19) < 1e-12);
});

test('debiasedEma returns a constant curve unchanged and refuses a beta outside [0, 1)', () => {
  assert.deepEqual(debiasedEma([[0, 0.1], [1, 0.1], [2, 0.1]], 0.6), [[0, 0.1], [1, 0.1], [2, 0.1]]);
  assert.deepEqual(debiasedEma([], 0.6), []);
  assert.throws(() => debiasedEma([[0, 1]], 1), /beta must be in \[0, 1\), got 1/);
  assert.throws(() => debiasedEma([[0, 1]], -0.1), /got -0.1/);
});
