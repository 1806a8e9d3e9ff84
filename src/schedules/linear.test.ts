import { test } from 'node:test';
import assert from 'node:assert/strict';
import { linear } from './linear.js';

test("linear is the lecture's alpha0 (1 - t/T), then stays at `to`", () => {
  const lr = linear({ from: 0.1, to: 0, steps: 100 });
  assert.equal(lr(0), 0.1);
  assert.ok(Math.abs(lr(50) - 0.05) < 1e-15);
  assert.equal(lr(100), 0);
  assert.equal(lr(250), 0);
});

test('linear can ramp up as well as down', () => {
  assert.ok(Math.abs(linear({ from: 0.01, to: 0.1, steps: 9 })(3) - 0.04) < 1e-15);
});

test('linear refuses steps < 1 and negative endpoints', () => {
  assert.throws(() => linear({ from: 0.1, to: 0, steps: 0 }), /linear\.steps: 0/);
  assert.throws(() => linear({ from: 0.1, to: -0.1, steps: 10 }), /linear\.to: -0.1/);
});
