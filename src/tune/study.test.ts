import { test } from 'node:test';
import assert from 'node:assert/strict';
import { memoryStore } from '../store/memory.js';
import type { TrialStore } from '../store/types.js';
import { createStudy, loadStudy } from './create.js';
import { StudyError, TrialPruned } from './errors.js';
import { fixtureRandomSampler, sleep, thresholdPruner } from './search.fixture.js';

const quadratic = async (trial: import('./trial.js').Trial): Promise<number> => {
  const x = await trial.suggestFloat('x', -10, 10);
  const y = await trial.suggestInt('y', -3, 3);
  return (x - 2) ** 2 + y * y;
};

test('define-by-run: optimize records each trial with its params, distributions and value', async () => {
  const study = await createStudy({ name: 'q', sampler: fixtureRandomSampler(1) });
  await study.optimize(quadratic, { trials: 5 });
  const trials = await study.trials();
  assert.deepEqual(trials.map((t) => [t.number, t.state]), [0, 1, 2, 3, 4].map((n) => [n, 'complete']));
  for (const t of trials) {
    const x = t.params.x as number;
    const y = t.params.y as number;
    assert.ok(x >= -10 && x <= 10 && Number.isInteger(y) && y >= -3 && y <= 3);
    assert.equal(t.value, (x - 2) ** 2 + y * y);
    assert.deepEqual(t.distributions.x, { type: 'float', low: -10, high: 10, log: false });
    assert.deepEqual(t.distributions.y, { type: 'int', low: -3, high: 3, log: false, step: 1 });
    assert.match(t.worker!, /:\d+$/);
  }
  const best = await study.bestTrial();
  assert.equal(best!.value, Math.min(...trials.map((t) => t.value!)));
  assert.equal(study.direction, 'minimize');
});

test('bestTrial takes the highest value for a maximized study, the earliest on ties, and ignores failed trials', async () => {
  const study = await createStudy({ name: 'max', direction: 'maximize' });
  const values = [1, 3, Number.NaN, 3, 2];
  let i = 0;
  await study.optimize(() => values[i++], { trials: 4 });
  const best = await study.bestTrial();
  assert.equal(best!.number, 1);
  assert.equal(best!.value, 3);
  assert.equal((await study.trials()).filter((t) => t.state === 'failed').length, 1);
});

test('the trial budget is the study total: 4 concurrent loops finish exactly N trials, numbered 0..N-1', async () => {
  const study = await createStudy({ name: 'cap', sampler: fixtureRandomSampler(2) });
  let inFlight = 0;
  let most = 0;
  await study.optimize(
    async (trial) => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      const x = await trial.suggestFloat('x', 0, 1);
      await sleep(1 + (trial.number % 3) * 3);
      inFlight -= 1;
      return x;
    },
    { trials: 11, concurrency: 4 },
  );
  const trials = await study.trials();
  assert.deepEqual(trials.map((t) => t.number), [...Array(11).keys()]);
  assert.ok(trials.every((t) => t.state === 'complete'));
  assert.equal(most, 4);
  // A second call with the same budget has nothing left to do.
  await study.optimize(() => assert.fail('no trial should start'), { trials: 11, concurrency: 4 });
});

test('a NaN value or an exception fails only that trial, with the reason kept, and failed trials do not count', async () => {
  const study = await createStudy({ name: 'fail', sampler: fixtureRandomSampler(3) });
  await study.optimize(
    async (trial) => {
      await trial.suggestFloat('x', 0, 1);
      if (trial.number === 1) return Number.NaN;
      if (trial.number === 3) throw new RangeError('diverged');
      if (trial.number === 4) return Number.POSITIVE_INFINITY;
      return trial.number;
    },
    { trials: 4, concurrency: 2 },
  );
  const trials = await study.trials();
  assert.deepEqual(trials.map((t) => t.state), ['complete', 'failed', 'complete', 'failed', 'failed', 'complete', 'complete']);
  assert.equal(trials[1].userAttrs.failReason, 'the objective returned NaN, not a finite number');
  assert.equal(trials[3].userAttrs.failReason, 'RangeError: diverged');
  assert.equal(trials[4].userAttrs.failReason, 'the objective returned Infinity, not a finite number');
  assert.equal(trials[1].value, undefined);
});

