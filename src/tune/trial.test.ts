import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createStudy } from './create.js';
import { fixtureRandomSampler } from './search.fixture.js';
import type { Sampler } from './types.js';

test('suggestions draw from the sampler, land in their range and are recorded in the store', async () => {
  const study = await createStudy({ name: 't', sampler: fixtureRandomSampler(7) });
  const trial = await study.ask();
  const lr = await trial.suggestFloat('lr', 1e-5, 1e-1, { log: true });
  const dropout = await trial.suggestFloat('dropout', 0, 0.5, { step: 0.1 });
  const units = await trial.suggestInt('units', 16, 64, { step: 16 });
  const act = await trial.suggestCategorical('act', ['relu', 'gelu', null]);
  assert.ok(lr >= 1e-5 && lr <= 1e-1);
  assert.ok([0, 0.1, 0.2, 0.3, 0.4, 0.5].some((v) => Math.abs(v - dropout) < 1e-12));
  assert.ok([16, 32, 48, 64].includes(units));
  assert.ok(['relu', 'gelu', null].includes(act));
  const [stored] = await study.trials();
  assert.deepEqual(stored.params, { lr, dropout, units, act });
  assert.deepEqual(stored.distributions, {
    lr: { type: 'float', low: 1e-5, high: 1e-1, log: true },
    dropout: { type: 'float', low: 0, high: 0.5, log: false, step: 0.1 },
    units: { type: 'int', low: 16, high: 64, log: false, step: 16 },
    act: { type: 'categorical', choices: ['relu', 'gelu', null] },
  });
  assert.deepEqual(trial.params, stored.params);
});

test('suggesting a name twice returns the first value, even when the first call was not awaited yet', async () => {
  const study = await createStudy({ name: 't', sampler: fixtureRandomSampler(8) });
  const trial = await study.ask();
  const a = trial.suggestFloat('x', 0, 1);
  const b = trial.suggestFloat('x', 0, 1);
  const [x1, x2] = await Promise.all([a, b]);
  assert.equal(x1, x2);
  assert.equal(await trial.suggestFloat('x', 0, 1), x1);
  assert.deepEqual(Object.keys((await study.trials())[0].params), ['x']);
});

test('the same name with another distribution is an error naming both', async () => {
  const study = await createStudy({ name: 't' });
  const trial = await study.ask();
  await trial.suggestFloat('x', 0, 1);
  await assert.rejects(
    trial.suggestFloat('x', 0, 2),
    { message: 'Invalid distribution of parameter "x": "float in [0, 2]" (expected the one it was first suggested with, float in [0, 1] (a parameter keeps one distribution))' },
  );
  await assert.rejects(trial.suggestInt('x', 0, 1), /"int in \[0, 1\]".*float in \[0, 1\]/);
  await assert.rejects(trial.suggestCategorical('x', [0, 1]), /"one of \[0,1\]".*float in \[0, 1\]/);
});

test('bad ranges are refused with the bad value and what is valid, and nothing is written', async () => {
  const study = await createStudy({ name: 't' });
  const trial = await study.ask();
  const cases: Array<[() => Promise<unknown>, string]> = [
    [() => trial.suggestFloat('a', 1, 0), 'Invalid range of "a": [1,0] (expected low <= high (an empty or inverted range has no values))'],
    [() => trial.suggestFloat('a', 0, Number.NaN), 'Invalid high of "a": NaN (expected a finite number)'],
    [() => trial.suggestFloat('a', 0, 1, { log: true }), 'Invalid low of "a": 0 (expected a number > 0 with log: true)'],
    [() => trial.suggestFloat('a', -1, 1, { log: true }), 'Invalid low of "a": -1 (expected a number > 0 with log: true)'],
    [() => trial.suggestFloat('a', 1, 10, { log: true, step: 1 }), 'Invalid step of "a": 1 (expected no step with log: true)'],
    [() => trial.suggestFloat('a', 0, 1, { step: 0 }), 'Invalid step of "a": 0 (expected a finite number > 0)'],
    [
      () => trial.suggestFloat('a', 0, 1, { step: 0.3 }),
      'Invalid high of "a": 1 (expected low + k·step for a whole k, so step 0.3 divides the range (e.g. 0.9, which Optuna would use silently))',
    ],
    [() => trial.suggestInt('n', 1.5, 4), 'Invalid low of "n": 1.5 (expected a safe integer)'],
    [() => trial.suggestInt('n', 5, 4), 'Invalid range of "n": [5,4] (expected low <= high (an empty or inverted range has no values))'],
    [() => trial.suggestInt('n', 0, 10, { step: 3 }), 'Invalid high of "n": 10 (expected low + k·step for a whole k, so step 3 divides the range (e.g. 9, which Optuna would use silently))'],
    [() => trial.suggestInt('n', 0, 10, { step: 1.5 }), 'Invalid step of "n": 1.5 (expected a positive integer)'],
    [() => trial.suggestInt('n', 0, 10, { log: true }), 'Invalid low of "n": 0 (expected an integer >= 1 with log: true)'],
    [() => trial.suggestInt('n', 1, 9, { log: true, step: 2 }), 'Invalid step of "n": 2 (expected 1 with log: true)'],
    [() => trial.suggestCategorical('c', []), 'Invalid choices of "c": [] (expected a non-empty array)'],
    [() => trial.suggestCategorical('c', [{}] as never), 'Invalid choice of "c": {} (expected a string, a finite number, a boolean or null)'],
    [() => trial.suggestFloat('', 0, 1), 'Invalid parameter name: "" (expected a non-empty string)'],
  ];
  for (const [call, message] of cases) await assert.rejects(call(), { name: 'InvalidArgumentError', message });
  const [stored] = await study.trials();
  assert.deepEqual(stored.params, {});
});

