import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidArgumentError } from '../errors.js';
import type { Points } from './api.js';
import { downsample, downsampleInterleaved, pointsInRange } from './downsample.js';

/** A deterministic noisy curve with irregular steps (a generator, not Math.random). */
function curve(n: number, seed = 1): Points {
  let s = seed;
  const rand = (): number => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const out: Points = [];
  let x = 0;
  for (let i = 0; i < n; i++) {
    x += 1 + Math.floor(rand() * 3);
    out.push([x, Math.exp(-x / 500) + 0.1 * (rand() - 0.5)]);
  }
  return out;
}

test('downsampling keeps at most max points, the first and the last, in x order, all taken from the curve', () => {
  for (const n of [0, 1, 2, 3, 10, 999, 1000, 1001, 5000]) {
    const points = curve(n, n + 1);
    const own = new Set(points);
    for (const max of [2, 3, 4, 5, 10, 101, 1000]) {
      const out = downsample(points, max);
      assert.ok(out.length <= max, `${n} points, max ${max}: ${out.length}`);
      if (n > 0) {
        assert.equal(out[0], points[0]);
        assert.equal(out.at(-1), points[n - 1]);
      }
      for (let i = 1; i < out.length; i++) assert.ok(out[i][0] > out[i - 1][0], 'strictly increasing x');
      assert.ok(out.every((p) => own.has(p)), 'only original points');
      if (n <= max) assert.deepEqual(out, points, 'a curve that fits comes back whole');
    }
  }
});

test('downsampling keeps each bucket\'s extremes: the global min and max and a one-step spike survive', () => {
  const points = curve(5000);
  points[2345] = [points[2345][0], 50]; // a spike
  points[3456] = [points[3456][0], -50]; // a dip
  const out = downsample(points, 100);
  assert.ok(out.some((p) => p[1] === 50), 'the spike');
  assert.ok(out.some((p) => p[1] === -50), 'the dip');
  // Every bucket's min and max: so the range of y over any bucket-aligned window is preserved.
  const ys = out.map((p) => p[1]);
  assert.equal(Math.max(...ys), 50);
  assert.equal(Math.min(...ys), -50);
});

test('downsampling keeps a divergence: NaN and +Infinity count as the largest values', () => {
  const points: Points = Array.from({ length: 1000 }, (_, i) => [i, 1]);
  points[300] = [300, NaN];
  points[700] = [700, Infinity];
  points[800] = [800, -Infinity];
  const out = downsample(points, 10); // 4 buckets about 250 steps wide: one extreme in each of three
  assert.ok(out.some(([x, y]) => x === 300 && Number.isNaN(y)));
  assert.ok(out.some(([x, y]) => x === 700 && y === Infinity));
  assert.ok(out.some(([x, y]) => x === 800 && y === -Infinity));
});

test('downsampling min/max per equal-width bucket, by hand', () => {
  const points: Points = [[0, 1], [1, 5], [2, 2], [3, 0], [4, 3], [10, 7], [11, 6], [12, 9], [20, 4]];
  // max 6: 2 buckets over x in [0, 20): [0, 10) holds steps 1-4, [10, 20) holds 10-12.
  assert.deepEqual(downsample(points, 6), [[0, 1], [1, 5], [3, 0], [11, 6], [12, 9], [20, 4]]);
  assert.deepEqual(downsample(points, 2), [[0, 1], [20, 4]]);
  assert.deepEqual(downsample(points, 3), [[0, 1], [20, 4]], 'one spare point is not a bucket (a bucket needs two)');
});

test('a bad max is refused', () => {
  for (const max of [1, 0, -1, 2.5, NaN]) assert.throws(() => downsample([[0, 1]], max), InvalidArgumentError);
});

test('range filtering keeps from <= x <= to at full resolution', () => {
  const points = curve(10_000);
  const from = points[1234][0];
  const to = points[2345][0];
  assert.deepEqual(pointsInRange(points, from, to), points.slice(1234, 2346));
  assert.deepEqual(pointsInRange(points, from + 0.5, to - 0.5), points.slice(1235, 2345));
  assert.deepEqual(pointsInRange(points, undefined, to), points.slice(0, 2346));
  assert.deepEqual(pointsInRange(points, from, undefined), points.slice(1234));
  assert.deepEqual(pointsInRange(points, -Infinity, Infinity), points);
  assert.deepEqual(pointsInRange(points, 1e9, 2e9), []);
  assert.deepEqual(pointsInRange([], 0, 1), []);
  const zoomed = downsample(pointsInRange(points, from, to), 500);
  assert.ok(zoomed.length <= 500);
  assert.deepEqual([zoomed[0], zoomed.at(-1)], [points[1234], points[2345]], 'the window\'s own ends, not the curve\'s');
});

test('downsampling interleaved points keeps the same points as downsampling pairs, NaN and infinities included', () => {
  for (const n of [0, 1, 5, 999, 5000]) {
    const points = curve(n, n + 7).map(([x, y], i): [number, number] => [x, i % 97 === 3 ? NaN : i % 89 === 5 ? -Infinity : y]);
    const xy = Float64Array.from(points.flat());
    for (const max of [2, 3, 10, 241, 1000]) assert.deepEqual(downsampleInterleaved(xy, max), downsample(points, max), `${n} points, max ${max}`);
  }
  assert.throws(() => downsampleInterleaved(new Float64Array(4), 1), InvalidArgumentError);
});
