import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidArgumentError } from '../errors.js';
import { constant } from './constant.js';

test('constant gives the same value at every step', () => {
  const lr = constant(0.01);
  for (const t of [0, 1, 10, 1_000_000]) assert.equal(lr(t), 0.01);
});

test('constant refuses a negative or non-finite value, naming it', () => {
  assert.throws(() => constant(-1), (e: unknown) => e instanceof InvalidArgumentError && /constant\.value: -1/.test(e.message));
  assert.throws(() => constant(NaN), InvalidArgumentError);
});

test('a schedule called with a negative or fractional step throws', () => {
  const lr = constant(0.01);
  assert.throws(() => lr(-1), /Invalid step: -1/);
  assert.throws(() => lr(1.5), /Invalid step: 1.5/);
  assert.throws(() => lr(NaN), InvalidArgumentError);
});
