import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { arrayDataset, batches, batchCount, epochOrder, subset } from './dataset.js';
import { InvalidArgumentError } from '../errors.js';

await tf.setBackend('cpu');

const toy = arrayDataset({
  size: 10,
  xShape: [2],
  x: Float32Array.from({ length: 20 }, (_, i) => i),
  yShape: [],
  y: Int32Array.from({ length: 10 }, (_, i) => i % 3),
  numClasses: 3,
});

test('batches cover every example once per epoch, in a seeded order', () => {
  const seen: number[] = [];
  for (const b of batches(toy, { batchSize: 4, seed: 3, epoch: 1 })) {
    assert.deepEqual(b.x.shape, [b.indices.length, 2]);
    const xv = b.x.dataSync();
    b.indices.forEach((i, k) => assert.equal(xv[2 * k], 2 * i));
    assert.deepEqual(Array.from(b.y.dataSync()), Array.from(b.indices, (i) => i % 3));
    seen.push(...b.indices);
    tf.dispose([b.x, b.y]);
  }
  assert.deepEqual([...seen].sort((a, b) => a - b), [...Array(10).keys()]);
  assert.deepEqual(Array.from(epochOrder(10, { seed: 3, epoch: 1 })), seen);
  assert.notDeepEqual(Array.from(epochOrder(10, { seed: 3, epoch: 2 })), seen);
});

test('startBatch resumes the same epoch exactly where it stopped', () => {
  const all = [...batches(toy, { batchSize: 3, seed: 9, epoch: 4 })];
  const rest = [...batches(toy, { batchSize: 3, seed: 9, epoch: 4, startBatch: 2 })];
  assert.deepEqual(rest.map((b) => Array.from(b.indices)), all.slice(2).map((b) => Array.from(b.indices)));
  tf.dispose([...all, ...rest].flatMap((b) => [b.x, b.y]));
});

test('batchCount and dropRemainder agree, and unshuffled order is the identity', () => {
  assert.equal(batchCount(10, 4), 3);
  assert.equal(batchCount(10, 4, true), 2);
  const bs = [...batches(toy, { batchSize: 4, shuffle: false, dropRemainder: true })];
  assert.deepEqual(bs.map((b) => Array.from(b.indices)), [[0, 1, 2, 3], [4, 5, 6, 7]]);
  tf.dispose(bs.flatMap((b) => [b.x, b.y]));
});

test('subset copies the chosen examples and bad data is refused', () => {
  const s = subset(toy, [9, 0]);
  assert.deepEqual(Array.from(s.x), [18, 19, 0, 1]);
  assert.deepEqual(Array.from(s.y), [0, 0]);
  assert.throws(() => subset(toy, [10]), /Invalid index: 10/);
  assert.throws(() => arrayDataset({ ...toy, size: 11 }), InvalidArgumentError);
  assert.throws(() => arrayDataset({ ...toy, y: Int32Array.from([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]) }), /Invalid y\[3\]: 3/);
  assert.throws(() => [...batches(toy, { batchSize: 0 })], /Invalid batchSize: 0/);
});

test('per-example weights are checked (one finite weight >= 0 per example) and follow the examples into a subset', () => {
  const base = { size: 3, xShape: [1], x: Float32Array.from([0, 1, 2]), yShape: [], y: Int32Array.from([0, 1, 0]) };
  const d = arrayDataset({ ...base, weight: Float32Array.from([0.5, 2, 1]) });
  assert.deepEqual(Array.from(subset(d, [2, 1]).weight!), [1, 2]);
  assert.throws(() => arrayDataset({ ...base, weight: Float32Array.from([1, 1]) }), /Invalid weight.length: 2 \(expected one weight per example \(3\)\)/);
  assert.throws(() => arrayDataset({ ...base, weight: Float32Array.from([1, -1, 1]) }), /Invalid weight\[1\]: -1 \(expected a finite number >= 0\)/);
});
