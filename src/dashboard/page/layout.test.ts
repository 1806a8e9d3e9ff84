import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { StudyListItem, TrialSummary } from '../api.js';
import { studyFacts, withLiveCounts } from './layout.js';

const study: StudyListItem = { name: 's', direction: 'maximize', trials: { total: 1, waiting: 0, running: 1, complete: 0, pruned: 0, failed: 0 }, sampler: 'tpe', created: 0 };
const trial = (number: number, state: TrialSummary['state'], value?: number): TrialSummary => ({ number, state, value, params: {}, distributions: {}, intermediate: [], intermediateCount: 0 });

test('the heading’s facts follow the live trials: counts by state and the best complete value', () => {
  const live = withLiveCounts(study, [trial(0, 'complete', 0.8), trial(1, 'complete', 0.9), trial(2, 'pruned', 2), trial(3, 'running'), trial(4, 'complete', NaN)]);
  assert.deepEqual(live.trials, { total: 5, waiting: 0, running: 1, complete: 3, pruned: 1, failed: 0 });
  assert.equal(live.best, 0.9, 'maximize: the highest complete value; pruned and NaN ones left out');
  assert.equal(studyFacts(live), 'maximize · 5 trials · 1 running · best 0.9 · tpe');
  assert.equal(studyFacts(withLiveCounts({ ...study, direction: 'minimize' }, [trial(0, 'complete', 0.8), trial(1, 'complete', 0.9)])), 'minimize · 2 trials · best 0.8 · tpe');
});
