import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import {
  treeLeaves,
  treeLeavesWithPaths,
  treeMap,
  treeUnflatten,
  globalNorm,
  treeZerosLike,
  treeSize,
  disposeTree,
} from './index.js';
import { TreeMismatchError } from '../errors.js';
import { l2Norm } from './ops.js';

await tf.setBackend('cpu');

test('leaves come out depth first, arrays by index and objects by sorted key', () => {
  const a = tf.scalar(1), b = tf.scalar(2), c = tf.scalar(3);
  const tree = { z: a, a: [b, { y: c }] };
  assert.deepEqual(treeLeaves(tree), [b, c, a]);
  assert.deepEqual(
    treeLeavesWithPaths(tree).map(([p]) => p),
    ['a[0]', 'a[1].y', 'z'],
  );
  tf.dispose([a, b, c]);
});

test('treeMap zips trees of the same structure and keeps that structure', () => {
  const x = { w: tf.tensor([1, 2]), b: [tf.scalar(3)] };
  const y = { w: tf.tensor([10, 20]), b: [tf.scalar(30)] };
  const s = treeMap((p, q) => tf.add(p, q), x, y);
  assert.deepEqual(Array.from(s.w.dataSync()), [11, 22]);
  assert.deepEqual(Array.from((s.b as tf.Tensor[])[0].dataSync()), [33]);
  disposeTree([x, y, s]);
});

test('treeMap names the path where two trees differ', () => {
  const x = { layer: { w: tf.zeros([2, 3]) } };
  const y = { layer: { w: tf.zeros([3, 2]) } };
  const z = { layer: { v: tf.zeros([2, 3]) } };
  assert.throws(() => treeMap((p) => p, x, y), (e: unknown) => e instanceof TreeMismatchError && /layer\.w: shape \[2,3\] vs \[3,2\]/.test((e as Error).message));
  assert.throws(() => treeMap((p) => p, x, z), /layer/);
  assert.throws(() => treeMap((p) => p, [x.layer.w], [x.layer.w, x.layer.w]), /array\(1\) vs array\(2\)/);
  assert.throws(() => treeLeaves({ a: 3 } as never), /must be a tensor/);
  disposeTree([x, y, z]);
});

test('globalNorm is the square root of the sum of squares over every leaf', () => {
  const t = [tf.tensor([3, 0]), { b: tf.tensor([[4]]) }];
  const n = globalNorm(t);
  assert.ok(Math.abs(n.dataSync()[0] - 5) < 1e-6);
  assert.equal(treeSize(t), 3);
  disposeTree([t, n]);
});

test('l2Norm is tf.norm without its pow passes: same value, one Square and one Sum, no leak', async () => {
  let seed = 7;
  const next = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 2 - 1;
  for (const shape of [[5], [3, 4], [2, 3, 7], [1]]) {
    const x = tf.tensor(Array.from({ length: shape.reduce((a, b) => a * b, 1) }, next), shape);
    const before = tf.memory().numTensors;
    const [mine, theirs] = [l2Norm(x), tf.norm(x)];
    assert.deepEqual(mine.shape, []);
    assert.ok(Math.abs(mine.dataSync()[0] - theirs.dataSync()[0]) <= 1e-6 * theirs.dataSync()[0], `shape [${shape}]`);
    tf.dispose([mine, theirs]);
    assert.equal(tf.memory().numTensors, before);
    x.dispose();
  }
  const zero = l2Norm(tf.zeros([4]));
  assert.equal(zero.dataSync()[0], 0);
  zero.dispose();
  const x = tf.tensor([3, -4]);
  const profile = await tf.profile(() => l2Norm(x));
  assert.deepEqual(profile.kernels.map((k) => k.name).sort(), ['Sqrt', 'Square', 'Sum']);
  tf.dispose([x, profile.result as tf.Tensor]);
});

test('treeUnflatten inverts treeLeaves and zerosLike keeps shapes', () => {
  const t = { a: tf.ones([2]), b: tf.ones([1, 3]) };
  const z = treeZerosLike(t);
  const back = treeUnflatten(t, treeLeaves(z));
  assert.equal(back.a, z.a);
  assert.deepEqual(z.b.shape, [1, 3]);
  assert.throws(() => treeUnflatten(t, [z.a]), TreeMismatchError);
  disposeTree([t, z]);
});

test('disposeTree frees what was replaced and keeps what is shared', () => {
  const before = tf.memory().numTensors;
  const shared = tf.scalar(1);
  const old = { a: shared, b: tf.scalar(2) };
  const next = { a: shared, b: tf.scalar(3) };
  disposeTree(old, next);
  assert.equal(shared.isDisposed, false);
  assert.equal(old.b.isDisposed, true);
  disposeTree(next);
  assert.equal(tf.memory().numTensors, before);
});
