/**
 * The trial-store contract (types.ts) as tests: `storeContract(name, open)` registers them for one
 * backend, and every backend's test file calls it (memory.test.ts, sqlite.test.ts,
 * postgres.test.ts). Tests name their studies uniquely, so a shared database may serve them all.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { InvalidArgumentError } from '../errors.js';
import { LeaseLostError, StoreError } from './errors.js';
import type { Distribution, Lease, StudyRecord, TrialStore } from './types.js';

const FLOAT: Distribution = { type: 'float', low: 0, high: 1, log: false };
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
let counter = 0;
const uniqueName = (what: string): string => `${what}-${process.pid}-${Date.now().toString(36)}-${counter++}`;

/**
 * Registers the contract's tests for a backend; `open` gives a fresh (or shared) store each test.
 *
 * @example
 * storeContract('memory:', async () => memoryStore());
 */
export function storeContract(name: string, open: () => Promise<TrialStore>): void {
  /** Runs `body` with an open store and a new study, closing the store afterwards. */
  const withStudy = async (body: (store: TrialStore, study: StudyRecord) => Promise<void>, direction: 'minimize' | 'maximize' = 'minimize'): Promise<void> => {
    const store = await open();
    try {
      await body(store, await store.createStudy({ name: uniqueName('study'), direction }));
    } finally {
      await store.close();
    }
  };
  const claim = async (store: TrialStore, studyId: number, maxTrials?: number) => {
    const claimed = await store.claimTrial(studyId, { worker: 'test:1', ...(maxTrials === undefined ? {} : { maxTrials }) });
    assert.ok(claimed !== undefined, 'claimTrial returned undefined');
    return claimed;
  };

  describe(`trial store contract: ${name}`, () => {
    describe('studies', () => {
      test('createStudy returns the record and getStudy finds it by name', async () => {
        const store = await open();
        try {
          const name = uniqueName('s');
          const created = await store.createStudy({ name, direction: 'maximize', sampler: 'tpe(seed=0)', pruner: 'median()' });
          assert.equal(created.name, name);
          assert.equal(created.direction, 'maximize');
          assert.equal(created.sampler, 'tpe(seed=0)');
          assert.equal(created.pruner, 'median()');
          assert.deepEqual(created.userAttrs, {});
          assert.ok(Math.abs(created.created - Date.now()) < 60_000, `created ${created.created} is not near now`);
          assert.deepEqual(await store.getStudy(name), created);
          assert.equal(await store.getStudy(uniqueName('missing')), undefined);
        } finally {
          await store.close();
        }
      });

      test('a study name is unique: createStudy of a taken name fails unless loadIfExists', async () => {
        const store = await open();
        try {
          const name = uniqueName('s');
          const first = await store.createStudy({ name, direction: 'minimize' });
          await assert.rejects(store.createStudy({ name, direction: 'minimize' }), InvalidArgumentError);
          assert.deepEqual(await store.createStudy({ name, direction: 'minimize', loadIfExists: true }), first);
        } finally {
          await store.close();
        }
      });

      test('createStudy with loadIfExists and another direction is an error naming both directions', async () => {
        const store = await open();
        try {
          const name = uniqueName('s');
          await store.createStudy({ name, direction: 'minimize' });
          await assert.rejects(store.createStudy({ name, direction: 'maximize', loadIfExists: true }), (e: Error) => {
            assert.ok(e instanceof InvalidArgumentError);
            assert.match(e.message, /maximize/);
            assert.match(e.message, /minimize/);
            return true;
          });
        } finally {
          await store.close();
        }
      });

      test('study user attributes round-trip as JSON', async () => {
        await withStudy(async (store, study) => {
          const value = { a: [1, 'two', null, true], nested: { x: 0.1 } };
          await store.setStudyUserAttr(study.id, 'k', value);
          await store.setStudyUserAttr(study.id, 'n', 3);
          assert.deepEqual((await store.getStudy(study.name))!.userAttrs, { k: value, n: 3 });
        });
      });

      test('listStudies counts trials by state and gives the best complete value for the direction', async () => {
        for (const direction of ['minimize', 'maximize'] as const)
          await withStudy(async (store, study) => {
            for (const v of [3, 1, NaN, 2]) {
              const { lease } = await claim(store, study.id);
              await store.finishTrial(lease, 'complete', v);
            }
            const pruned = await claim(store, study.id);
            await store.finishTrial(pruned.lease, 'pruned', direction === 'minimize' ? -5 : 50);
            const failed = await claim(store, study.id);
            await store.finishTrial(failed.lease, 'failed');
            await claim(store, study.id);
            await store.enqueueTrial(study.id, { x: 1 });
            const summary = (await store.listStudies()).find((s) => s.id === study.id);
            assert.ok(summary !== undefined, 'the study is missing from listStudies');
            assert.deepEqual(summary.trials, { total: 8, waiting: 1, running: 1, complete: 4, pruned: 1, failed: 1 });
            assert.equal(summary.best, direction === 'minimize' ? 1 : 3);
            assert.equal(summary.name, study.name);
          }, direction);
      });

      test('listStudies gives no best value to a study without complete trials', async () => {
        await withStudy(async (store, study) => {
          const summary = (await store.listStudies()).find((s) => s.id === study.id)!;
          assert.deepEqual(summary.trials, { total: 0, waiting: 0, running: 0, complete: 0, pruned: 0, failed: 0 });
          assert.equal('best' in summary, false);
        });
      });

      test('deleteStudy removes the study and its trials, and frees its name', async () => {
        const store = await open();
        try {
          const name = uniqueName('s');
          const study = await store.createStudy({ name, direction: 'minimize' });
          const { lease } = await claim(store, study.id);
          await store.report(lease, 0, 1);
          await store.setParam(lease, 'x', 0.5, FLOAT);
          await store.enqueueTrial(study.id, { x: 1 });
          await store.deleteStudy(study.id);
          assert.equal(await store.getStudy(name), undefined);
          assert.equal((await store.listStudies()).some((s) => s.id === study.id), false);
          await assert.rejects(store.getTrials(study.id), StoreError);
          const again = await store.createStudy({ name, direction: 'maximize' });
          assert.deepEqual(await store.getTrials(again.id), []);
        } finally {
          await store.close();
        }
      });

      test('operations on a study id that does not exist throw StoreError', async () => {
        const store = await open();
        try {
          await assert.rejects(store.getTrials(987654321), StoreError);
          await assert.rejects(store.claimTrial(987654321, { worker: 'w' }), StoreError);
          await assert.rejects(store.enqueueTrial(987654321, {}), StoreError);
        } finally {
          await store.close();
        }
      });
    });

    describe('numbers and claims', () => {
      test('trial numbers are dense from 0 in creation order, whether enqueued or claimed, and ids are unique', async () => {
        await withStudy(async (store, study) => {
          const a = await store.enqueueTrial(study.id, { x: 1 });
          const b = await claim(store, study.id); // takes the waiting trial 0
          const c = await claim(store, study.id); // creates trial 1
          const d = await store.enqueueTrial(study.id, { x: 2 });
          assert.deepEqual([a.number, b.trial.number, c.trial.number, d.number], [0, 0, 1, 2]);
          assert.equal(b.trial.id, a.id);
          const trials = await store.getTrials(study.id);
          assert.deepEqual(trials.map((t) => t.number), [0, 1, 2]);
          assert.equal(new Set(trials.map((t) => t.id)).size, 3);
        });
      });

      test('numbers are per study: two studies both start at 0', async () => {
        const store = await open();
        try {
          const s1 = await store.createStudy({ name: uniqueName('s'), direction: 'minimize' });
          const s2 = await store.createStudy({ name: uniqueName('s'), direction: 'minimize' });
          await claim(store, s1.id);
          const t1 = await claim(store, s1.id);
          const t2 = await claim(store, s2.id);
          assert.equal(t1.trial.number, 1);
          assert.equal(t2.trial.number, 0);
          assert.notEqual(t1.trial.id, t2.trial.id);
        } finally {
          await store.close();
        }
      });

      test('claimTrial takes the oldest waiting trial first and never the same one twice', async () => {
        await withStudy(async (store, study) => {
          for (const x of [10, 20, 30]) await store.enqueueTrial(study.id, { x }, { distributions: { x: FLOAT } });
          const claimed = [];
          for (let i = 0; i < 4; i++) claimed.push(await claim(store, study.id));
          assert.deepEqual(claimed.map((c) => c.trial.number), [0, 1, 2, 3]);
          assert.deepEqual(claimed.map((c) => c.trial.params.x), [10, 20, 30, undefined]);
          assert.deepEqual(claimed[0].trial.distributions, { x: FLOAT });
          for (const c of claimed) {
            assert.equal(c.trial.state, 'running');
            assert.equal(c.trial.worker, 'test:1');
            assert.equal(typeof c.trial.started, 'number');
            assert.equal(c.lease.number, c.trial.number);
            assert.equal(c.lease.trialId, c.trial.id);
            assert.equal(c.lease.studyId, study.id);
          }
        });
      });

      test('concurrent claims in one process get distinct trials', async () => {
        await withStudy(async (store, study) => {
          for (let i = 0; i < 5; i++) await store.enqueueTrial(study.id, { i });
          const claimed = await Promise.all(Array.from({ length: 8 }, () => claim(store, study.id, 8)));
          assert.deepEqual(claimed.map((c) => c.trial.number).sort((a, b) => a - b), [0, 1, 2, 3, 4, 5, 6, 7]);
          assert.equal(await store.claimTrial(study.id, { worker: 'w', maxTrials: 8 }), undefined);
        });
      });

      test('maxTrials counts complete, pruned, running and waiting trials but not failed ones', async () => {
        await withStudy(async (store, study) => {
          const a = await claim(store, study.id, 4);
          await store.finishTrial(a.lease, 'complete', 1);
          const b = await claim(store, study.id, 4);
          await store.finishTrial(b.lease, 'pruned');
          await claim(store, study.id, 4); // running
          await store.enqueueTrial(study.id, {}); // waiting: 4 counted
          const waiting = await claim(store, study.id, 4); // a waiting trial is claimed whatever the budget
          assert.equal(waiting.trial.number, 3);
          assert.equal(await store.claimTrial(study.id, { worker: 'w', maxTrials: 4 }), undefined);
          await store.finishTrial(waiting.lease, 'failed'); // failed: 3 counted
          const replacement = await claim(store, study.id, 4);
          assert.equal(replacement.trial.number, 4);
          assert.equal(await store.claimTrial(study.id, { worker: 'w', maxTrials: 4 }), undefined);
          assert.ok((await store.claimTrial(study.id, { worker: 'w' })) !== undefined, 'without maxTrials there is no limit');
        });
      });

      test('maxTrials 0 claims nothing', async () => {
        await withStudy(async (store, study) => {
          assert.equal(await store.claimTrial(study.id, { worker: 'w', maxTrials: 0 }), undefined);
          assert.deepEqual(await store.getTrials(study.id), []);
        });
      });

      test('enqueueTrial stores params, distributions, user attributes and the retry fields', async () => {
        await withStudy(async (store, study) => {
          const t = await store.enqueueTrial(study.id, { x: 0.25, c: 'relu' }, {
            distributions: { x: FLOAT, c: { type: 'categorical', choices: ['relu', 'tanh'] } },
            retryOf: 7,
            retries: 2,
            userAttrs: { why: 'grid' },
          });
          assert.equal(t.state, 'waiting');
          assert.deepEqual(t.params, { x: 0.25, c: 'relu' });
          assert.deepEqual(t.distributions, { x: FLOAT, c: { type: 'categorical', choices: ['relu', 'tanh'] } });
          assert.deepEqual(t.userAttrs, { why: 'grid' });
          assert.equal(t.retryOf, 7);
          assert.equal(t.retries, 2);
          assert.equal(t.started, undefined);
          assert.deepEqual(await store.getTrial(study.id, t.number), t);
        });
      });
    });

    describe('writes under a lease', () => {
      test('setParam keeps the first value of a name, and params round-trip by type', async () => {
        await withStudy(async (store, study) => {
          const { lease } = await claim(store, study.id);
          const cat: Distribution = { type: 'categorical', choices: ['1', 1, true, null] };
          const int: Distribution = { type: 'int', low: 1, high: 9, log: false, step: 2 };
          await store.setParam(lease, 'x', 0.1, FLOAT);
          await store.setParam(lease, 'x', 0.9, FLOAT);
          await store.setParam(lease, 's', '1', cat);
          await store.setParam(lease, 'n', 1, cat);
          await store.setParam(lease, 'b', true, cat);
          await store.setParam(lease, 'z', null, cat);
          await store.setParam(lease, 'k', 7, int);
          const t = (await store.getTrial(study.id, lease.number))!;
          assert.deepEqual(t.params, { x: 0.1, s: '1', n: 1, b: true, z: null, k: 7 });
          assert.deepEqual(t.distributions, { x: FLOAT, s: cat, n: cat, b: cat, z: cat, k: int });
        });
      });

      test('setParam on an enqueued param keeps the enqueued value and records the distribution it was suggested from', async () => {
        await withStudy(async (store, study) => {
          await store.enqueueTrial(study.id, { x: 0.25, constructor: 3 });
          const { lease } = await claim(store, study.id);
          await store.setParam(lease, 'x', 0.9, FLOAT);
          await store.setParam(lease, 'constructor', 5, FLOAT);
          await store.setParam(lease, 'x', 0.5, { type: 'float', low: 0, high: 2, log: false });
          const t = (await store.getTrial(study.id, lease.number))!;
          assert.deepEqual(t.params, { x: 0.25, constructor: 3 });
          assert.deepEqual(t.distributions, { x: FLOAT, constructor: FLOAT });
        });
      });

      test('a study of 450 trials comes back whole: every trial with its own points, through trials() and changes() (SQL stores read points in batches)', async () => {
        await withStudy(async (store, study) => {
          const n = 450;
          for (let i = 0; i < n; i++) {
            const { lease } = await claim(store, study.id);
            await store.report(lease, 1, -lease.number);
            await store.report(lease, 0, lease.number);
            if (i % 7 !== 3) await store.finishTrial(lease, 'complete', lease.number);
          }
          const { trials } = await store.changes(study.id, 0);
          for (const all of [await store.getTrials(study.id), trials]) {
            assert.equal(all.length, n);
            all.forEach((t, i) => {
              assert.equal(t.number, i);
              assert.deepEqual(t.intermediate, [[0, i], [1, -i]], `trial ${i}`);
            });
          }
        });
      });

      test('report keeps the first value of a step and intermediate values come back sorted by step', async () => {
        await withStudy(async (store, study) => {
          const { lease } = await claim(store, study.id);
          await store.report(lease, 2, 0.5);
          await store.report(lease, 0, 0.9);
          await store.report(lease, 2, 0.1);
          await store.report(lease, 1, 0.7);
          assert.deepEqual((await store.getTrial(study.id, lease.number))!.intermediate, [[0, 0.9], [1, 0.7], [2, 0.5]]);
        });
      });

      test('NaN, ±Infinity, −0 and extreme doubles round-trip in values, intermediate values and params', async () => {
        const special = [NaN, Infinity, -Infinity, -0, 0.1 + 0.2, 5e-324, Number.MAX_VALUE, -1.7976931348623157e308, 123456789.123456789];
        await withStudy(async (store, study) => {
          const numbers: number[] = [];
          for (const v of special) {
            const { lease } = await claim(store, study.id);
            await store.setParam(lease, 'p', v, FLOAT);
            for (let step = 0; step < special.length; step++) await store.report(lease, step, special[step]);
            await store.finishTrial(lease, 'complete', v);
            numbers.push(lease.number);
          }
          const trials = await store.getTrials(study.id);
          special.forEach((v, i) => {
            const t = trials[numbers[i]];
            assert.ok(Object.is(t.value, v), `value ${t.value} is not ${v}`);
            assert.ok(Object.is(t.params.p, v), `param ${String(t.params.p)} is not ${v}`);
            t.intermediate.forEach(([step, w], j) => {
              assert.equal(step, j);
              assert.ok(Object.is(w, special[j]), `intermediate ${w} is not ${special[j]}`);
            });
            assert.equal(t.intermediate.length, special.length);
          });
        });
      });

      test('trial user attributes round-trip as JSON and a later value of a key replaces the earlier', async () => {
        await withStudy(async (store, study) => {
          const { lease } = await claim(store, study.id);
          await store.setTrialUserAttr(lease, 'log', { lines: ['a', 'b'], n: 2.5, ok: false, none: null });
          await store.setTrialUserAttr(lease, 'k', 1);
          await store.setTrialUserAttr(lease, 'k', 'two');
          assert.deepEqual((await store.getTrial(study.id, lease.number))!.userAttrs, { log: { lines: ['a', 'b'], n: 2.5, ok: false, none: null }, k: 'two' });
        });
      });

      test('finishTrial records the state, the value and the finish time and ends the heartbeat', async () => {
        await withStudy(async (store, study) => {
          const { lease } = await claim(store, study.id);
          const done = await store.finishTrial(lease, 'complete', 0.42);
          assert.equal(done.state, 'complete');
          assert.equal(done.value, 0.42);
          assert.equal(typeof done.finished, 'number');
          assert.ok(done.finished! >= done.started!, 'finished before it started');
          assert.equal(done.heartbeat, undefined);
          assert.deepEqual(await store.getTrial(study.id, lease.number), done);
          const pruned = await claim(store, study.id);
          assert.equal((await store.finishTrial(pruned.lease, 'pruned')).value, undefined);
        });
      });

      test('a finished trial is immutable: every write with its lease is refused with LeaseLostError', async () => {
        await withStudy(async (store, study) => {
          const { lease } = await claim(store, study.id);
          await store.report(lease, 0, 1);
          const done = await store.finishTrial(lease, 'complete', 1);
          const writes: Array<[string, () => Promise<unknown>]> = [
            ['setParam', () => store.setParam(lease, 'x', 0.5, FLOAT)],
            ['report', () => store.report(lease, 1, 2)],
            ['heartbeat', () => store.heartbeat(lease)],
            ['setTrialUserAttr', () => store.setTrialUserAttr(lease, 'k', 1)],
            ['finishTrial', () => store.finishTrial(lease, 'failed')],
          ];
          for (const [what, write] of writes)
            await assert.rejects(write(), (e: Error) => {
              assert.ok(e instanceof LeaseLostError, `${what}: ${e}`);
              assert.equal(e.trialNumber, lease.number);
              assert.match(e.message, /complete/);
              return true;
            });
          assert.deepEqual(await store.getTrial(study.id, lease.number), done);
        });
      });

      test('a lease with a stale token is refused on every write, and the trial is unchanged', async () => {
        await withStudy(async (store, study) => {
          await store.enqueueTrial(study.id, { x: 1 });
          const { lease } = await claim(store, study.id);
          const stale: Lease = { ...lease, token: lease.token + 1 };
          const before = await store.getTrial(study.id, lease.number);
          const writes: Array<[string, () => Promise<unknown>]> = [
            ['setParam', () => store.setParam(stale, 'y', 0.5, FLOAT)],
            ['report', () => store.report(stale, 1, 2)],
            ['heartbeat', () => store.heartbeat(stale)],
            ['setTrialUserAttr', () => store.setTrialUserAttr(stale, 'k', 1)],
            ['finishTrial', () => store.finishTrial(stale, 'complete', 1)],
          ];
          for (const [what, write] of writes) await assert.rejects(write(), (e: Error) => e instanceof LeaseLostError || assert.fail(`${what}: ${e}`));
          assert.deepEqual(await store.getTrial(study.id, lease.number), before);
        });
      });

      test('finishTrial checks its arguments: a complete trial needs a value', async () => {
        await withStudy(async (store, study) => {
          const { lease } = await claim(store, study.id);
          await assert.rejects(store.finishTrial(lease, 'complete'), InvalidArgumentError);
          await assert.rejects(store.finishTrial(lease, 'done' as 'complete', 1), InvalidArgumentError);
          await assert.rejects(store.report(lease, -1, 1), InvalidArgumentError);
          await assert.rejects(store.report(lease, 0.5, 1), InvalidArgumentError);
          assert.equal((await store.getTrial(study.id, lease.number))!.state, 'running');
        });
      });
    });

    describe('heartbeats and reaping', () => {
      test('heartbeat stamps the store clock and a trial with recent heartbeats is not reaped', async () => {
        await withStudy(async (store, study) => {
          const beating = await claim(store, study.id);
          const silent = await claim(store, study.id);
          await sleep(400);
          const before = Date.now();
          await store.heartbeat(beating.lease);
          const after = Date.now();
          const stamped = (await store.getTrial(study.id, beating.lease.number))!.heartbeat!;
          assert.ok(stamped > beating.trial.heartbeat!, 'the heartbeat did not advance');
          // The store's clock is the database's; on one machine it agrees with ours to within clock skew.
          assert.ok(stamped >= before - 1000 && stamped <= after + 1000, `heartbeat ${stamped} is outside [${before}, ${after}]`);
          assert.deepEqual(await store.reapStale(study.id, 0.3, 1), [silent.lease.number]);
          assert.equal((await store.getTrial(study.id, beating.lease.number))!.state, 'running');
          await store.report(beating.lease, 0, 1); // its lease still holds
        });
      });

      test('reapStale fails a stale trial, records why, enqueues a retry with its params, and the old lease is lost', async () => {
        await withStudy(async (store, study) => {
          await store.enqueueTrial(study.id, { x: 0.5 }, { distributions: { x: FLOAT } });
          const first = await claim(store, study.id);
          await store.setParam(first.lease, 'y', 2, FLOAT);
          await store.report(first.lease, 0, 0.3);
          await sleep(250);
          assert.deepEqual(await store.reapStale(study.id, 60, 1), [], 'a trial within its grace period was reaped');
          assert.deepEqual(await store.reapStale(study.id, 0.1, 1), [0]);
          const failed = (await store.getTrial(study.id, 0))!;
          assert.equal(failed.state, 'failed');
          assert.equal(typeof failed.finished, 'number');
          assert.equal(failed.heartbeat, undefined);
          assert.match(String(failed.userAttrs.failReason), /test:1/);
          assert.deepEqual(failed.intermediate, [[0, 0.3]]);
          const retry = (await store.getTrial(study.id, 1))!;
          assert.equal(retry.state, 'waiting');
          assert.deepEqual(retry.params, { x: 0.5, y: 2 });
          assert.deepEqual(retry.distributions, { x: FLOAT, y: FLOAT });
          assert.equal(retry.retryOf, 0);
          assert.equal(retry.retries, 1);
          assert.deepEqual(retry.intermediate, []);
          // The zombie's late writes are refused; the retry is what the next claim gets.
          await assert.rejects(store.report(first.lease, 1, 0.1), LeaseLostError);
          await assert.rejects(store.finishTrial(first.lease, 'complete', 0.1), LeaseLostError);
          await assert.rejects(store.heartbeat(first.lease), LeaseLostError);
          const second = await claim(store, study.id);
          assert.equal(second.trial.number, 1);
          assert.deepEqual(second.trial.params, { x: 0.5, y: 2 });
          assert.deepEqual((await store.getTrial(study.id, 0))!.intermediate, [[0, 0.3]]);
        });
      });

      test('retries stop at maxRetries: the chain counts its failed attempts', async () => {
        await withStudy(async (store, study) => {
          await claim(store, study.id);
          for (let attempt = 0; attempt < 3; attempt++) {
            await sleep(120);
            assert.equal((await store.reapStale(study.id, 0.1, 2)).length, 1);
            const waiting = await store.getTrials(study.id, { states: ['waiting'] });
            if (attempt < 2) {
              assert.equal(waiting.length, 1);
              assert.equal(waiting[0].retries, attempt + 1);
              assert.equal(waiting[0].retryOf, waiting[0].number - 1);
              assert.equal((await claim(store, study.id)).trial.number, waiting[0].number);
            } else assert.deepEqual(waiting, [], 'a third retry was enqueued with maxRetries 2');
          }
          const trials = await store.getTrials(study.id);
          assert.deepEqual(trials.map((t) => t.state), ['failed', 'failed', 'failed']);
          assert.deepEqual(trials.map((t) => t.retries), [0, 1, 2]);
        });
      });

      test('reapStale leaves waiting and finished trials alone', async () => {
        await withStudy(async (store, study) => {
          const done = await claim(store, study.id);
          await store.finishTrial(done.lease, 'complete', 1);
          await store.enqueueTrial(study.id, {});
          await sleep(120);
          assert.deepEqual(await store.reapStale(study.id, 0.05, 3), []);
          assert.deepEqual((await store.getTrials(study.id)).map((t) => t.state), ['complete', 'waiting']);
        });
      });
    });

    describe('reading', () => {
      test('getTrials filters by state and getTrial by number', async () => {
        await withStudy(async (store, study) => {
          const a = await claim(store, study.id);
          await store.finishTrial(a.lease, 'complete', 1);
          await claim(store, study.id);
          await store.enqueueTrial(study.id, {});
          assert.deepEqual((await store.getTrials(study.id, { states: ['complete', 'waiting'] })).map((t) => t.number), [0, 2]);
          assert.deepEqual((await store.getTrials(study.id, { states: [] })), []);
          assert.equal((await store.getTrial(study.id, 1))!.state, 'running');
          assert.equal(await store.getTrial(study.id, 3), undefined);
        });
      });

      test('changes(since) returns exactly the trials changed after the cursor, and a cursor to continue from', async () => {
        await withStudy(async (store, study) => {
          const empty = await store.changes(study.id, 0);
          assert.deepEqual(empty.trials, []);
          const a = await claim(store, study.id);
          const b = await claim(store, study.id);
          await store.enqueueTrial(study.id, { x: 1 });
          const all = await store.changes(study.id, 0);
          assert.deepEqual(all.trials.map((t) => t.number), [0, 1, 2]);
          assert.ok(all.cursor > empty.cursor);
          const quiet = await store.changes(study.id, all.cursor);
          assert.deepEqual(quiet, { trials: [], cursor: all.cursor });
          await store.report(b.lease, 0, 0.5);
          const one = await store.changes(study.id, all.cursor);
          assert.deepEqual(one.trials.map((t) => t.number), [1]);
          assert.deepEqual(one.trials[0].intermediate, [[0, 0.5]]);
          await store.finishTrial(a.lease, 'complete', 2);
          await store.setParam(b.lease, 'y', 0.5, FLOAT);
          const two = await store.changes(study.id, one.cursor);
          assert.deepEqual(two.trials.map((t) => [t.number, t.state]), [[0, 'complete'], [1, 'running']]);
          assert.deepEqual(two.trials[1].params, { y: 0.5 });
          assert.ok(two.cursor > one.cursor);
          // The trials changed since a cursor, as changes reports them, equal a fresh full read.
          assert.deepEqual((await store.changes(study.id, 0)).trials, await store.getTrials(study.id));
        });
      });

      test('changes of one study ignore another study', async () => {
        const store = await open();
        try {
          const s1 = await store.createStudy({ name: uniqueName('s'), direction: 'minimize' });
          const s2 = await store.createStudy({ name: uniqueName('s'), direction: 'minimize' });
          const c1 = await store.changes(s1.id, 0);
          await claim(store, s2.id);
          assert.deepEqual(await store.changes(s1.id, c1.cursor), { trials: [], cursor: c1.cursor });
        } finally {
          await store.close();
        }
      });

      test('snapshots are copies: mutating a returned trial does not change the store', async () => {
        await withStudy(async (store, study) => {
          const t = await store.enqueueTrial(study.id, { x: 1 });
          t.params.x = 2;
          t.userAttrs.k = 1;
          const again = (await store.getTrial(study.id, 0))!;
          assert.deepEqual(again.params, { x: 1 });
          assert.deepEqual(again.userAttrs, {});
        });
      });

      test('a closed store refuses further use with StoreError', async () => {
        const store = await open();
        const study = await store.createStudy({ name: uniqueName('s'), direction: 'minimize' });
        await store.close();
        await assert.rejects(store.getTrials(study.id), StoreError);
      });
    });
  });
}
