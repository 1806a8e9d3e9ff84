import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TrialSummary, TrialUpdate } from '../api.js';
import { applyEvent } from './live.js';

const summary = (number: number, intermediate: Array<[number, number]>, more: Partial<TrialSummary> = {}): TrialSummary => ({
  number,
  state: 'running',
  params: { lr: 0.1 },
  distributions: {},
  intermediate,
  intermediateCount: intermediate.length,
  ...more,
});
const update = (t: TrialSummary, append: Array<[number, number]>, more: Partial<TrialUpdate> = {}): TrialUpdate => {
  const { intermediate: _, ...rest } = t;
  return { ...rest, append, ...more };
};

test('a snapshot replaces every trial; an update merges fields and inserts points by step', () => {
  const trials = new Map<number, TrialSummary>();
  let r = applyEvent(trials, { type: 'snapshot', trials: [summary(0, [[0, 1], [2, 0.8]]), summary(1, [])] });
  assert.deepEqual(r, { changed: [0, 1], reset: true, deleted: false });
  r = applyEvent(trials, {
    type: 'update',
    trials: [update(summary(0, []), [[1, 0.9], [3, 0.7]], { intermediateCount: 4 }), update(summary(2, []), [[5, 0.5]], { worker: 'h:1' })],
  });
  assert.deepEqual(r.changed, [0, 2]);
  assert.deepEqual(trials.get(0)!.intermediate, [[0, 1], [1, 0.9], [2, 0.8], [3, 0.7]]);
  assert.equal(trials.get(0)!.intermediateCount, 4);
  assert.equal(trials.get(2)!.worker, 'h:1');
  assert.deepEqual(trials.get(2)!.intermediate, [[5, 0.5]]);
  applyEvent(trials, { type: 'update', trials: [update(summary(0, []), [], { state: 'complete', value: 0.7, finished: 5 })] });
  assert.equal(trials.get(0)!.state, 'complete');
  assert.equal(trials.get(0)!.value, 0.7);
  assert.equal(trials.get(0)!.intermediate.length, 4, 'an update without points keeps the curve');
  r = applyEvent(trials, { type: 'snapshot', trials: [summary(7, [])] });
  assert.deepEqual([...trials.keys()], [7]);
  r = applyEvent(trials, { type: 'study-deleted' });
  assert.deepEqual(r, { changed: [], reset: true, deleted: true });
  assert.equal(trials.size, 0);
});

test('a snapshot’s trials are taken over, not copied', () => {
  const trials = new Map<number, TrialSummary>();
  const snap = summary(0, [[0, 1]]);
  applyEvent(trials, { type: 'snapshot', trials: [snap] });
  assert.equal(trials.get(0), snap);
  applyEvent(trials, { type: 'update', trials: [update(snap, [[1, 2]])] });
  assert.deepEqual(trials.get(0)!.intermediate, [[0, 1], [1, 2]]);
});
