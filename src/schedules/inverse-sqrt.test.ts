import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inverseSqrt } from './inverse-sqrt.js';

test('inverseSqrt counts updates from 1, so step 0 gives init and step 3 gives init/2', () => {
  const lr = inverseSqrt({ init: 0.1 });
  assert.equal(lr(0), 0.1);
  assert.ok(Math.abs(lr(3) - 0.05) < 1e-15);
  assert.ok(Math.abs(lr(99) - 0.01) < 1e-15);
});

test('inverseSqrt with warmup rises linearly to init at update w, then decays as init*sqrt(w/n)', () => {
  const lr = inverseSqrt({ init: 0.1, warmupSteps: 4 });
  assert.ok(Math.abs(lr(0) - 0.025) < 1e-15);
  assert.ok(Math.abs(lr(1) - 0.05) < 1e-15);
  assert.ok(Math.abs(lr(3) - 0.1) < 1e-15);
  assert.ok(Math.abs(lr(15) - 0.05) < 1e-15);
  let peak = 0;
  for (let t = 0; t < 100; t++) peak = Math.max(peak, lr(t));
  assert.ok(Math.abs(peak - 0.1) < 1e-15);
});

test('inverseSqrt refuses a negative or fractional warmup', () => {
  assert.throws(() => inverseSqrt({ init: 0.1, warmupSteps: -1 }), /inverseSqrt\.warmupSteps: -1/);
  assert.throws(() => inverseSqrt({ init: 0.1, warmupSteps: 1.5 }), /inverseSqrt\.warmupSteps: 1.5/);
});
