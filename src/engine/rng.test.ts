import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from './rng.js';
import { InvalidArgumentError } from '../errors.js';

test('the same seed gives the same stream and different seeds differ', () => {
  const a = new Rng(7);
  const b = new Rng(7);
  const c = new Rng(8);
  const xs = Array.from({ length: 20 }, () => a.next());
  assert.deepEqual(xs, Array.from({ length: 20 }, () => b.next()));
  assert.notDeepEqual(xs, Array.from({ length: 20 }, () => c.next()));
  assert.notDeepEqual(new Rng(1).getState(), new Rng(2 ** 32 + 1).getState());
});

test('a saved state resumes the stream exactly', () => {
  const a = new Rng(123);
  for (let i = 0; i < 17; i++) a.next();
  const saved = JSON.parse(JSON.stringify(a.getState()));
  const rest = Array.from({ length: 10 }, () => a.nextUint32());
  const b = Rng.fromState(saved);
  assert.deepEqual(Array.from({ length: 10 }, () => b.nextUint32()), rest);
});

test('uniform draws fill [0, 1) evenly and normals have mean 0 and variance 1', () => {
  const r = new Rng(1);
  const n = 100_000;
  const bins = new Array(10).fill(0);
  let sum = 0;
  let sq = 0;
  for (let i = 0; i < n; i++) {
    const u = r.next();
    assert.ok(u >= 0 && u < 1);
    bins[Math.floor(u * 10)]++;
    const z = r.normal();
    sum += z;
    sq += z * z;
  }
  for (const b of bins) assert.ok(Math.abs(b - n / 10) < 0.03 * (n / 10), `bin count ${b}`);
  assert.ok(Math.abs(sum / n) < 0.02);
  assert.ok(Math.abs(sq / n - 1) < 0.02);
});

test('int(n) stays in range and permutation is a permutation', () => {
  const r = new Rng(5);
  for (let i = 0; i < 1000; i++) {
    const k = r.int(7);
    assert.ok(Number.isInteger(k) && k >= 0 && k < 7);
  }
  const p = Array.from(r.permutation(100)).sort((x, y) => x - y);
  assert.deepEqual(p, Array.from({ length: 100 }, (_, i) => i));
});

test('split streams are independent of the parent and reproducible', () => {
  const a = new Rng(9).split();
  const b = new Rng(9).split();
  assert.equal(a.next(), b.next());
  const parent = new Rng(9);
  const child = parent.split();
  assert.notEqual(parent.next(), child.next());
});

test('bad seeds and states are rejected with the value named', () => {
  assert.throws(() => new Rng(1.5), InvalidArgumentError);
  assert.throws(() => new Rng(Number.NaN), /Invalid seed: NaN/);
  assert.throws(() => Rng.fromState([0, 0, 0, 0]), InvalidArgumentError);
  assert.throws(() => Rng.fromState([1, 2, 3] as never), /rng state/);
  assert.throws(() => new Rng(1).int(0), /Invalid n: 0/);
});
