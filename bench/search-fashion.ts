/**
 * Search quality on a real task: the search of the main job (examples/tune-fashion.ts — an MLP on
 * Fashion-MNIST, six hyperparameters, up to 15 epochs, validation loss after every epoch) run for the
 * same wall-clock budget by trainkit (TPE with constant liar + ASHA, SQLite store) and by Optuna 3.1
 * + PyTorch 1.13 (the same: TPESampler(constant_liar=True, n_startup_trials=8) +
 * SuccessiveHalvingPruner(1, 3), RDB SQLite store; bench/search_fashion_optuna.py), each with 2 worker
 * processes of one thread on the same training/validation images. The sides run one after the other,
 * never at once. PyTorch runs on OpenBLAS (pthreads), as the project's fair-baseline rule asks.
 *
 * Reported: the best validation loss found by 25/50/75/100% of the budget and in the end (trials
 * running at the deadline finish, on both sides), trials complete / pruned /
 * failed, the test accuracy of each side's best trial, and when trainkit first reached Optuna's final
 * best (the issue's target: trainkit ≥ Optuna, and Optuna's quality sooner).
 *
 *   npm run bench:search-fashion [-- --seconds 600 --workers 2 --skip-optuna]
 *
 * Writes bench/results/search-fashion.json. The worker mode (`--worker STUDY STORAGE INDEX DEADLINE`)
 * is this file run by itself in each worker process.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createStudy, loadStudy, successiveHalvingPruner, tpeSampler, useBestBackend, type FrozenTrial } from 'trainkit';
import { openblasEnv, PYTHON } from './lib/torch.js';

const searchOptions = (seed: number) => ({
  sampler: tpeSampler({ seed, startupTrials: 8, constantLiar: true }),
  pruner: successiveHalvingPruner({ minResource: 1, reductionFactor: 3 }),
});

interface TrialRow {
  number: number;
  state: string;
  value?: number | null;
  finished_s?: number | null;
  test_accuracy?: number | null;
}

async function worker(study: string, storage: string, index: number, deadline: number, trials: number): Promise<void> {
  await useBestBackend({ threads: 1 });
  const { default: spec } = await import('../examples/tune-fashion.js');
  const s = await loadStudy({ name: study, storage, ...searchOptions(index) });
  try {
    await s.optimize(spec.objective, { trials, timeoutS: Math.max(1, (deadline - Date.now()) / 1000) });
  } finally {
    await s.close();
  }
}

/** Best value by time t (seconds), from complete trials. */
function bestBy(rows: TrialRow[], t: number): number | undefined {
  const values = rows.filter((r) => r.state === 'complete' && typeof r.value === 'number' && r.finished_s != null && r.finished_s <= t).map((r) => r.value as number);
  return values.length ? Math.min(...values) : undefined;
}
/** The first time a complete trial reached `target` or better. */
function firstReach(rows: TrialRow[], target: number): number | undefined {
  const times = rows.filter((r) => r.state === 'complete' && typeof r.value === 'number' && (r.value as number) <= target && r.finished_s != null).map((r) => r.finished_s as number);
  return times.length ? Math.min(...times) : undefined;
}
function bestRow(rows: TrialRow[]): TrialRow | undefined {
  return rows.filter((r) => r.state === 'complete' && typeof r.value === 'number').sort((a, b) => (a.value as number) - (b.value as number))[0];
}

