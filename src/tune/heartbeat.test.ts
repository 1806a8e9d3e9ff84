import { test } from 'node:test';
import assert from 'node:assert/strict';
import { memoryStore } from '../store/memory.js';
import { createStudy, loadStudy } from './create.js';
import { fixtureRandomSampler, sleep } from './search.fixture.js';

/** Polls `check` every 5 ms until it holds (or fails after 2 s). */
async function until(check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 2000;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail('condition not reached in 2 s');
    await sleep(5);
  }
}

const liveTimers = (): number => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

test("a running trial's heartbeat is stamped with the store's clock, so reaping spares it and fails a silent one", async () => {
  let clock = 0;
  const store = memoryStore({ now: () => clock });
  const study = await createStudy({ name: 'hb', storage: store, heartbeat: { intervalS: 0.01, graceS: 20 } });
  const timersBefore = liveTimers();
  const live = await study.ask();
  assert.equal(liveTimers(), timersBefore, 'the heartbeat timer is unref\'d');
  const silent = await store.claimTrial(study.id, { worker: 'elsewhere:1' });
  clock = 100_000;
  await until(async () => (await store.getTrial(study.id, live.number))!.heartbeat === 100_000);
  clock = 110_000; // 10 s after the live beat, 110 s after the silent trial started
  const trials = await study.trials();
  assert.equal(trials[live.number].state, 'running');
  assert.equal(trials[silent!.trial.number].state, 'failed');
  assert.equal(trials[silent!.trial.number].userAttrs.failReason, 'no heartbeat for 20 s (worker elsewhere:1 presumed dead)');
  assert.equal(trials.length, 2, 'maxRetries 0: no retry');
  await study.tell(live, 1);
  clock = 200_000;
  await sleep(40);
  assert.equal((await study.trials())[live.number].state, 'complete', 'the timer stopped with the trial');
});

test('a reaped trial is retried with its params while maxRetries allows, and optimize runs the retry first', async () => {
  let clock = 0;
  const store = memoryStore({ now: () => clock });
  const study = await createStudy({ name: 'retry', storage: store, maxRetries: 1, sampler: fixtureRandomSampler(9) });
  // A worker that claims trial 0, suggests a param and dies.
  const dead = await store.claimTrial(study.id, { worker: 'gone:1' });
  await store.setParam(dead!.lease, 'x', 0.25, { type: 'float', low: 0, high: 1, log: false });
  clock = 30_000;
  await study.optimize(async (trial) => {
    const x = await trial.suggestFloat('x', 0, 1);
    if (trial.snapshot().retries > 0) {
      // The retry dies too: its heartbeat stops (the clock jumps past the grace period).
      clock += 30_000;
      await study.trials();
    }
    return x;
  }, { trials: 2 });
  const trials = await study.trials();
  assert.deepEqual(
    trials.map((t) => [t.number, t.state, t.retryOf, t.retries]),
    [[0, 'failed', undefined, 0], [1, 'failed', 0, 1], [2, 'complete', undefined, 0], [3, 'complete', undefined, 0]],
  );
  assert.equal(trials[1].params.x, 0.25);
  assert.equal(trials.length, 4, 'the retry of a retry is not made: maxRetries is 1');
});

test("a zombie worker's writes are refused, nothing it sends lands, and it moves on to the next trial", async () => {
  let clock = 0;
  const store = memoryStore({ now: () => clock });
  const study = await createStudy({ name: 'zombie', storage: store, heartbeat: { intervalS: 1000, graceS: 2000 }, maxRetries: 1 });
  let release = (): void => {};
  const gate = new Promise<void>((r) => (release = r));
  let reportError: unknown;
  const running = study.optimize(async (trial) => {
    const x = await trial.suggestFloat('x', 0, 1);
    if (trial.number === 0) {
      await gate; // the worker stalls (a long GC pause, a suspended laptop) past the grace period
      await trial.report(x, 0).catch((e: unknown) => (reportError = e));
      return 123;
    }
    return x;
  }, { trials: 2 });
  await until(async () => 'x' in ((await store.getTrial(study.id, 0))?.params ?? {}));
  clock = 3_000_000;
  const other = await loadStudy({ name: 'zombie', storage: store, maxRetries: 1, heartbeat: { intervalS: 1000, graceS: 2000 } });
  assert.equal((await other.trials())[0].state, 'failed');
  release();
  await running;
  const trials = await study.trials();
  assert.equal((reportError as { code?: string }).code, 'TRAINKIT_LEASE_LOST');
  assert.deepEqual(trials.map((t) => [t.state, t.retryOf]), [['failed', undefined], ['complete', 0], ['complete', undefined]]);
  assert.equal(trials[0].value, undefined);
  assert.deepEqual(trials[0].intermediate, []);
  assert.match(String(trials[0].userAttrs.failReason), /^no heartbeat for 2000 s/);
  assert.equal(trials[1].params.x, trials[0].params.x);
});

test('with the budget spent, a loop waits for a trial running elsewhere and takes its place when it fails', async () => {
  let clock = 0;
  const store = memoryStore({ now: () => clock });
  const study = await createStudy({ name: 'wait', storage: store, heartbeat: { intervalS: 0.01, graceS: 20 } });
  const elsewhere = await store.claimTrial(study.id, { worker: 'other:2' });
  let finished = false;
  const running = study.optimize((t) => t.number, { trials: 2 }).then(() => (finished = true));
  await until(async () => (await store.getTrials(study.id, { states: ['complete'] })).length === 1);
  await sleep(30);
  assert.equal(finished, false, 'trial 0 still runs elsewhere: the budget may free up');
  await store.finishTrial(elsewhere!.lease, 'failed');
  await running;
  const trials = await study.trials();
  assert.deepEqual(trials.map((t) => t.state), ['failed', 'complete', 'complete']);
});
