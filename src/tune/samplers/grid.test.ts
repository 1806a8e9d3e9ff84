import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidArgumentError } from '../../errors.js';
import type { FrozenTrial } from '../../store/types.js';
import { context, study, trial } from './fixture.js';
import { gridPoints, gridSampler } from './grid.js';

const space = { optimizer: ['adam', 'sgd'], lr: [0.1, 0.01, 0.001], nesterov: [true, false] };

test('grid points are the cartesian product over sorted names, the last name varying fastest', () => {
  assert.deepEqual(gridPoints({ lr: [0.1, 0.01], bs: [32, 64] }), [
    { bs: 32, lr: 0.1 },
    { bs: 32, lr: 0.01 },
    { bs: 64, lr: 0.1 },
    { bs: 64, lr: 0.01 },
  ]);
  assert.equal(gridPoints(space).length, 12);
});

test('enqueued grid points, claimed by any number of workers in any order, cover every point exactly once', async () => {
  const sampler = gridSampler(space);
  const s = study();
  // The study layer enqueues every point as a waiting trial; workers claim them in some order.
  const trials: FrozenTrial[] = gridPoints(space).map((p, i) => trial(i, 'waiting', { ...p }));
  const order = [5, 0, 11, 3, 7, 1, 9, 2, 10, 4, 8, 6];
  const seen: string[] = [];
  for (const i of order) {
    const t = trials[i];
    t.state = 'running';
    const start = await sampler.startTrial!(context(s, trials, t));
    const lr = await sampler.sample({ ...context(s, trials, t), name: 'lr', distribution: { type: 'float', low: 1e-4, high: 1, log: true } });
    assert.equal(lr, start.lr);
    seen.push(JSON.stringify(start));
    t.state = 'complete';
  }
  assert.deepEqual([...seen].sort(), gridPoints(space).map((p) => JSON.stringify(p)).sort());
});

test('a trial not enqueued with a point takes the first point no other trial holds (running, waiting or finished)', async () => {
  const sampler = gridSampler({ x: [1, 2, 3] });
  const s = study();
  const trials = [trial(0, 'complete', { x: 1 }), trial(1, 'running', { x: 2 })];
  const fresh = trial(2, 'running');
  assert.deepEqual(await sampler.startTrial!(context(s, trials, fresh)), { x: 3 });
  const full = [...trials, trial(2, 'waiting', { x: 3 })];
  const late = trial(3, 'running');
  assert.deepEqual(await sampler.startTrial!(context(s, full, late)), { x: 1 }, 'every point taken: start over');
});

test('suggesting a parameter the grid lacks, or a distribution that excludes its values, names the parameter', () => {
  const sampler = gridSampler({ x: [1, 2, 30] });
  const t = trial(0, 'running', { x: 1 });
  const ctx = context(study(), [t], t);
  assert.throws(() => sampler.sample({ ...ctx, name: 'y', distribution: { type: 'int', low: 0, high: 9, log: false, step: 1 } }), (e: unknown) => e instanceof InvalidArgumentError && /grid parameter: "y"/.test(e.message));
  assert.throws(() => sampler.sample({ ...ctx, name: 'x', distribution: { type: 'int', low: 0, high: 9, log: false, step: 1 } }), /grid value of 'x': 30/);
});

test('gridSampler rejects an empty grid or an empty list of values', () => {
  assert.throws(() => gridSampler({}), InvalidArgumentError);
  assert.throws(() => gridSampler({ x: [] }), /grid values of 'x'/);
  assert.equal(gridSampler(space).description, 'grid(lr=3, nesterov=2, optimizer=2; 12 points)');
});
