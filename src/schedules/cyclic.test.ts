import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cyclic } from './cyclic.js';

test('cyclic triangular goes min -> max -> min over 2*stepSize steps', () => {
  const lr = cyclic({ min: 0.001, max: 0.1, stepSize: 25 });
  assert.equal(lr(0), 0.001);
  assert.ok(Math.abs(lr(25) - 0.1) < 1e-15);
  assert.ok(Math.abs(lr(50) - 0.001) < 1e-15);
  assert.ok(Math.abs(lr(75) - 0.1) < 1e-15);
});

test('cyclic triangular2 halves the amplitude each cycle; expRange shrinks it by gamma^t', () => {
  const tri2 = cyclic({ min: 0, max: 1, stepSize: 10, mode: 'triangular2' });
  assert.deepEqual([10, 30, 50].map(tri2), [1, 0.5, 0.25]);
  const exp = cyclic({ min: 0, max: 1, stepSize: 10, mode: 'expRange', gamma: 0.9 });
  assert.ok(Math.abs(exp(30) - 0.9 ** 30) < 1e-15);
});

test('cyclic refuses max < min, an unknown mode and gamma outside (0, 1]', () => {
  assert.throws(() => cyclic({ min: 0.1, max: 0.01, stepSize: 5 }), /cyclic\.max: 0.01/);
  assert.throws(() => cyclic({ min: 0, max: 1, stepSize: 5, mode: 'exp_range' as never }), /cyclic\.mode: "exp_range"/);
  assert.throws(() => cyclic({ min: 0, max: 1, stepSize: 5, mode: 'expRange', gamma: 1.2 }), /cyclic\.gamma: 1.2/);
  assert.throws(() => cyclic({ min: 0, max: 1, stepSize: 0 }), /cyclic\.stepSize: 0/);
});
