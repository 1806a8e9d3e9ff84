import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exponentialDecay } from './exponential-decay.js';

test('exponentialDecay is init * gamma^t', () => {
  const lr = exponentialDecay({ init: 0.1, gamma: 0.98 });
  assert.equal(lr(0), 0.1);
  assert.ok(Math.abs(lr(2) - 0.09604) < 1e-15);
  assert.ok(Math.abs(lr(100) - 0.1 * 0.98 ** 100) < 1e-15);
});

test('exponentialDecay may grow (gamma > 1, a learning-rate range test) but refuses gamma <= 0', () => {
  assert.ok(Math.abs(exponentialDecay({ init: 1e-6, gamma: 1.1 })(10) - 1e-6 * 1.1 ** 10) < 1e-18);
  assert.throws(() => exponentialDecay({ init: 0.1, gamma: 0 }), /exponentialDecay\.gamma: 0/);
  assert.throws(() => exponentialDecay({ init: 0.1, gamma: -0.5 }), /exponentialDecay\.gamma: -0.5/);
});
