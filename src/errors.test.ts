import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkNumber, InvalidArgumentError, TrainkitError } from './errors.js';

test('checkNumber names the option, the bad value and the valid range', () => {
  assert.throws(() => checkNumber('learningRate', -1, { min: 0 }), {
    message: 'Invalid learningRate: -1 (expected a finite number >= 0)',
  });
  assert.throws(() => checkNumber('b1', 1, { min: 0, max: 1, maxExclusive: true }), /Invalid b1: 1 \(expected a finite number >= 0 and < 1\)/);
  assert.throws(() => checkNumber('eps', Number.NaN, { min: 0, minExclusive: true }), /Invalid eps: NaN/);
  assert.throws(() => checkNumber('k', 2.5, { integer: true }), /expected a finite integer/);
  assert.throws(() => checkNumber('x', '3'), /Invalid x: "3"/);
});

test('checkNumber returns values in range, and its errors are TrainkitErrors', () => {
  assert.equal(checkNumber('momentum', 0, { min: 0 }), 0);
  try {
    checkNumber('lr', -2, { min: 0 });
    assert.fail('should throw');
  } catch (e) {
    assert.ok(e instanceof InvalidArgumentError && e instanceof TrainkitError);
    assert.equal((e as InvalidArgumentError).value, -2);
  }
});

test('non-finite values are shown as such, not as null', () => {
  assert.throws(() => checkNumber('eps', Infinity), /Invalid eps: Infinity/);
  assert.throws(() => checkNumber('b', [1, Number.NaN] as never), /Invalid b: \[1,"NaN"\]/);
});
