import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import type { Distribution, FrozenTrial, ParamValue } from '../store/types.js';
import { bestOverTime, importance, ranks, studyOverview } from './overview.js';
import { LR, OPT, UNITS } from './study.fixture.js';

type T = Pick<FrozenTrial, 'state' | 'value' | 'finished' | 'params' | 'distributions'>;

function trial(value: number | undefined, params: Record<string, ParamValue>, o: Partial<T> = {}): T {
  const distributions: Record<string, Distribution> = {};
  for (const [k, v] of Object.entries(params)) distributions[k] = typeof v === 'number' ? { type: 'float', low: -1e9, high: 1e9, log: false } : { type: 'categorical', choices: [v] };
  return { state: 'complete', params, distributions, ...(value === undefined ? {} : { value }), ...o };
}

/** A deterministic generator in [0, 1). */
function rng(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
}

test('importance matches SciPy (Spearman |ρ|, η on value ranks, normalised) on the golden studies', () => {
  const cases = JSON.parse(readFileSync(new URL('./fixtures/importance.json', import.meta.url), 'utf8')) as Array<{
    name: string;
    trials: Array<{ params: Record<string, ParamValue>; value: number | 'Infinity' }>;
    kinds: Record<string, 'float' | 'int' | 'categorical'>;
    importance: Record<string, number>;
  }>;
  for (const c of cases) {
    const dist: Record<string, Distribution> = {};
    for (const [name, kind] of Object.entries(c.kinds)) dist[name] = kind === 'float' ? LR : kind === 'int' ? UNITS : OPT;
    const trials = c.trials.map((t) => ({
      state: 'complete' as const,
      value: t.value === 'Infinity' ? Infinity : t.value,
      params: t.params,
      distributions: Object.fromEntries(Object.keys(t.params).map((k) => [k, dist[k]])),
    }));
    const got = importance(trials);
    assert.deepEqual(Object.keys(got).sort(), Object.keys(c.importance).sort(), c.name);
    for (const [k, v] of Object.entries(c.importance)) assert.ok(Math.abs(got[k] - v) < 1e-12, `${c.name}: ${k} ${got[k]} vs SciPy ${v}`);
  }
});

test('on a synthetic study where the learning rate drives the value, it is by far the most important parameter', () => {
  const r = rng(3);
  const trials: T[] = [];
  for (let i = 0; i < 40; i++) {
    const lr = 10 ** (-5 + 4 * r());
    const units = 16 * (1 + Math.floor(r() * 16));
    const opt = r() < 0.5 ? 'adam' : 'sgd';
    const value = -Math.log10(lr) + 0.2 * (r() - 0.5); // lr alone, plus a little noise
    trials.push({ state: 'complete', value, params: { lr, units, opt }, distributions: { lr: LR, units: UNITS, opt: OPT } });
  }
  trials.push({ state: 'running', params: { lr: 1e-5, units: 16, opt: 'sgd' }, distributions: { lr: LR, units: UNITS, opt: OPT } });
  trials.push({ state: 'pruned', value: 1e9, params: { lr: 1e-5, units: 16, opt: 'sgd' }, distributions: { lr: LR, units: UNITS, opt: OPT } });
  const got = importance(trials);
  const weights = Object.values(got);
  assert.deepEqual(weights, [...weights].sort((a, b) => b - a), 'largest first');
  assert.equal(Object.keys(got)[0], 'lr');
  assert.ok(got.lr > 0.7, `lr ${got.lr}`);
  assert.ok(Math.abs(Object.values(got).reduce((s, v) => s + v, 0) - 1) < 1e-12, 'sums to 1');
  // The same when a categorical parameter drives it.
  const byChoice = trials.map((t) => ({ ...t, value: t.params.opt === 'adam' ? 1 + 0.01 * (t.params.units as number) / 256 : 2 }));
  assert.equal(Object.keys(importance(byChoice))[0], 'opt');
  assert.ok(importance(byChoice).opt > 0.6);
});

test('importance is empty with fewer than 3 complete trials or a constant value; a constant or rare parameter scores 0', () => {
  assert.deepEqual(importance([trial(1, { x: 1 }), trial(2, { x: 2 }), trial(3, { x: 3 }, { state: 'failed' })]), {});
  assert.deepEqual(importance([trial(1, { x: 1 }), trial(2, { x: 2 }), trial(NaN, { x: 3 })]), {}, 'NaN values do not count');
  assert.deepEqual(importance([trial(1, { x: 1 }), trial(1, { x: 2 }), trial(1, { x: 3 })]), {}, 'a constant value');
  const got = importance([trial(1, { x: 1, c: 5, rare: 1 }), trial(2, { x: 2, c: 5 }), trial(3, { x: 3, c: 5 }), trial(4, { x: 4, c: 5, rare: 2 })]);
  assert.deepEqual(got, { x: 1, c: 0, rare: 0 });
});

test('ranks share ties and put ±Infinity at the ends', () => {
  assert.deepEqual(ranks([10, -Infinity, 3, 3, Infinity, 7]), [5, 1, 2.5, 2.5, 6, 4]);
  assert.deepEqual(ranks([]), []);
});

test('best value over time follows the direction, by finish time, and NaN never wins', () => {
  const trials: T[] = [
    trial(NaN, {}, { finished: 5 }),
    trial(3, {}, { finished: 10 }),
    trial(1, {}, { finished: 30 }),
    trial(2, {}, { finished: 20 }),
    trial(0, {}, { finished: 25, state: 'pruned' }),
    trial(undefined, {}, { state: 'running' }),
    trial(5, {}, { finished: 40 }),
  ];
  assert.deepEqual(bestOverTime('minimize', trials), [[10, 3], [20, 2], [30, 1], [40, 1]]);
  assert.deepEqual(bestOverTime('maximize', trials), [[10, 3], [20, 3], [30, 3], [40, 5]]);
  assert.deepEqual(bestOverTime('minimize', []), []);
  const o = studyOverview('s', 'maximize', trials);
  assert.deepEqual([o.name, o.direction, o.bestOverTime], ['s', 'maximize', [[10, 3], [20, 3], [30, 3], [40, 5]]]);
  assert.match(o.importance.method, /Spearman's \|ρ\|.*correlation ratio η/);
});
