import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeNumber, decodeParam, encodeNumber, encodeParam } from './codec.js';

test('every double survives encodeNumber and decodeNumber bit for bit, including NaN, ±Infinity and −0', () => {
  const bits = new DataView(new ArrayBuffer(8));
  const samples = [NaN, Infinity, -Infinity, 0, -0, 5e-324, -5e-324, Number.MAX_VALUE, Number.MIN_VALUE, 0.1 + 0.2, 1e21, 1 / 3];
  let seed = 12345;
  const next = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
  for (let i = 0; i < 5000; i++) {
    bits.setUint32(0, next());
    bits.setUint32(4, next());
    samples.push(bits.getFloat64(0));
  }
  for (const x of samples) assert.ok(Object.is(decodeNumber(encodeNumber(x)), x), `${x} came back as ${decodeNumber(encodeNumber(x))}`);
  assert.deepEqual([NaN, Infinity, -Infinity, -0].map(encodeNumber), ['NaN', 'Infinity', '-Infinity', '-0']);
});

test('params keep their type: the number 1, the string "1", booleans, null and odd strings come back as written', () => {
  const values = [1, '1', 'NaN', 'true', true, false, null, '', 'null', -0, NaN, -Infinity, 'with "quotes" and \\ backslash'];
  for (const v of values) assert.ok(Object.is(decodeParam(encodeParam(v)), v), `${JSON.stringify(v)} came back as ${JSON.stringify(decodeParam(encodeParam(v)))}`);
  assert.notEqual(encodeParam(1), encodeParam('1'));
});
