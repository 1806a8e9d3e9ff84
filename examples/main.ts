/**
 * The main job (`npm start`): a live hyperparameter search on Fashion-MNIST, watched in the command
 * center. It
 *   1. creates a study in `sqlite:./trainkit.db` (TPE + successive halving, i.e. ASHA),
 *   2. serves the dashboard and prints its address (open it: every trial's curves, live),
 *   3. runs two worker processes (one core each) that train the MLP of examples/tune-fashion.ts on
 *      the trials they claim, reporting the validation loss after every epoch,
 *   4. prints the best trial and its test accuracy when the budget is spent, and keeps serving the
 *      page until Ctrl-C (Ctrl-C during the search stops the workers first: their running trials
 *      are recorded as failed, nothing half-written stays in the store).
 *
 * The budget (about 10 minutes on 2 cores) and the rest are set by environment variables:
 *   TRAINKIT_MAIN_TRIALS     trials in all (default 100; the time limit usually ends the search first)
 *   TRAINKIT_MAIN_MINUTES    the search's time limit in minutes (default 9.5; trials running then finish)
 *   TRAINKIT_MAIN_WORKERS    worker processes (default 2)
 *   TRAINKIT_MAIN_STORAGE    the store (default sqlite:./trainkit.db)
 *   TRAINKIT_MAIN_PORT       the dashboard's port (default 8080, else a free one if it is taken; 0: any free port)
 *   TRAINKIT_MAIN_EXIT=1     exit once the search ends instead of serving until Ctrl-C
 *   TRAINKIT_FASHION_TRAIN / _EPOCHS: the data and epochs of each trial (examples/tune-fashion.ts)
 *
 * Another machine can join the same study (with a PostgreSQL store), or a worker on this one:
 *   npm run trainkit -- worker examples/tune-fashion.ts --study NAME --storage URL
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  createStudy,
  loadStudy,
  redactUrl,
  startDashboard,
  successiveHalvingPruner,
  tpeSampler,
  useBestBackend,
  type FrozenTrial,
  type Study,
} from 'trainkit';
import tuneFashion, { MAX_EPOCHS } from './tune-fashion.js';

const env = (name: string, fallback: number, min: number, integer: boolean): number => {
  const v = process.env[name];
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n < min || (integer && !Number.isInteger(n)))
    throw new Error(`${name} must be ${integer ? 'an integer' : 'a number'} ≥ ${min}, got ${JSON.stringify(v)}`);
  return n;
};

const storage = process.env.TRAINKIT_MAIN_STORAGE || 'sqlite:./trainkit.db';
const trials = env('TRAINKIT_MAIN_TRIALS', 100, 1, true);
const timeoutS = env('TRAINKIT_MAIN_MINUTES', 9.5, 0.1, false) * 60;
const workers = env('TRAINKIT_MAIN_WORKERS', 2, 1, true);
const port = env('TRAINKIT_MAIN_PORT', 8080, 0, true);

/** Every worker builds the same sampler and pruner: TPE (seeded per worker) and ASHA over the epochs. */
const searchOptions = (seed: number) => ({
  sampler: tpeSampler({ seed, startupTrials: 8 }),
  // Rungs at steps 1, 3 and 9 (epochs are reported from step 0): a third of the trials goes on at each.
  pruner: successiveHalvingPruner({ minResource: 1, reductionFactor: 3 }),
});

/** A worker process: claims trials of the study until the budget is spent. */
async function worker(name: string, index: number): Promise<void> {
  await useBestBackend({ threads: 1 });
  const study = await loadStudy({ name, storage, ...searchOptions(index) });
  // The main process sends SIGTERM on Ctrl-C; a lost IPC channel means it is gone.
  const abort = new AbortController();
  process.once('SIGTERM', () => abort.abort());
  process.once('disconnect', () => abort.abort());
  process.channel?.unref(); // the IPC channel alone must not keep this process alive once the search is done
  try {
    await study.optimize(tuneFashion.objective, { trials, timeoutS, signal: abort.signal });
  } finally {
    await study.close();
  }
  // After an abort, optimize has recorded the running trial as failed, but its training goes on in
  // the background: end the process.
  if (abort.signal.aborted) process.exit(130);
}

function describe(t: FrozenTrial): string {
  const params = Object.entries(t.params)
    .map(([k, v]) => `${k}=${typeof v === 'number' && !Number.isInteger(v) ? v.toPrecision(3) : String(v)}`)
    .join(', ');
  const test = t.userAttrs.test_accuracy;
  return `trial ${t.number}: val_loss ${t.value?.toFixed(4)}, test accuracy ${typeof test === 'number' ? `${(test * 100).toFixed(2)}%` : 'not measured'} (${params})`;
}

async function printOutcome(study: Study): Promise<void> {
  const all = await study.trials();
  const count = (s: string) => all.filter((t) => t.state === s).length;
  console.log(`\n${all.length} trials: ${count('complete')} complete, ${count('pruned')} pruned, ${count('failed')} failed.`);
  const best = await study.bestTrial();
  console.log(best === undefined ? 'No trial completed.' : `Best ${describe(best)}`);
}

async function main(): Promise<void> {
  const name = `fashion-mnist-${new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-')}`;
  const study = await createStudy({ name, storage, direction: tuneFashion.direction, ...searchOptions(0) });
  const dashboard = await startDashboard({ storage, port }).catch((e: NodeJS.ErrnoException) => {
    if (e.code !== 'EADDRINUSE') throw e;
    console.log(`Port ${port} is taken; serving on a free one instead.`);
    return startDashboard({ storage, port: 0 });
  });
  console.log(`Command center: ${dashboard.url}/#/study/${encodeURIComponent(name)}   (store ${redactUrl(storage)})`);
  console.log(`Study ${name}: ${trials} trials of up to ${MAX_EPOCHS} epochs, ${workers} workers, at most ${(timeoutS / 60).toFixed(1)} min. Ctrl-C stops.`);

  const started = Date.now();
  const children: ChildProcess[] = Array.from({ length: workers }, (_, i) =>
        // detached: a terminal's Ctrl-C reaches this process only, which stops the workers once.
    fork(fileURLToPath(import.meta.url), ['--worker', name, String(i + 1)], { execArgv: process.execArgv, stdio: 'inherit', detached: true }),
  );
  let interrupted = 0;
  const onSigint = (): void => {
    interrupted += 1;
    if (interrupted === 1 && children.some((c) => c.exitCode === null)) {
      console.log('\nStopping the workers (their running trials are recorded as failed)…');
      for (const c of children) c.kill('SIGTERM');
    } else {
      void dashboard.close().then(async () => {
        await printOutcome(study);
        await study.close();
        process.exit(0);
      });
    }
  };
  process.on('SIGINT', onSigint);
  await Promise.all(children.map((c) => new Promise((resolve) => c.once('exit', resolve))));
  console.log(`Search ended after ${((Date.now() - started) / 1000).toFixed(0)} s.`);
  await printOutcome(study);
  if (process.env.TRAINKIT_MAIN_EXIT === '1' || interrupted > 0) {
    await dashboard.close();
    await study.close();
    return;
  }
  console.log(`Still serving ${dashboard.url} — Ctrl-C to exit.`);
}

const [flag, name, index] = process.argv.slice(2);
await (flag === '--worker' ? worker(name, Number(index)) : main());
