import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidArgumentError } from '../errors.js';
import { stepDecay } from './step-decay.js';

test('stepDecay multiplies by factor at each boundary, the boundary step included (30, 60, 90)', () => {
  const lr = stepDecay({ init: 0.1, boundaries: [30, 60, 90], factor: 0.1 });
  assert.equal(lr(0), 0.1);
  assert.equal(lr(29), 0.1);
  assert.ok(Math.abs(lr(30) - 0.01) < 1e-15);
  assert.ok(Math.abs(lr(60) - 0.001) < 1e-15);
  assert.ok(Math.abs(lr(90) - 0.0001) < 1e-15);
  assert.ok(Math.abs(lr(10_000) - 0.0001) < 1e-15);
});

test('stepDecay with no boundaries is constant', () => {
  assert.equal(stepDecay({ init: 0.3, boundaries: [], factor: 0.5 })(1000), 0.3);
});

test('stepDecay refuses non-increasing or non-integer boundaries, a negative init and a factor <= 0', () => {
  assert.throws(() => stepDecay({ init: 0.1, boundaries: [30, 30], factor: 0.1 }), /stepDecay\.boundaries: \[30,30\]/);
  assert.throws(() => stepDecay({ init: 0.1, boundaries: [60, 30], factor: 0.1 }), InvalidArgumentError);
  assert.throws(() => stepDecay({ init: 0.1, boundaries: [0.5], factor: 0.1 }), InvalidArgumentError);
  assert.throws(() => stepDecay({ init: -0.1, boundaries: [30], factor: 0.1 }), /stepDecay\.init: -0.1/);
  assert.throws(() => stepDecay({ init: 0.1, boundaries: [30], factor: 0 }), /stepDecay\.factor: 0/);
});

test('an unknown option is refused rather than ignored', () => {
  assert.throws(
    () => stepDecay({ init: 0.1, boundaries: [30], factor: 0.1, gamma: 0.1 } as never),
    /Invalid stepDecay option: "gamma" \(expected one of init, boundaries, factor\)/,
  );
});
