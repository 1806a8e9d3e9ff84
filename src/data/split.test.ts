import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ArrayDataset } from './dataset.js';
import { kFold, trainValidationSplit } from './split.js';

/** n examples with x = [i], and labels: class 0 for the first 60%, 1 for the next 30%, 2 for the rest. */
function dataset(n: number): ArrayDataset {
  const y = Int32Array.from({ length: n }, (_, i) => (i < 0.6 * n ? 0 : i < 0.9 * n ? 1 : 2));
  return { size: n, xShape: [1], x: Float32Array.from({ length: n }, (_, i) => i), yShape: [], y, numClasses: 3 };
}

const counts = (y: Int32Array | Float32Array): number[] => {
  const c = [0, 0, 0];
  for (const v of y) c[v]++;
  return c;
};

test('trainValidationSplit holds out the requested share, disjoint from train, and the same for the same seed', () => {
  const ds = dataset(100);
  const a = trainValidationSplit(ds, { validationFraction: 0.2, seed: 3 });
  assert.equal(a.validation.size, 20);
  assert.equal(a.train.size, 80);
  const all = [...a.trainIndices, ...a.validationIndices].sort((p, q) => p - q);
  assert.deepEqual(all, Array.from({ length: 100 }, (_, i) => i));
  assert.deepEqual([...a.validation.x], [...a.validationIndices], 'examples follow their indices');
  const b = trainValidationSplit(ds, { validationFraction: 0.2, seed: 3 });
  assert.deepEqual([...b.validationIndices], [...a.validationIndices]);
  const c = trainValidationSplit(ds, { validationFraction: 0.2, seed: 4 });
  assert.notDeepEqual([...c.validationIndices], [...a.validationIndices]);
  assert.equal(trainValidationSplit(ds, { validationSize: 7 }).validation.size, 7);
});

test('a stratified split keeps every class share in the validation set', () => {
  const ds = dataset(200);
  for (const seed of [0, 1, 2]) {
    const { validation, train } = trainValidationSplit(ds, { validationFraction: 0.1, seed, stratify: true });
    assert.deepEqual(counts(validation.y), [12, 6, 2]);
    assert.deepEqual(counts(train.y), [108, 54, 18]);
  }
  const odd = trainValidationSplit(dataset(50), { validationSize: 7, stratify: true });
  assert.equal(odd.validation.size, 7, 'largest-remainder rounding keeps the exact size');
});

test('trainValidationSplit refuses ambiguous or impossible requests', () => {
  const ds = dataset(10);
  assert.throws(() => trainValidationSplit(ds, {}), /exactly one of validationFraction and validationSize/);
  assert.throws(() => trainValidationSplit(ds, { validationFraction: 0.1, validationSize: 1 }), /exactly one/);
  assert.throws(() => trainValidationSplit(ds, { validationFraction: 1 }), /Invalid validationFraction: 1/);
  assert.throws(() => trainValidationSplit(ds, { validationSize: 10 }), /Invalid validationSize: 10/);
  const reg = { ...ds, y: new Float32Array(10), yShape: [1], numClasses: undefined };
  assert.throws(() => trainValidationSplit(reg, { validationSize: 2, stratify: true }), /Invalid stratify: true/);
});

test('kFold puts every example in exactly one validation fold, and its train part is the rest', () => {
  const ds = dataset(53);
  for (const stratify of [false, true]) {
    const folds = kFold(ds, { k: 5, seed: 7, stratify });
    assert.equal(folds.length, 5);
    const seen = new Array(53).fill(0);
    for (const f of folds) {
      for (const i of f.validationIndices) seen[i]++;
      assert.equal(f.train.size + f.validation.size, 53);
      const inVal = new Set(f.validationIndices);
      assert.ok([...f.trainIndices].every((i) => !inVal.has(i)));
      assert.ok(f.validation.size === 10 || f.validation.size === 11);
    }
    assert.deepEqual(seen, new Array(53).fill(1));
  }
});

test('a stratified kFold gives each fold each class count to within one', () => {
  const ds = dataset(100);
  const folds = kFold(ds, { k: 4, seed: 1, stratify: true });
  for (const f of folds) {
    const c = counts(f.validation.y);
    assert.ok(Math.abs(c[0] - 15) <= 1 && Math.abs(c[1] - 7.5) <= 1 && Math.abs(c[2] - 2.5) <= 1, `${c}`);
  }
  assert.deepEqual(
    kFold(ds, { k: 4, seed: 1 }).map((f) => [...f.validationIndices]),
    kFold(ds, { k: 4, seed: 1 }).map((f) => [...f.validationIndices]),
  );
  assert.throws(() => kFold(ds, { k: 1 }), /Invalid k: 1/);
  assert.throws(() => kFold(dataset(3), { k: 4 }), /Invalid k: 4/);
});
