import { test } from 'node:test';
import assert from 'node:assert/strict';
import { linear } from './linear.js';
import { sampleSchedule } from './sample.js';

test('sampleSchedule lists the values at steps 0 .. steps-1', () => {
  assert.deepEqual(sampleSchedule(linear({ from: 1, to: 0, steps: 4 }), 5), [1, 0.75, 0.5, 0.25, 0]);
  assert.deepEqual(sampleSchedule(linear({ from: 1, to: 0, steps: 4 }), 0), []);
});

test('sampleSchedule refuses a negative count and a non-function', () => {
  assert.throws(() => sampleSchedule(linear({ from: 1, to: 0, steps: 4 }), -1), /Invalid steps: -1/);
  assert.throws(() => sampleSchedule(0.1 as never, 3), /Invalid schedule: 0.1/);
});
