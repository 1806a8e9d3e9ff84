import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatAccuracy, formatDuration, formatNumber, formatParam } from './format.js';

test('numbers read with about four significant digits, exponents when tiny or huge', () => {
  assert.equal(formatNumber(0.123456), '0.1235');
  assert.equal(formatNumber(12.3456), '12.35');
  assert.equal(formatNumber(1500), '1500');
  assert.equal(formatNumber(0.0003), '3.0e−4');
  assert.equal(formatNumber(2.6e13), '2.6e+13');
  assert.equal(formatNumber(NaN), 'NaN');
  assert.equal(formatNumber(null), 'NaN');
  assert.equal(formatNumber(-Infinity), '−∞');
  assert.equal(formatNumber(undefined), '–');
});

test('durations read in their two largest units', () => {
  assert.equal(formatDuration(850), '850 ms');
  assert.equal(formatDuration(12_345), '12 s');
  assert.equal(formatDuration(4_500), '4.5 s');
  assert.equal(formatDuration(125_000), '2 min 05 s');
  assert.equal(formatDuration(3_780_000), '1 h 03 min');
  assert.equal(formatDuration(-5), '0 ms');
});

test('params: log floats as exponents, choices as they are; accuracies as percentages', () => {
  assert.equal(formatParam(0.00031, { type: 'float', low: 1e-5, high: 1, log: true }), '3.1e−4');
  assert.equal(formatParam(64, { type: 'int', low: 8, high: 512, log: true, step: 1 }), '64');
  assert.equal(formatParam('<b>adam</b>'), '<b>adam</b>');
  assert.equal(formatParam(null), 'null');
  assert.equal(formatAccuracy(0.9123), '91.2%');
  assert.equal(formatAccuracy(3.5), '3.5');
});