test('a range of one value and a step grid that divides the range are accepted', async () => {
  const study = await createStudy({ name: 't' });
  const trial = await study.ask();
  assert.equal(await trial.suggestFloat('a', 0.5, 0.5), 0.5);
  assert.equal(await trial.suggestInt('b', 3, 3), 3);
  const c = await trial.suggestFloat('c', 0.1, 0.7, { step: 0.2 });
  assert.ok([0.1, 0.3, 0.5, 0.7].some((v) => Math.abs(v - c) < 1e-12), String(c));
});

test('report keeps the first value of a step, checks its arguments, and setUserAttr is stored', async () => {
  const study = await createStudy({ name: 't' });
  const trial = await study.ask();
  await trial.report(0.9, 1);
  await trial.report(0.8, 0);
  await trial.report(0.1, 1);
  await trial.report(Number.NaN, 2);
  await assert.rejects(trial.report(0.5, -1), /Invalid step: -1 \(expected a finite integer >= 0\)/);
  await assert.rejects(trial.report(0.5, 1.5), /Invalid step: 1.5/);
  await assert.rejects(trial.report('0.5' as never, 3), /Invalid reported value: "0.5" \(expected a number\)/);
  await trial.setUserAttr('note', { epochs: 3 });
  assert.deepEqual(trial.intermediate, [[0, 0.8], [1, 0.9], [2, Number.NaN]]);
  const [stored] = await study.trials();
  assert.deepEqual(stored.intermediate, [[0, 0.8], [1, 0.9], [2, Number.NaN]]);
  assert.deepEqual(stored.userAttrs, { note: { epochs: 3 } });
  assert.equal(await trial.shouldPrune(), false);
});

test('the sampler sees the study, every trial and this trial; its joint values are used; an out-of-range draw is refused', async () => {
  const seen: Array<{ trials: number; params: string[] }> = [];
  const sampler: Sampler = {
    description: 'spy',
    startTrial: ({ trials }): Record<string, number> => (trials.length === 2 ? { y: 5 } : {}),
    sample: ({ trials, trial, distribution }) => {
      seen.push({ trials: trials.length, params: Object.keys(trial.params) });
      return distribution.type === 'float' ? distribution.high + (trial.number === 2 ? 1 : 0) : 0;
    },
  };
  const study = await createStudy({ name: 't', sampler });
  const first = await study.ask();
  assert.equal(await first.suggestFloat('x', 0, 1), 1);
  assert.equal(await first.suggestInt('y', 0, 9), 0);
  const second = await study.ask();
  assert.equal(await second.suggestInt('y', 0, 9), 5);
  assert.deepEqual(seen, [{ trials: 1, params: [] }, { trials: 1, params: ['x'] }]);
  const third = await study.ask();
  await assert.rejects(third.suggestFloat('x', 0, 1), { name: 'StudyError', message: 'sampler spy drew 2 for "x", outside float in [0, 1]' });
});

test('a parameter named like an Object method is drawn like any other', async () => {
  const study = await createStudy({ name: 't', sampler: fixtureRandomSampler(10) });
  const trial = await study.ask();
  const v = await trial.suggestFloat('constructor', 0, 1);
  assert.ok(v >= 0 && v <= 1);
  assert.ok(Object.hasOwn(trial.params, 'constructor'));
  assert.equal(trial.params.constructor, v);
});
