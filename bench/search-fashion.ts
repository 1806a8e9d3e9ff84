/**
 * Search quality on a real task, under issue 8's protocol: a Fashion-MNIST MLP searched for 600 s of
 * wall clock by 2 worker processes (one thread each), by
 *   - trainkit TPE (constant liar) + ASHA (successive halving, minResource 1, reductionFactor 3),
 *   - trainkit random sampling + the same ASHA (what the sampler adds),
 *   - Optuna 3.1 TPE (constant liar) + median pruner, with PyTorch 1.13 on OpenBLAS (pthreads)
 *     (bench/search_fashion_optuna.py),
 * one arm after the other, never at once, each with a fresh SQLite store.
 *
 * The protocol: train = the first 50,000 training images, validation = the last 10,000, test = the
 * test set, pixels / 255. An MLP of 1–3 hidden ReLU layers, each with its own width 64–512 (log) and
 * dropout 0–0.5 (define-by-run: `units_l1`, `dropout_l1`, … exist only for the layers drawn), AdamW with
 * a constant learning rate 1e-4–1e-1 (log) and weight decay 1e-6–1e-1 (log), batch size {64, 128,
 * 256}; up to 8 epochs; the validation accuracy reported after each epoch (maximised). He-normal
 * hidden weights, N(0, 0.01²) output weights, zero biases on both sides.
 *
 * Reported per arm: the best validation accuracy by 150/300/450/600 s and at the end (a trial running
 * at the deadline finishes, on every arm), its test accuracy, when it was found, trials complete /
 * pruned / failed; and when trainkit TPE first reached Optuna's final best. Target: trainkit ≥ Optuna
 * at 600 s, and Optuna's 600-s quality reached sooner.
 *
 *   npm run bench:search-fashion [-- --seconds 600 --workers 2 --arms tpe,random,optuna]
 *
 * Writes bench/results/search-fashion.json. Worker mode (`--worker ARM STUDY STORAGE INDEX DEADLINE`)
 * is this file run by itself in each worker process.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as tfl from '@tensorflow/tfjs-layers';
import {
  adamw,
  createStudy,
  evaluate,
  fashionMnist,
  fit,
  loadStudy,
  randomSampler,
  subset,
  successiveHalvingPruner,
  tpeSampler,
  TrialPruned,
  tuneReport,
  useBestBackend,
  type ArrayDataset,
  type FrozenTrial,
  type Trial,
} from 'trainkit';
import { openblasEnv, PYTHON } from './lib/torch.js';

const EPOCHS = 8;
const TRAIN = 50_000;
type Arm = 'tpe' | 'random';

const searchOptions = (arm: Arm, seed: number) => ({
  sampler: arm === 'tpe' ? tpeSampler({ seed, constantLiar: true }) : randomSampler({ seed }),
  pruner: successiveHalvingPruner({ minResource: 1, reductionFactor: 3 }),
});

/** The protocol's data: the first 50,000 training images, the last 10,000, the test set. */
async function protocolData(): Promise<{ train: ArrayDataset; validation: ArrayDataset; test: ArrayDataset }> {
  const all = await fashionMnist({ split: 'train', layout: 'flat' });
  const test = await fashionMnist({ split: 'test', layout: 'flat' });
  const range = (from: number, to: number): ArrayDataset => subset(all, Array.from({ length: to - from }, (_, i) => from + i));
  return { train: range(0, TRAIN), validation: range(TRAIN, all.size), test };
}

async function objective(trial: Trial, data: Awaited<ReturnType<typeof protocolData>>): Promise<number> {
  const layers = await trial.suggestInt('layers', 1, 3);
  const hidden: tfl.layers.Layer[] = [];
  for (let i = 1; i <= layers; i++) {
    const units = await trial.suggestInt(`units_l${i}`, 64, 512, { log: true });
    const dropout = await trial.suggestFloat(`dropout_l${i}`, 0, 0.5);
    hidden.push(tfl.layers.dense({ units, activation: 'relu', kernelInitializer: tfl.initializers.heNormal({ seed: trial.number * 10 + i }), ...(i === 1 ? { inputShape: [784] } : {}) }));
    if (dropout > 0) hidden.push(tfl.layers.dropout({ rate: dropout, seed: trial.number * 10 + 5 + i }));
  }
  const learningRate = await trial.suggestFloat('lr', 1e-4, 1e-1, { log: true });
  const weightDecay = await trial.suggestFloat('weightDecay', 1e-6, 1e-1, { log: true });
  const batchSize = await trial.suggestCategorical('batchSize', [64, 128, 256]);
  const model = tfl.sequential({ layers: [...hidden, tfl.layers.dense({ units: 10, kernelInitializer: tfl.initializers.randomNormal({ stddev: 0.01, seed: trial.number * 10 + 9 }) })] });
  try {
    const report = tuneReport(trial, { monitor: 'val_accuracy', record: false });
    const history = await fit(model, { train: data.train, validation: data.validation }, {
      optimizer: adamw({ learningRate, weightDecay }),
      epochs: EPOCHS,
      batchSize,
      validationBatchSize: 1000, // as the PyTorch side evaluates, in chunks of 1000
      metrics: ['accuracy'],
      seed: trial.number,
      verbose: 'silent',
      callbacks: [report],
    });
    if (report.pruned) throw new TrialPruned();
    const { accuracy } = await evaluate(model, data.test, { metrics: ['accuracy'] });
    await trial.setUserAttr('test_accuracy', accuracy);
    return history.epochs.at(-1)!.logs.val_accuracy;
  } finally {
    model.dispose();
  }
}

