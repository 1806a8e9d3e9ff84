import { test } from 'node:test';
import assert from 'node:assert/strict';
import { oneCycle } from './one-cycle.js';

test('oneCycle rises to maxLr at pctStart and ends at maxLr/divFactor/finalDivFactor', () => {
  const lr = oneCycle({ maxLr: 0.1, totalSteps: 1000 });
  assert.ok(Math.abs(lr(0) - 0.004) < 1e-15);
  assert.equal(lr(299), 0.1);
  assert.ok(Math.abs(lr(999) - 4e-7) < 1e-18);
  let argmax = 0;
  for (let t = 0; t < 1000; t++) if (lr(t) > lr(argmax)) argmax = t;
  assert.equal(argmax, 299);
});

test('oneCycle holds its final value after totalSteps (torch would refuse the step)', () => {
  const lr = oneCycle({ maxLr: 0.1, totalSteps: 100, anneal: 'linear' });
  assert.equal(lr(100), lr(99));
  assert.equal(lr(10_000), lr(99));
});

test('oneCycle threePhase comes back down to the start value before the final anneal', () => {
  const lr = oneCycle({ maxLr: 1, totalSteps: 100, pctStart: 0.25, threePhase: true });
  assert.equal(lr(24), 1);
  assert.ok(Math.abs(lr(48) - 1 / 25) < 1e-15);
  assert.ok(Math.abs(lr(99) - 1 / 25 / 1e4) < 1e-18);
});

test('oneCycle refuses a pctStart that leaves a phase empty, and bad factors', () => {
  assert.throws(() => oneCycle({ maxLr: 0.1, totalSteps: 10, pctStart: 0.1 }), /oneCycle\.pctStart: 0.1/);
  assert.throws(() => oneCycle({ maxLr: 0.1, totalSteps: 100, pctStart: 0.6, threePhase: true }), /oneCycle\.pctStart: 0.6/);
  assert.throws(() => oneCycle({ maxLr: 0.1, totalSteps: 100, pctStart: 1 }), /oneCycle\.pctStart: 1/);
  assert.throws(() => oneCycle({ maxLr: 0.1, totalSteps: 100, divFactor: 0 }), /oneCycle\.divFactor: 0/);
  assert.throws(() => oneCycle({ maxLr: 0.1, totalSteps: 1 }), /oneCycle\.totalSteps: 1/);
  assert.throws(() => oneCycle({ maxLr: 0.1, totalSteps: 100, anneal: 'exp' as never }), /oneCycle\.anneal: "exp"/);
});
