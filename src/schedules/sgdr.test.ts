import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sgdr } from './sgdr.js';

test('sgdr restarts at init after each period, and periodMult lengthens the cycles', () => {
  const lr = sgdr({ init: 0.1, period: 10, periodMult: 2 });
  assert.equal(lr(0), 0.1);
  assert.ok(Math.abs(lr(5) - 0.05) < 1e-15);
  // restarts at 10, 10 + 20 = 30, 30 + 40 = 70
  for (const t of [10, 30, 70]) {
    assert.equal(lr(t), 0.1, `restart at ${t}`);
    assert.ok(lr(t - 1) < 0.01, `end of cycle before ${t}`);
  }
  assert.ok(Math.abs(lr(20) - 0.05) < 1e-15); // middle of the 20-step cycle
});

test('sgdr with periodMult 1 repeats the same cycle', () => {
  const lr = sgdr({ init: 0.2, period: 7, min: 0.01 });
  for (let t = 0; t < 7; t++) assert.equal(lr(t + 7 * 13), lr(t));
});

test('sgdr refuses a fractional period or multiplier and a floor above init', () => {
  assert.throws(() => sgdr({ init: 0.1, period: 0 }), /sgdr\.period: 0/);
  assert.throws(() => sgdr({ init: 0.1, period: 10, periodMult: 1.5 }), /sgdr\.periodMult: 1.5/);
  assert.throws(() => sgdr({ init: 0.1, period: 10, min: 0.2 }), /sgdr\.min: 0.2/);
});
