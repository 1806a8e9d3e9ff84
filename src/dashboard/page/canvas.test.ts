import { test } from 'node:test';
import assert from 'node:assert/strict';
import { logTicks, niceTicks, padded, robustRange, scale } from './canvas.js';

test('ticks: round steps on linear axes, powers of ten on log axes', () => {
  assert.deepEqual(niceTicks(0, 1, 4), [0, 0.5, 1]);
  assert.deepEqual(niceTicks(0, 1, 6), [0, 0.2, 0.4, 0.6, 0.8, 1]);
  assert.deepEqual(niceTicks(0.13, 0.91, 4), [0.2, 0.4, 0.6, 0.8]);
  assert.deepEqual(logTicks(1e-4, 1), [1e-4, 1e-3, 1e-2, 1e-1, 1]);
  assert.deepEqual(logTicks(1e-12, 1), [1e-12, 1e-9, 1e-6, 1e-3, 1]);
  assert.deepEqual(logTicks(2, 5), [2, 5]);
});

test('a robust range leaves a diverged value out, and a constant range gets a width', () => {
  const values = [0.3, 0.35, 0.4, 0.42, 0.5, 0.52, 0.6, 0.61, 0.7, 0.75, 2.6e13, NaN];
  const [lo, hi] = robustRange(values)!;
  assert.equal(lo, 0.3);
  assert.ok(hi < 10 && hi >= 0.75, `upper end ${hi}`);
  assert.equal(robustRange([NaN, Infinity]), undefined);
  assert.deepEqual(padded([2, 2]), [1.8, 2.2]);
});

test('scales map a domain onto pixels, log ones through log10', () => {
  const y = scale([0, 10], [100, 0]);
  assert.equal(y(0), 100);
  assert.equal(y(5), 50);
  const x = scale([1e-4, 1], [0, 400], true);
  assert.equal(x(1e-2), 200);
  assert.ok(Number.isNaN(x(0)));
});
