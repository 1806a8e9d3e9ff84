/**
 * Benchmark: the trial stores under load. (1) Reports per second with 1, 4 and 16 writer
 * processes on one study, each writer holding one running trial and reporting steps in a loop
 * (every report is one transaction: lease check, sequence bump, insert). (2) The read side of a
 * live view at 10,000 trials: `getTrials` (the whole study) and `changes(since)` (the last few
 * changes), median of 20 calls.
 *
 *   node --conditions=trainkit-source --import tsx bench/store.ts [--backends sqlite,postgres]
 *        [--writers 1,4,16] [--seconds 3] [--trials 10000] [--separate]
 *
 * --separate puts each writer on its own study: the difference to the default shows what the
 * study's shared change counter costs.
 *
 * PostgreSQL: TRAINKIT_TEST_POSTGRES names a server, else the test fixture starts Debian's
 * PostgreSQL 15 (fsync off: a throwaway cluster) in a fresh database. SQLite: a temp file (WAL,
 * synchronous=NORMAL).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { openStore } from '../src/store/open.js';
import { postgresStore } from '../src/store/postgres.js';
import { testPostgres } from '../src/store/postgres.fixture.js';
import type { TrialStore } from '../src/store/types.js';

const { values: args } = parseArgs({
  options: {
    backends: { type: 'string', default: 'sqlite,postgres' },
    writers: { type: 'string', default: '1,4,16' },
    seconds: { type: 'string', default: '3' },
    trials: { type: 'string', default: '10000' },
    /** Each writer on its own study (no shared study row): separates lock contention from load. */
    separate: { type: 'boolean', default: false },
    worker: { type: 'string' }, // internal: URL of the store a writer process reports to
    study: { type: 'string' },
  },
});

/** A writer process: holds one trial, reports until told to stop, prints its count. */
async function writer(url: string, study: string, seconds: number): Promise<void> {
  const store = await openStore(url);
  const { id } = (await store.getStudy(study))!;
  const { lease } = (await store.claimTrial(id, { worker: `bench:${process.pid}` }))!;
  const signals = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
  process.stdout.write('ready\n');
  await signals.next();
  process.stdin.destroy();
  const end = performance.now() + seconds * 1000;
  let step = 0;
  while (performance.now() < end) await store.report(lease, step++, Math.random());
  await store.finishTrial(lease, 'complete', 0);
  await store.close();
  process.stdout.write(`${step}\n`);
}

async function reportsPerSecond(url: string, writers: number, seconds: number): Promise<number> {
  const store = await openStore(url);
  const studies = Array.from({ length: args.separate ? writers : 1 }, (_, i) => `writers-${writers}-${i}-${Date.now()}`);
  for (const name of studies) await store.createStudy({ name, direction: 'minimize' });
  await store.close();
  const children = Array.from({ length: writers }, (_, i) =>
    spawn(process.execPath, ['--conditions=trainkit-source', '--import', 'tsx', fileURLToPath(import.meta.url), '--worker', url, '--study', studies[i % studies.length], '--seconds', String(seconds)], {
      stdio: ['pipe', 'pipe', 'inherit'],
    }),
  );
  const lines = children.map((c) => createInterface({ input: c.stdout! })[Symbol.asyncIterator]());
  for (const l of lines) await l.next(); // ready
  for (const c of children) c.stdin!.end('go\n');
  const counts = await Promise.all(lines.map(async (l) => Number((await l.next()).value)));
  return counts.reduce((a, b) => a + b, 0) / seconds;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function timeMs(fn: () => Promise<unknown>, runs = 20): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  return median(times);
}

/** Fills a study with `n` complete trials (2 params, 5 reports each), 16 at a time. */
async function fill(store: TrialStore, n: number): Promise<number> {
  const { id } = await store.createStudy({ name: `big-${Date.now()}`, direction: 'minimize' });
  let next = 0;
  const chain = async (): Promise<void> => {
    while (next < n) {
      next++;
      const { lease, trial } = (await store.claimTrial(id, { worker: 'bench', maxTrials: n }))!;
      await store.setParam(lease, 'lr', 10 ** -(trial.number % 5), { type: 'float', low: 1e-5, high: 1, log: true });
      await store.setParam(lease, 'layers', trial.number % 4, { type: 'int', low: 0, high: 3, log: false, step: 1 });
      for (let step = 0; step < 5; step++) await store.report(lease, step, 1 / (step + 1 + trial.number));
      await store.finishTrial(lease, 'complete', trial.number);
    }
  };
  await Promise.all(Array.from({ length: 16 }, chain));
  return id;
}

async function main(): Promise<void> {
  const seconds = Number(args.seconds);
  const trials = Number(args.trials);
  const writerCounts = args.writers!.split(',').map(Number);
  const rows: string[] = [];
  for (const backend of args.backends!.split(',')) {
    const dir = mkdtempSync(join(tmpdir(), 'trainkit-bench-store-'));
    const fresh = async (): Promise<{ url: string; drop(): Promise<void> }> =>
      backend === 'sqlite' ? { url: `sqlite:${join(dir, `${Date.now()}.db`)}`, drop: async () => undefined } : testPostgres();
    try {
      const rates: string[] = [];
      for (const w of writerCounts) {
        const db = await fresh();
        rates.push(`${w}: ${Math.round(await reportsPerSecond(db.url, w, seconds))}/s`);
        await db.drop();
      }
      const db = await fresh();
      const store = backend === 'sqlite' ? await openStore(db.url) : await postgresStore(db.url, { maxConnections: 16 });
      const t0 = performance.now();
      const id = await fill(store, trials);
      const fillS = (performance.now() - t0) / 1000;
      const { cursor } = await store.changes(id, 0);
      const all = await timeMs(() => store.getTrials(id));
      const tail = await timeMs(() => store.changes(id, cursor - 10));
      const none = await timeMs(() => store.changes(id, cursor));
      await store.close();
      await db.drop();
      rows.push(
        `| ${backend} | ${rates.join(', ')} | ${all.toFixed(1)} ms | ${tail.toFixed(2)} ms | ${none.toFixed(2)} ms | ${fillS.toFixed(1)} s |`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  console.log(`\n${cpus().length} CPUs, load ${loadavg()[0].toFixed(1)}, ${seconds} s per writer count, ${args.separate ? 'a study per writer' : 'one study'}, ${trials} trials for the reads\n`);
  console.log('| store | reports/s by writer processes | getTrials (all) | changes (last 10) | changes (none) | fill time |');
  console.log('|---|---|---|---|---|---|');
  for (const r of rows) console.log(r);
}

if (args.worker !== undefined) await writer(args.worker, args.study!, Number(args.seconds));
else await main();
