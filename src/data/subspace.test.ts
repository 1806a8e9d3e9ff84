import { test } from 'node:test';
import assert from 'node:assert/strict';
import { subspaceSine } from './subspace.js';

test('subspaceSine is the sine of the largest principal angle: 0 for the same plane in another basis, sin θ for a tilted one', () => {
  const c = Math.cos(0.3);
  const s = Math.sin(0.3);
  const xy = Float64Array.of(1, 0, 0, 0, 1, 0);
  const rotated = Float64Array.of(c, s, 0, -s, c, 0); // the same plane
  assert.ok(subspaceSine(xy, rotated, 2, 3) < 1e-8);
  const tilted = Float64Array.of(1, 0, 0, 0, c, s); // y tilted by 0.3 rad towards z
  assert.ok(Math.abs(subspaceSine(xy, tilted, 2, 3) - s) < 1e-12);
  assert.ok(Math.abs(subspaceSine(Float64Array.of(1, 0, 0), Float64Array.of(0, 0, 1), 1, 3) - 1) < 1e-12);
});
