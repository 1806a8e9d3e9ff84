import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rng } from '../../engine/rng.js';
import { InvalidArgumentError } from '../../errors.js';
import type { Distribution } from '../../store/types.js';
import { context, study, trial } from './fixture.js';
import { randomSampler, sampleUniform } from './random.js';

const draws = (d: Distribution, n: number, seed = 7) => {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => sampleUniform(d, rng));
};

/** Pearson's chi-square statistic of observed counts against expected probabilities. */
function chiSquare(counts: Map<unknown, number>, expected: Map<unknown, number>, n: number): number {
  let x = 0;
  for (const [k, p] of expected) x += ((counts.get(k) ?? 0) - n * p) ** 2 / (n * p);
  return x;
}
const countOf = (xs: unknown[]) => xs.reduce((m: Map<unknown, number>, x) => m.set(x, (m.get(x) ?? 0) + 1), new Map<unknown, number>());

test('a float is low + (high - low) * u for the generator\'s u, and a log float exp of that in log space', () => {
  const u = new Rng(3).next();
  assert.equal(sampleUniform({ type: 'float', low: -2, high: 6, log: false }, new Rng(3)), -2 + 8 * u);
  assert.equal(sampleUniform({ type: 'float', low: 1e-4, high: 1, log: true }, new Rng(3)), Math.exp(Math.log(1e-4) + (0 - Math.log(1e-4)) * u));
});

test('log floats are uniform in log space: each decade gets a quarter of 20,000 draws from [1e-4, 1]', () => {
  const xs = draws({ type: 'float', low: 1e-4, high: 1, log: true }, 20000) as number[];
  assert.ok(xs.every((x) => x >= 1e-4 && x < 1));
  const decades = countOf(xs.map((x) => Math.floor(-Math.log10(x))));
  // chi-square with 3 degrees of freedom: 16.27 is the 0.1% critical value.
  assert.ok(chiSquare(decades, new Map([[0, 0.25], [1, 0.25], [2, 0.25], [3, 0.25]]), 20000) < 16.27);
});

test('stepped floats and ints take every grid value with equal probability, the ends included', () => {
  const f = draws({ type: 'float', low: 0, high: 1, log: false, step: 0.25 }, 20000) as number[];
  assert.deepEqual([...new Set(f)].sort(), [0, 0.25, 0.5, 0.75, 1]);
  assert.ok(chiSquare(countOf(f), new Map([0, 0.25, 0.5, 0.75, 1].map((v) => [v, 0.2])), 20000) < 18.47); // 4 dof, 0.1%
  const i = draws({ type: 'int', low: 2, high: 14, log: false, step: 3 }, 20000) as number[];
  assert.deepEqual([...new Set(i)].sort((a, b) => a - b), [2, 5, 8, 11, 14]);
  assert.ok(chiSquare(countOf(i), new Map([2, 5, 8, 11, 14].map((v) => [v, 0.2])), 20000) < 18.47);
});

test('log ints follow Optuna\'s rule: uniform in [log(low - 1/2), log(high + 1/2)], then rounded', () => {
  const d: Distribution = { type: 'int', low: 1, high: 8, log: true, step: 1 };
  const xs = draws(d, 40000) as number[];
  const span = Math.log(8.5) - Math.log(0.5);
  // k is drawn when exp(u) rounds to k: u in [log(k - 1/2), log(k + 1/2)) (numpy rounds 2.5 to 2, a null set).
  const p = new Map(Array.from({ length: 8 }, (_, j) => j + 1).map((k) => [k, (Math.log(k + 0.5) - Math.log(k - 0.5)) / span]));
  assert.ok(xs.every((x) => Number.isInteger(x) && x >= 1 && x <= 8));
  assert.ok(chiSquare(countOf(xs), p, 40000) < 24.32); // 7 dof, 0.1%
});

test('categorical choices are drawn uniformly, null and booleans included', () => {
  const xs = draws({ type: 'categorical', choices: ['a', null, true, 3] }, 20000);
  assert.ok(chiSquare(countOf(xs), new Map(['a', null, true, 3].map((c) => [c, 0.25])), 20000) < 16.27);
});

test('the sampler\'s draws depend on (seed, trial number, name) only: reproducible, and distinct per trial and seed', () => {
  const d: Distribution = { type: 'float', low: 0, high: 1, log: false };
  const s = study();
  const draw = (seed: number, number: number, name = 'x') => {
    const t = trial(number, 'running');
    return randomSampler({ seed }).sample({ ...context(s, [t], t), name, distribution: d });
  };
  assert.equal(draw(1, 4), draw(1, 4));
  assert.notEqual(draw(1, 4), draw(1, 5));
  assert.notEqual(draw(1, 4), draw(2, 4));
  assert.notEqual(draw(1, 4, 'x'), draw(1, 4, 'y'));
});

test('randomSampler names a bad seed or distribution', () => {
  assert.throws(() => randomSampler({ seed: 0.5 }), InvalidArgumentError);
  const t = trial(0, 'running');
  const bad: Distribution = { type: 'float', low: 0, high: 1, log: true };
  assert.throws(() => randomSampler().sample({ ...context(study(), [t], t), name: 'lr', distribution: bad }), /distribution of 'lr' low: 0/);
  assert.equal(randomSampler({ seed: 3 }).description, 'random(seed=3)');
});
