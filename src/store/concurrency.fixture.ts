/**
 * Many processes on one store: `storeConcurrency` registers the tests that a backend shared by
 * processes must pass (sqlite.test.ts, postgres.test.ts). Workers are real processes
 * (worker.fixture.ts) on the raw store API.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { LeaseLostError } from './errors.js';
import { openStore } from './open.js';
import type { FrozenTrial, Lease } from './types.js';

const WORKER = fileURLToPath(new URL('./worker.fixture.ts', import.meta.url));

interface Worker {
  child: ChildProcess;
  /** Resolves with the next JSON line the worker prints. */
  next(): Promise<unknown>;
  exited: Promise<number | null>;
}

/** Starts a worker and waits until it is loaded and ready (it then waits for `go` on stdin). */
async function startWorker(mode: 'run' | 'hang', url: string, study: string, n: number): Promise<Worker> {
  const child = spawn(process.execPath, ['--conditions=trainkit-source', '--import', 'tsx', WORKER, mode, url, study, String(n)], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const waiters: Array<(line: string) => void> = [];
  const lines: string[] = [];
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  child.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
    for (let i = out.indexOf('\n'); i >= 0; i = out.indexOf('\n')) {
      lines.push(out.slice(0, i));
      out = out.slice(i + 1);
    }
    while (lines.length > 0 && waiters.length > 0) waiters.shift()!(lines.shift()!);
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const next = (): Promise<unknown> =>
    new Promise((resolve, reject) => {
      if (lines.length > 0) return resolve(JSON.parse(lines.shift()!));
      waiters.push((line) => resolve(JSON.parse(line)));
      void exited.then((code) => reject(new Error(`worker ${mode} exited (${code}) before answering: ${err}`)));
    });
  assert.deepEqual(await next(), { ready: true });
  return { child, next, exited };
}

/**
 * Registers the multi-process tests for a backend: `processes` workers run one study of `n`
 * trials; a killed worker's trial is reaped and retried and its late writes refused.
 *
 * @example
 * storeConcurrency('sqlite:', async () => ({ url: `sqlite:${file}`, drop: async () => {} }), 8, 200);
 */
export function storeConcurrency(name: string, fresh: () => Promise<{ url: string; drop(): Promise<void> }>, processes: number, n: number): void {
  test(`${name}: ${processes} processes starting on a fresh database enqueue and run a study of ${n} trials, each trial once, every report kept, and a view following changes() misses nothing`, { timeout: 90_000 }, async () => {
    const db = await fresh();
    const workers: Worker[] = [];
    try {
      workers.push(...(await Promise.all(Array.from({ length: processes }, () => startWorker('run', db.url, 'crowd', n)))));
      for (const w of workers) w.child.stdin!.write('go\n'); // all open (and migrate) the fresh database at once, and enqueue
      for (const w of workers) assert.deepEqual(await w.next(), { enqueued: true });
      const store = await openStore(db.url);
      try {
        const study = (await store.getStudy('crowd'))!;
        for (const w of workers) w.child.stdin!.end('claim\n');
        const answers = Promise.all(workers.map((w) => w.next()));
        const exits = Promise.all(workers.map((w) => w.exited));
        // A live view meanwhile, as a dashboard keeps one: follow changes() from cursor to cursor.
        const view = new Map<number, FrozenTrial>();
        let cursor = 0;
        let polls = 0;
        let running = true;
        void exits.then(() => (running = false));
        for (let last = false; !last; polls++) {
          last = !running;
          const changed = await store.changes(study.id, cursor);
          for (const t of changed.trials) view.set(t.number, t);
          cursor = changed.cursor;
          if (!last) await new Promise((r) => setTimeout(r, 20));
        }
        const claimed = (await answers).map((r) => (r as { claimed: number[] }).claimed);
        assert.deepEqual(await exits, workers.map(() => 0));
        const ids = claimed.flat();
        assert.equal(ids.length, n, `${ids.length} claims for ${n} trials`);
        assert.equal(new Set(ids).size, n, 'a trial was claimed twice');
        assert.ok(claimed.filter((c) => c.length > 0).length > 1, 'only one worker got trials: the test did not run concurrently');
        const trials = await store.getTrials(study.id);
        assert.deepEqual(trials.map((t) => t.number), Array.from({ length: n }, (_, i) => i));
        assert.deepEqual(new Set(trials.map((t) => t.id)), new Set(ids));
        for (const t of trials) {
          assert.equal(t.state, 'complete');
          assert.equal(t.value, t.number);
          if (t.params.x !== -1) assert.deepEqual(t.params, { x: t.number / 2 });
          assert.deepEqual(t.intermediate, [0, 1, 2].map((step) => [step, t.number + step / 10]));
        }
        assert.equal(trials.filter((t) => t.params.x === -1).length, 4 * processes, 'every enqueued trial ran once');
        assert.ok(polls >= 3, `the view polled ${polls} times: not while the workers ran`);
        assert.deepEqual([...view.values()].sort((a, b) => a.number - b.number), trials, 'following changes() missed a change');
        const summary = (await store.listStudies()).find((s) => s.id === study.id)!;
        assert.deepEqual(summary.trials, { total: n, waiting: 0, running: 0, complete: n, pruned: 0, failed: 0 });
        assert.equal((await store.changes(study.id, 0)).trials.length, n);
      } finally {
        await store.close();
      }
    } finally {
      // A failed assertion (or a worker that died) must not leave the others waiting on stdin.
      for (const w of workers) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGKILL');
      await db.drop();
    }
  });

  test(`${name}: a worker killed mid-trial has its trial failed after the grace period and retried, and its late writes are refused`, { timeout: 60_000 }, async () => {
    const db = await fresh();
    const store = await openStore(db.url);
    try {
      const study = await store.createStudy({ name: 'fault', direction: 'minimize' });
      const victim = await startWorker('hang', db.url, 'fault', 1);
      victim.child.stdin!.end('go\n');
      const { lease } = (await victim.next()) as { lease: Lease };
      victim.child.kill('SIGKILL');
      await victim.exited;
      assert.deepEqual(await store.reapStale(study.id, 30, 1), [], 'a trial was reaped within its grace period');
      await new Promise((r) => setTimeout(r, 1200));
      assert.deepEqual(await store.reapStale(study.id, 1, 1), [lease.number]);
      const dead = (await store.getTrial(study.id, lease.number))!;
      assert.equal(dead.state, 'failed');
      assert.match(String(dead.userAttrs.failReason), new RegExp(`:${victim.child.pid}`));
      // The killed worker's lease, written to after the reap, as a zombie would: refused.
      await assert.rejects(store.report(lease, 1, 0.5), LeaseLostError);
      await assert.rejects(store.heartbeat(lease), LeaseLostError);
      await assert.rejects(store.finishTrial(lease, 'complete', 0.5), LeaseLostError);
      const retry = await store.claimTrial(study.id, { worker: 'test:1', maxTrials: 1 });
      assert.ok(retry !== undefined, 'no retry was enqueued');
      assert.deepEqual([retry.trial.number, retry.trial.retryOf, retry.trial.retries], [lease.number + 1, lease.number, 1]);
      assert.deepEqual(retry.trial.params, { x: 0.25 });
      await store.finishTrial(retry.lease, 'complete', 0.1);
      await assert.rejects(store.finishTrial(lease, 'complete', 0.5), LeaseLostError);
      assert.deepEqual((await store.getTrials(study.id)).map((t) => [t.state, t.value, t.intermediate]), [
        ['failed', undefined, [[0, 1.5]]],
        ['complete', 0.1, []],
      ]);
    } finally {
      await store.close();
      await db.drop();
    }
  });
}
