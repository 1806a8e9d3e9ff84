import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Points } from '../api.js';
import { insertByStep, lowerBound } from './points.js';

test('insertByStep keeps a curve sorted by step whatever order points arrive in', () => {
  const points: Points = [[0, 1], [10, 0.5]];
  assert.equal(insertByStep(points, [[30, 0.3], [5, 0.8], [20, 0.4], [-1, 2]]), 4);
  assert.deepEqual(points.map((p) => p[0]), [-1, 0, 5, 10, 20, 30]);
  assert.deepEqual(points[2], [5, 0.8]);
});

test('insertByStep keeps the first value of a step reported twice, as the store does', () => {
  const points: Points = [[1, 0.9], [2, 0.8]];
  assert.equal(insertByStep(points, [[2, 0.1], [3, 0.7], [3, 0.2]]), 1);
  assert.deepEqual(points, [[1, 0.9], [2, 0.8], [3, 0.7]]);
});

test('two workers’ interleaved reports give the same curve as one sorted stream', () => {
  const all: Points = Array.from({ length: 50 }, (_, i) => [i, Math.sin(i)]);
  const shuffled = [...all].sort((a, b) => ((a[0] * 7919) % 53) - ((b[0] * 7919) % 53));
  const points: Points = [];
  for (let i = 0; i < shuffled.length; i += 7) insertByStep(points, shuffled.slice(i, i + 7));
  assert.deepEqual(points, all);
});

test('lowerBound finds the first point at or after a step', () => {
  const points: Points = [[1, 0], [3, 0], [3.5, 0], [8, 0]];
  assert.equal(lowerBound(points, 0), 0);
  assert.equal(lowerBound(points, 3), 1);
  assert.equal(lowerBound(points, 4), 3);
  assert.equal(lowerBound(points, 9), 4);
  assert.equal(lowerBound([], 1), 0);
});
