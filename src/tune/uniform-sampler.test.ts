import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../engine/rng.js';
import type { Distribution } from '../store/types.js';
import { contains, floatDistribution, intDistribution } from './distributions.js';
import { sampleUniform, uniformSampler } from './uniform-sampler.js';

const N = 4000;
/** Four standard deviations of a fraction estimated from N draws. */
const tol = (p: number): number => 4 * Math.sqrt((p * (1 - p)) / N);

function draws(d: Distribution, seed = 1): number[] {
  const rng = new Rng(seed);
  return Array.from({ length: N }, () => sampleUniform(d, rng) as number);
}

test('log-uniform floats: half the draws fall below the geometric mean of the bounds', () => {
  const d = floatDistribution('lr', 1e-4, 1, { log: true });
  const xs = draws(d);
  assert.ok(xs.every((x) => contains(d, x)));
  const below = xs.filter((x) => x < 1e-2).length / N;
  assert.ok(Math.abs(below - 0.5) < tol(0.5), String(below));
});

test("log-uniform ints follow Optuna's rule: P(1) on [1, 8] is ln 3 / ln 17", () => {
  const d = intDistribution('n', 1, 8, { log: true });
  const xs = draws(d, 2);
  assert.ok(xs.every((x) => contains(d, x)));
  const p = Math.log(3) / Math.log(17);
  const ones = xs.filter((x) => x === 1).length / N;
  assert.ok(Math.abs(ones - p) < tol(p), `${ones} vs ${p}`);
});

test('stepped floats and ints land on the grid, each point equally often', () => {
  for (const d of [floatDistribution('f', 0.1, 0.7, { step: 0.2 }), intDistribution('i', 2, 14, { step: 4 })]) {
    const xs = draws(d, 3);
    assert.ok(xs.every((x) => contains(d, x)), JSON.stringify(d));
    const points = [...new Set(xs)].sort((a, b) => a - b);
    assert.equal(points.length, 4);
    for (const v of points) assert.ok(Math.abs(xs.filter((x) => x === v).length / N - 0.25) < tol(0.25));
  }
});

test('plain floats are uniform: a quarter of the draws in the first quarter of the range', () => {
  const d = floatDistribution('x', -2, 6);
  const xs = draws(d, 4);
  assert.ok(xs.every((x) => x >= -2 && x <= 6));
  assert.ok(Math.abs(xs.filter((x) => x < 0).length / N - 0.25) < tol(0.25));
});

test('a seeded uniform sampler repeats its draws; unseeded ones differ', () => {
  const d = floatDistribution('x', 0, 1);
  const ctx = { distribution: d, name: 'x' } as never;
  const a = uniformSampler({ seed: 5 });
  const b = uniformSampler({ seed: 5 });
  assert.deepEqual([a.sample(ctx), a.sample(ctx)], [b.sample(ctx), b.sample(ctx)]);
  assert.notEqual(uniformSampler().sample(ctx), uniformSampler().sample(ctx));
  assert.equal(a.description, 'random(seed=5)');
  assert.throws(() => uniformSampler({ seed: 0.5 }), /Invalid seed: 0.5/);
});
