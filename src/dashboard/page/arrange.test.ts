import { test } from 'node:test';
import assert from 'node:assert/strict';
import { arrange, byValue, rankValue, type Rankable } from './arrange.js';
import { CENTER_DEFAULTS } from './route.js';

const trials: Rankable[] = [
  { number: 0, state: 'complete', value: 0.5, intermediate: [[1, 0.9]] },
  { number: 1, state: 'pruned', value: 0.9, intermediate: [[1, 0.9]] },
  { number: 2, state: 'running', intermediate: [[1, 0.7], [2, 0.3]] },
  { number: 3, state: 'failed', intermediate: [] },
  { number: 4, state: 'complete', value: 0.2, intermediate: [] },
  { number: 5, state: 'complete', value: NaN, intermediate: [] },
  // A diverged trial as JSON brings it: its last value null.
  { number: 6, state: 'failed', intermediate: [[1, 0.1], [2, null as unknown as number]] },
];
const numbers = (ts: Rankable[]): number[] => ts.map((t) => t.number);

test('a trial ranks by its value, else by its latest reported value; NaN and nothing rank last', () => {
  assert.equal(rankValue(trials[0]), 0.5);
  assert.equal(rankValue(trials[2]), 0.3);
  assert.equal(rankValue(trials[3]), undefined);
  assert.equal(rankValue(trials[5]), undefined);
  assert.equal(rankValue(trials[6]), undefined);
  assert.deepEqual(numbers([...trials].sort(byValue('minimize'))), [4, 2, 0, 1, 3, 5, 6]);
  assert.deepEqual(numbers([...trials].sort(byValue('maximize'))), [1, 0, 2, 4, 3, 5, 6]);
});

test('arrange filters by state, keeps the top k, then sorts as asked', () => {
  assert.deepEqual(numbers(arrange(trials, CENTER_DEFAULTS, 'minimize')), [6, 5, 4, 3, 2, 1, 0]);
  assert.deepEqual(numbers(arrange(trials, { ...CENTER_DEFAULTS, sort: 'oldest' }, 'minimize')), [0, 1, 2, 3, 4, 5, 6]);
  assert.deepEqual(numbers(arrange(trials, { ...CENTER_DEFAULTS, sort: 'value', states: ['complete'] }, 'minimize')), [4, 0, 5]);
  // The 3 best (4, 2, 0), shown newest first.
  assert.deepEqual(numbers(arrange(trials, { ...CENTER_DEFAULTS, top: 3 }, 'minimize')), [4, 2, 0]);
  assert.deepEqual(numbers(arrange(trials, { ...CENTER_DEFAULTS, top: 1, states: ['running', 'pruned'] }, 'maximize')), [1]);
  assert.equal(trials[0].number, 0, 'the input is not reordered');
});