async function worker(arm: Arm, study: string, storage: string, index: number, deadline: number): Promise<void> {
  await useBestBackend({ threads: 1 });
  const data = await protocolData();
  const s = await loadStudy({ name: study, storage, ...searchOptions(arm, index) });
  try {
    await s.optimize((t) => objective(t, data), { timeoutS: Math.max(1, (deadline - Date.now()) / 1000) });
  } finally {
    await s.close();
  }
}

interface TrialRow {
  number: number;
  state: string;
  value?: number | null;
  finished_s?: number | null;
  test_accuracy?: number | null;
}

const complete = (rows: TrialRow[]) => rows.filter((r) => r.state === 'complete' && typeof r.value === 'number' && r.finished_s != null);
/** The best (highest) validation accuracy by time t, and its row. */
function bestBy(rows: TrialRow[], t: number): TrialRow | undefined {
  return complete(rows)
    .filter((r) => (r.finished_s as number) <= t)
    .sort((a, b) => (b.value as number) - (a.value as number) || (a.finished_s as number) - (b.finished_s as number))[0];
}
/** When a complete trial first reached `target` or better. */
function firstReach(rows: TrialRow[], target: number): number | undefined {
  const times = complete(rows).filter((r) => (r.value as number) >= target).map((r) => r.finished_s as number);
  return times.length ? Math.min(...times) : undefined;
}

async function runTrainkitArm(arm: Arm, dir: string, seconds: number, workers: number): Promise<{ trials: TrialRow[]; wall_s: number }> {
  const storage = `sqlite:${join(dir, `trainkit-${arm}.db`)}`;
  const study = await createStudy({ name: 'fashion', storage, direction: 'maximize', ...searchOptions(arm, 0) });
  const t0 = Date.now();
  const deadline = t0 + seconds * 1000;
  const script = fileURLToPath(import.meta.url);
  await Promise.all(
    Array.from({ length: workers }, (_, i) =>
      new Promise<void>((resolve, reject) => {
        const child = spawn(process.execPath, [...process.execArgv, script, '--worker', arm, 'fashion', storage, String(i + 1), String(deadline)], { stdio: 'inherit' });
        child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`trainkit ${arm} worker ${i + 1} exited with ${code}`))));
      }),
    ),
  );
  const wall = (Date.now() - t0) / 1000;
  const trials = (await study.trials()).map((t: FrozenTrial) => ({
    number: t.number,
    state: t.state,
    value: t.value,
    finished_s: t.finished === undefined ? null : (t.finished - t0) / 1000,
    test_accuracy: typeof t.userAttrs.test_accuracy === 'number' ? t.userAttrs.test_accuracy : null,
  }));
  await study.close();
  return { trials, wall_s: wall };
}