async function main(): Promise<void> {
  const { values: args } = parseArgs({
    options: { seconds: { type: 'string', default: '600' }, workers: { type: 'string', default: '2' }, trials: { type: 'string', default: '1000' }, 'skip-optuna': { type: 'boolean', default: false } },
  });
  const seconds = Number(args.seconds);
  const workers = Number(args.workers);
  const trials = Number(args.trials);
  if (!(seconds > 0) || !Number.isInteger(workers) || workers < 1) throw new Error(`--seconds must be > 0 and --workers a positive integer (got ${args.seconds}, ${args.workers})`);
  const dir = mkdtempSync(join(os.tmpdir(), 'trainkit-search-fashion-'));
  const started = new Date().toISOString();
  const load0 = os.loadavg();

  // The same images on both sides: examples/tune-fashion.ts's split.
  const { fashionData, MAX_EPOCHS: epochs } = await import('../examples/tune-fashion.js');
  const split = await fashionData();

  // trainkit
  const storage = `sqlite:${join(dir, 'trainkit.db')}`;
  const study = await createStudy({ name: 'fashion', storage, direction: 'minimize', ...searchOptions(0) });
  const t0 = Date.now();
  const deadline = t0 + seconds * 1000;
  const script = fileURLToPath(import.meta.url);
  await Promise.all(
    Array.from({ length: workers }, (_, i) =>
      new Promise<void>((resolve, reject) => {
        const child = spawn(process.execPath, [...process.execArgv, script, '--worker', 'fashion', storage, String(i + 1), String(deadline), String(trials)], { stdio: 'inherit' });
        child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`trainkit worker ${i + 1} exited with ${code}`))));
      }),
    ),
  );
  const tkWall = (Date.now() - t0) / 1000;
  const tkRows: TrialRow[] = (await study.trials()).map((t: FrozenTrial) => ({
    number: t.number,
    state: t.state,
    value: t.value,
    finished_s: t.finished === undefined ? null : (t.finished - t0) / 1000,
    test_accuracy: typeof t.userAttrs.test_accuracy === 'number' ? t.userAttrs.test_accuracy : null,
  }));
  await study.close();

  // Optuna + PyTorch
  let optuna: { optuna: string; torch: string; blas: string[]; trials: TrialRow[]; wall_s: number } | undefined;
  if (!args['skip-optuna']) {
    const input = JSON.stringify({ storage: `sqlite:///${join(dir, 'optuna.db')}`, study: 'fashion', seconds, workers, epochs, trials, train_indices: [...split.trainIndices], validation_indices: [...split.validationIndices] });
    const py = spawnSync(PYTHON, ['bench/search_fashion_optuna.py'], { input, encoding: 'utf8', env: { ...openblasEnv(), OMP_NUM_THREADS: '1' }, maxBuffer: 64 * 1024 * 1024, stdio: ['pipe', 'pipe', 'inherit'] });
    if (py.status !== 0) throw new Error(`Optuna's side failed (status ${py.status})`);
    optuna = JSON.parse(py.stdout.trim().split('\n').pop()!);
  }
  rmSync(dir, { recursive: true, force: true });

  const count = (rows: TrialRow[], s: string) => rows.filter((r) => r.state === s).length;
  const fmt = (v: number | undefined) => (v === undefined ? '–' : v.toFixed(4));
  const marks = [0.25, 0.5, 0.75, 1, Infinity].map((f) => f * seconds);
  const sides: Array<[string, TrialRow[], number]> = [['trainkit', tkRows, tkWall], ...(optuna ? [[`Optuna ${optuna.optuna} + PyTorch ${optuna.torch}`, optuna.trials, optuna.wall_s] as [string, TrialRow[], number]] : [])];
  console.log(`\nFashion-MNIST MLP search, ${seconds} s, ${workers} workers × 1 thread; best validation loss by time (lower is better)\n`);
  console.log(`| side | ${marks.map((m) => (m === Infinity ? 'final' : `by ${m.toFixed(0)} s`)).join(' | ')} | complete / pruned / failed | best trial's test accuracy | wall s |`);
  console.log(`|---|${marks.map(() => '---').join('|')}|---|---|---|`);
  for (const [name, rows, wall] of sides) {
    const b = bestRow(rows);
    console.log(`| ${name} | ${marks.map((m) => fmt(bestBy(rows, m))).join(' | ')} | ${count(rows, 'complete')} / ${count(rows, 'pruned')} / ${count(rows, 'failed')} | ${b?.test_accuracy == null ? '–' : `${(b.test_accuracy * 100).toFixed(2)}%`} | ${wall.toFixed(0)} |`);
  }
  let reach: number | undefined;
  if (optuna) {
    const target = bestBy(optuna.trials, Infinity);
    const optunaReach = target === undefined ? undefined : firstReach(optuna.trials, target);
    reach = target === undefined ? undefined : firstReach(tkRows, target);
    console.log(`\nOptuna's final best ${fmt(target)} (first reached at ${optunaReach?.toFixed(0) ?? '–'} s); trainkit reached it at ${reach === undefined ? 'never' : `${reach.toFixed(0)} s`}. PyTorch's BLAS: ${optuna.blas.filter((p) => p.includes('x86_64-linux-gnu/')).join(', ')}`);
  }
  mkdirSync('bench/results', { recursive: true });
  writeFileSync(
    'bench/results/search-fashion.json',
    JSON.stringify({ benchmark: 'search-fashion', started, finished: new Date().toISOString(), command: `bench/search-fashion.ts --seconds ${seconds} --workers ${workers}`, machine: { cpu: os.cpus()[0]?.model, logicalCores: os.cpus().length, node: process.version, loadAverage: { start: load0, end: os.loadavg() } }, seconds, workers, epochs, trainkit: { wall_s: tkWall, trials: tkRows }, optuna, trainkitReachedOptunaBestAt: reach }, null, 1) + '\n',
  );
}

const argv = process.argv.slice(2);
if (argv[0] === '--worker') await worker(argv[1], argv[2], Number(argv[3]), Number(argv[4]), Number(argv[5]));
else await main();
