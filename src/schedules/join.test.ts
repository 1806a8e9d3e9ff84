import { test } from 'node:test';
import assert from 'node:assert/strict';
import { constant } from './constant.js';
import { cosineDecay } from './cosine-decay.js';
import { join } from './join.js';
import { warmup } from './warmup.js';

test('join hands each schedule the steps counted from its own boundary', () => {
  const seen: number[] = [];
  const spy = (t: number) => (seen.push(t), 1);
  const lr = join([constant(5), spy, constant(7)], [3, 6]);
  assert.deepEqual([0, 1, 2, 3, 4, 5, 6, 9].map(lr), [5, 5, 5, 1, 1, 1, 7, 7]);
  assert.deepEqual(seen, [0, 1, 2]);
});

test('join builds warmup then cosine, continuous at the boundary', () => {
  const lr = join([warmup({ steps: 100, to: 0.1 }), cosineDecay({ init: 0.1, decaySteps: 900 })], [100]);
  assert.ok(Math.abs(lr(99) - 0.099) < 1e-15);
  assert.equal(lr(100), 0.1);
  assert.ok(Math.abs(lr(1000)) < 1e-15);
});

test('join refuses boundaries that do not fit the schedules', () => {
  assert.throws(() => join([constant(1), constant(2)], []), /Invalid join boundaries: \[\]/);
  assert.throws(() => join([constant(1), constant(2), constant(3)], [5, 5]), /join boundaries/);
  assert.throws(() => join([], []), /join schedules/);
  assert.throws(() => join([constant(1), 3 as never], [2]), /join schedules/);
});