test('an objective that always fails stops optimize after `trials` failures in a row, naming the error', async () => {
  const study = await createStudy({ name: 'broken' });
  await assert.rejects(
    study.optimize(() => {
      throw new TypeError('model is not a function');
    }, { trials: 3 }),
    (e: unknown) => e instanceof StudyError && /last 3 trials all failed.*trial 2: TypeError: model is not a function/.test(e.message),
  );
  assert.equal((await study.trials()).length, 3);
});

test('TrialPruned marks the trial pruned with its last intermediate value', async () => {
  const study = await createStudy({ name: 'prune', pruner: thresholdPruner(5) });
  await study.optimize(
    async (trial) => {
      for (let step = 0; step < 4; step++) {
        await trial.report(trial.number === 0 ? 1 : 4 + step, step);
        if (await trial.shouldPrune()) throw new TrialPruned();
      }
      return 1;
    },
    { trials: 2 },
  );
  const [kept, pruned] = await study.trials();
  assert.equal(kept.state, 'complete');
  assert.equal(pruned.state, 'pruned');
  assert.equal(pruned.value, 6);
  assert.deepEqual(pruned.intermediate, [[0, 4], [1, 5], [2, 6]]);
});

test('ask/tell: values, pruned and failed, in the caller\'s own loop', async () => {
  const study = await createStudy({ name: 'ask', direction: 'maximize', sampler: fixtureRandomSampler(4) });
  const a = await study.ask();
  const b = await study.ask();
  const c = await study.ask();
  const x = await a.suggestCategorical('opt', ['sgd', 'adam']);
  assert.ok(x === 'sgd' || x === 'adam');
  await b.report(0.5, 0);
  await study.tell(a, 0.9);
  await study.tell(b, { state: 'pruned' });
  await study.tell(c, { state: 'failed' });
  const d = await study.ask();
  await assert.rejects(study.tell(d, { state: 'failed', reason: 7 as unknown as string }), /Invalid failed trial's reason: 7 \(expected a non-empty string\)/);
  await study.tell(d, { state: 'failed', reason: 'NonFiniteError: the loss became NaN' });
  const trials = await study.trials();
  assert.deepEqual(trials.map((t) => [t.state, t.value]), [['complete', 0.9], ['pruned', 0.5], ['failed', undefined], ['failed', undefined]]);
  assert.deepEqual(trials.slice(2).map((t) => t.userAttrs.failReason), ['told failed', 'NonFiniteError: the loss became NaN']);
  await assert.rejects(study.tell(a, 1), StudyError);
  const other = await createStudy({ name: 'other', storage: study.store });
  await assert.rejects(other.tell(await study.ask(), 1), /trial 4 of another study/);
  await assert.rejects(study.tell(await study.ask(), 'high' as never), /Invalid tell result: "high"/);
});

test('enqueued params run first, and the objective\'s suggestions return them', async () => {
  const study = await createStudy({ name: 'enq', sampler: fixtureRandomSampler(5) });
  await study.enqueue({ x: 2, y: 0 });
  await study.enqueue({ x: -1.5 });
  await study.optimize(quadratic, { trials: 4 });
  const trials = await study.trials();
  assert.deepEqual(trials[0].params, { x: 2, y: 0 });
  assert.equal(trials[0].value, 0);
  assert.equal(trials[1].params.x, -1.5);
  assert.ok(Number.isInteger(trials[1].params.y));
  assert.equal(trials.length, 4);
  await assert.rejects(study.enqueue({ x: Number.NaN }), /Invalid enqueued value of "x": NaN/);
  await assert.rejects(study.enqueue([1] as never), /Invalid enqueued params/);
});

test('an enqueued value outside the suggested range fails that trial, naming the range', async () => {
  const study = await createStudy({ name: 'enq-bad' });
  await study.enqueue({ x: 11 });
  await study.optimize(quadratic, { trials: 2 });
  const [bad, good] = await study.trials();
  assert.equal(bad.state, 'failed');
  assert.equal(bad.userAttrs.failReason, 'InvalidArgumentError: Invalid fixed value of parameter "x": 11 (expected a value of float in [-10, 10])');
  assert.equal(good.state, 'complete');
});

test('createStudy refuses bad options before writing anything', async () => {
  const store = memoryStore();
  const bad: Array<[Record<string, unknown>, RegExp]> = [
    [{ name: '' }, /Invalid study name: ""/],
    [{ name: 's', direction: 'up' }, /Invalid direction: "up" \(expected 'minimize' or 'maximize'\)/],
    [{ name: 's', heartbeat: { intervalS: 0 } }, /Invalid heartbeat.intervalS: 0/],
    [{ name: 's', heartbeat: { intervalS: 10, graceS: 5 } }, /Invalid heartbeat.graceS: 5 \(expected a number > heartbeat.intervalS \(10\)/],
    [{ name: 's', maxRetries: -1 }, /Invalid maxRetries: -1/],
    [{ name: 's', sampler: {} }, /Invalid sampler/],
    [{ name: 's', pruner: { description: 'p' } }, /Invalid pruner/],
    [{ name: 's', storage: 42 }, /Invalid storage: 42/],
    [{ name: 's', storage: 'mysql://x' }, /Invalid storage: "mysql:\/\/x"/],
  ];
  for (const [options, message] of bad) await assert.rejects(createStudy({ storage: store, ...options } as never), message);
  assert.deepEqual(await store.listStudies(), []);
});

test('an existing study: refused without loadIfExists, refused with another direction, opened otherwise', async () => {
  const store: TrialStore = memoryStore();
  const first = await createStudy({ name: 's', storage: store, direction: 'maximize' });
  await first.setUserAttr('dataset', 'fashion-mnist');
  await assert.rejects(createStudy({ name: 's', storage: store, direction: 'maximize' }), /Invalid study name: "s" \(expected a name no study in memory: has yet/);
  await assert.rejects(
    createStudy({ name: 's', storage: store, loadIfExists: true }),
    /Invalid direction of existing study "s": "minimize" \(expected its stored direction, "maximize"\)/,
  );
  const again = await createStudy({ name: 's', storage: store, direction: 'maximize', loadIfExists: true });
  assert.equal(again.id, first.id);
  const loaded = await loadStudy({ name: 's', storage: store });
  assert.equal(loaded.direction, 'maximize');
  assert.deepEqual(await loaded.userAttrs(), { dataset: 'fashion-mnist' });
  await assert.rejects(loadStudy({ name: 'nope', storage: store }), /Invalid study name: "nope" \(expected one of the studies in memory:: "s"\)/);
  assert.equal((await store.listStudies()).length, 1);
});

test('optimize refuses bad trials, timeoutS and concurrency, and starts nothing', async () => {
  const study = await createStudy({ name: 'opts' });
  const f = (): number => 0;
  await assert.rejects(study.optimize(f, { trials: 0 }), /Invalid trials: 0 \(expected a finite integer >= 1\)/);
  await assert.rejects(study.optimize(f, { trials: 2.5 }), /Invalid trials: 2.5/);
  await assert.rejects(study.optimize(f, { timeoutS: -1 }), /Invalid timeoutS: -1 \(expected a finite number > 0\)/);
  await assert.rejects(study.optimize(f, { concurrency: 0 }), /Invalid concurrency: 0/);
  await assert.rejects(study.optimize('f' as never), /Invalid objective/);
  assert.deepEqual(await study.trials(), []);
});

test('timeoutS: no trial starts after it, the running one finishes', async () => {
  const study = await createStudy({ name: 'time' });
  const started = Date.now();
  await study.optimize(async () => {
    await sleep(30);
    return 1;
  }, { timeoutS: 0.1 });
  const trials = await study.trials();
  assert.ok(trials.length >= 2 && trials.length <= 5, `${trials.length} trials`);
  assert.ok(trials.every((t) => t.state === 'complete'));
  assert.ok(Date.now() - started < 1000);
});

test('an abort fails the running trials at once and ends optimize; the objective\'s late writes are refused', async () => {
  const study = await createStudy({ name: 'abort' });
  const controller = new AbortController();
  let lateWrite: unknown;
  await study.optimize(
    async (trial) => {
      if (trial.number === 0) return 0;
      if (trial.number === 2) controller.abort();
      await sleep(20);
      await trial.report(1, 0).catch((e: unknown) => (lateWrite = e));
      return 1;
    },
    { trials: 10, concurrency: 2, signal: controller.signal },
  );
  const trials = await study.trials();
  assert.deepEqual(trials.map((t) => t.state), ['complete', 'failed', 'failed']);
  assert.equal(trials[1].userAttrs.failReason, 'interrupted before it finished');
  assert.equal(trials[2].userAttrs.failReason, 'interrupted before it finished');
  await sleep(40);
  assert.equal((lateWrite as { code?: string }).code, 'TRAINKIT_LEASE_LOST');
  assert.deepEqual((await study.trials())[2].intermediate, []);
});

test('optimize calls onTrialEnd with every trial it recorded', async () => {
  const study = await createStudy({ name: 'cb' });
  const seen: Array<[number, string]> = [];
  await study.optimize((t) => (t.number === 1 ? Number.NaN : t.number), { trials: 3, onTrialEnd: (t) => void seen.push([t.number, t.state]) });
  assert.deepEqual(seen, [[0, 'complete'], [1, 'failed'], [2, 'complete'], [3, 'complete']]);
});

test('a sampler\'s prepare runs once per study object, before the first trial, and may enqueue', async () => {
  let calls = 0;
  const sampler = {
    ...fixtureRandomSampler(6),
    async prepare(study: { enqueue(p: Record<string, number>): Promise<void>; trials(): Promise<unknown[]> }) {
      calls += 1;
      if ((await study.trials()).length === 0) for (const x of [1, 2, 3]) await study.enqueue({ x });
    },
  };
  const study = await createStudy({ name: 'grid', sampler });
  await study.optimize(async (t) => t.suggestInt('x', 0, 5), { trials: 3 });
  await study.ask();
  assert.equal(calls, 1);
  assert.deepEqual((await study.trials()).map((t) => t.params.x), [1, 2, 3, undefined]);
});

test('an error outside the objective (here onTrialEnd) stops the other loops after their trial and is the call\'s error', async () => {
  const study = await createStudy({ name: 'cb-error' });
  await assert.rejects(
    study.optimize(
      async () => {
        await sleep(5);
        return 1;
      },
      {
        trials: 20,
        concurrency: 3,
        onTrialEnd: (t) => {
          if (t.number === 1) throw new Error('disk full');
        },
      },
    ),
    /disk full/,
  );
  const trials = await study.trials();
  assert.ok(trials.length <= 5, `${trials.length} trials`);
  assert.ok(trials.every((t) => t.state === 'complete'), 'no trial is left running');
});

test('a grid study runs every grid point exactly once across concurrent loops, through enqueued trials', async () => {
  const { gridSampler } = await import('./samplers/grid.js');
  const study = await createStudy({ name: 'grid', storage: 'memory:', sampler: gridSampler({ a: [1, 2, 3], b: ['x', 'y'] }), pruner: (await import('./pruners/nop.js')).noPruner() });
  const seen: string[] = [];
  await study.optimize(async (trial) => {
    const a = await trial.suggestCategorical('a', [1, 2, 3]);
    const b = await trial.suggestCategorical('b', ['x', 'y']);
    seen.push(`${a}${b}`);
    return Number(a);
  }, { trials: 6, concurrency: 3 });
  assert.deepEqual(seen.sort(), ['1x', '1y', '2x', '2y', '3x', '3y']);
  assert.equal((await study.trials()).length, 6);
});