async function main(): Promise<void> {
  const { values: args } = parseArgs({ options: { seconds: { type: 'string', default: '600' }, workers: { type: 'string', default: '2' }, arms: { type: 'string', default: 'tpe,random,optuna' } } });
  const seconds = Number(args.seconds);
  const workers = Number(args.workers);
  const arms = args.arms.split(',');
  if (!(seconds > 0) || !Number.isInteger(workers) || workers < 1) throw new Error(`--seconds must be > 0 and --workers a positive integer (got ${args.seconds}, ${args.workers})`);
  const unknown = arms.filter((a) => !['tpe', 'random', 'optuna'].includes(a));
  if (unknown.length) throw new Error(`--arms: unknown ${JSON.stringify(unknown[0])} (valid: tpe, random, optuna)`);
  const dir = mkdtempSync(join(os.tmpdir(), 'trainkit-search-fashion-'));
  const started = new Date().toISOString();
  const load0 = os.loadavg();
  const results: Record<string, { label: string; trials: TrialRow[]; wall_s: number; versions?: Record<string, unknown> }> = {};
  try {
    for (const arm of arms) {
      console.log(`\n${arm}: ${seconds} s, ${workers} workers…`);
      if (arm === 'optuna') {
        const input = JSON.stringify({ storage: `sqlite:///${join(dir, 'optuna.db')}`, study: 'fashion', seconds, workers, epochs: EPOCHS, train: TRAIN });
        const py = spawnSync(PYTHON, ['bench/search_fashion_optuna.py'], { input, encoding: 'utf8', env: { ...openblasEnv(), OMP_NUM_THREADS: '1', PYTHONWARNINGS: 'ignore' }, maxBuffer: 64 * 1024 * 1024, stdio: ['pipe', 'pipe', 'inherit'] });
        if (py.status !== 0) throw new Error(`Optuna's side failed (status ${py.status})`);
        const out = JSON.parse(py.stdout.trim().split('\n').pop()!) as { optuna: string; torch: string; blas: string[]; trials: TrialRow[]; wall_s: number };
        results.optuna = { label: `Optuna ${out.optuna} TPE + median, PyTorch ${out.torch}`, trials: out.trials, wall_s: out.wall_s, versions: { optuna: out.optuna, torch: out.torch, blas: out.blas.filter((p) => p.includes('x86_64-linux-gnu/')) } };
      } else {
        const r = await runTrainkitArm(arm as Arm, dir, seconds, workers);
        results[arm] = { label: arm === 'tpe' ? 'trainkit TPE + ASHA' : 'trainkit random + ASHA', ...r };
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  const count = (rows: TrialRow[], s: string) => rows.filter((r) => r.state === s).length;
  const pct = (v: number | null | undefined) => (v == null ? '–' : `${(v * 100).toFixed(2)}%`);
  const marks = [0.25, 0.5, 0.75, 1, Infinity].map((f) => f * seconds);
  console.log(`\nFashion-MNIST MLP search (issue 8's protocol), ${seconds} s, ${workers} workers × 1 thread: best validation accuracy by time\n`);
  console.log(`| arm | ${marks.map((m) => (m === Infinity ? 'final' : `by ${m.toFixed(0)} s`)).join(' | ')} | found at | its test accuracy | complete / pruned / failed | wall s |`);
  console.log(`|---|${marks.map(() => '---:').join('|')}|---:|---:|---|---:|`);
  const summary: Record<string, unknown> = {};
  for (const [arm, r] of Object.entries(results)) {
    const best = bestBy(r.trials, Infinity);
    const foundAt = best === undefined ? undefined : firstReach(r.trials, best.value as number);
    summary[arm] = { best: best?.value ?? null, testAccuracy: best?.test_accuracy ?? null, foundAt_s: foundAt ?? null, bestBy: Object.fromEntries(marks.map((m) => [m === Infinity ? 'final' : String(m), bestBy(r.trials, m)?.value ?? null])) };
    console.log(
      `| ${r.label} | ${marks.map((m) => pct(bestBy(r.trials, m)?.value)).join(' | ')} | ${foundAt === undefined ? '–' : `${foundAt.toFixed(0)} s`} | ${pct(best?.test_accuracy)} | ${count(r.trials, 'complete')} / ${count(r.trials, 'pruned')} / ${count(r.trials, 'failed')} | ${r.wall_s.toFixed(0)} |`,
    );
  }
  let reach: number | undefined;
  if (results.optuna && results.tpe) {
    const target = bestBy(results.optuna.trials, Infinity)?.value;
    reach = target == null ? undefined : firstReach(results.tpe.trials, target);
    console.log(`\nOptuna's final best ${pct(target)}; trainkit TPE reached it ${reach === undefined ? 'never' : `at ${reach.toFixed(0)} s`}. PyTorch's BLAS: ${(results.optuna.versions?.blas as string[]).join(', ')}`);
  }
  mkdirSync('bench/results', { recursive: true });
  writeFileSync(
    'bench/results/search-fashion.json',
    JSON.stringify(
      { benchmark: 'search-fashion', started, finished: new Date().toISOString(), command: `bench/search-fashion.ts --seconds ${seconds} --workers ${workers} --arms ${arms.join(',')}`, machine: { cpu: os.cpus()[0]?.model, logicalCores: os.cpus().length, node: process.version, loadAverage: { start: load0, end: os.loadavg() } }, seconds, workers, epochs: EPOCHS, summary, tpeReachedOptunaBestAt_s: reach ?? null, arms: results },
      null,
      1,
    ) + '\n',
  );
}

const argv = process.argv.slice(2);
if (argv[0] === '--worker') await worker(argv[1] as Arm, argv[2], argv[3], Number(argv[4]), Number(argv[5]));
else await main();
