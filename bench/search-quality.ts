/**
 * Search quality: the best value a sampler finds in a fixed budget of sequential trials, trainkit's
 * samplers against Optuna 3.1's, on the objectives of src/tune/samplers/test_functions.ts (known
 * optima, all minima 0: log-scaled spheres in 2 and 5 dimensions, a Rosenbrock valley in log
 * coordinates, a training-like space with a categorical optimizer, a log-int batch size and a stepped
 * dropout). Each sampler runs the same number of trials on each function for each seed; the table
 * gives the median best value over the seeds and its quartiles. Optuna runs in Debian's Python
 * (bench/search_quality_optuna.py, python3-optuna); both sides' objectives are evaluated at the same
 * random points first, to show they are the same functions.
 *
 *   npx tsx bench/search-quality.ts [--trials 100] [--seeds 10] [--functions a,b]
 *
 * Prints a markdown table and writes bench/results/search-quality.json.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Rng } from '../src/engine/rng.js';
import type { ParamValue } from '../src/store/types.js';
import { bestValue, runStudy } from '../src/tune/samplers/fixture.js';
import { randomSampler, sampleUniform } from '../src/tune/samplers/random.js';
import { TEST_FUNCTIONS } from '../src/tune/samplers/test_functions.js';
import { tpeSampler } from '../src/tune/samplers/tpe.js';
import type { Sampler } from '../src/tune/types.js';

const { values: args } = parseArgs({
  options: {
    trials: { type: 'string', default: '100' },
    seeds: { type: 'string', default: '10' },
    functions: { type: 'string', default: TEST_FUNCTIONS.map((f) => f.name).join(',') },
  },
});
const TRIALS = Number(args.trials);
const SEEDS = Array.from({ length: Number(args.seeds) }, (_, i) => i);
const functions = TEST_FUNCTIONS.filter((f) => args.functions.split(',').includes(f.name));
const SAMPLERS: Record<string, (seed: number) => Sampler> = {
  random: (seed) => randomSampler({ seed }),
  tpe: (seed) => tpeSampler({ seed }),
  'tpe-multivariate': (seed) => tpeSampler({ seed, multivariate: true }),
};

function quantile(values: number[], q: number): number {
  const v = [...values].sort((a, b) => a - b);
  const pos = q * (v.length - 1);
  const lo = Math.floor(pos);
  return v[lo] + (v[Math.min(lo + 1, v.length - 1)] - v[lo]) * (pos - lo);
}

// The same functions on both sides: evaluate each at 5 random points.
const rng = new Rng(12345);
const check = functions.flatMap((f) =>
  Array.from({ length: 5 }, () => ({ function: f.name, params: Object.fromEntries(Object.entries(f.space).map(([n, d]) => [n, sampleUniform(d, rng)])) as Record<string, ParamValue> })),
);

const t0 = performance.now();
const python = spawnSync('/usr/bin/python3', ['bench/search_quality_optuna.py'], {
  input: JSON.stringify({ trials: TRIALS, seeds: SEEDS, functions: functions.map((f) => f.name), samplers: Object.keys(SAMPLERS), check }),
  encoding: 'utf8',
  maxBuffer: 16 * 1024 * 1024,
});
if (python.status !== 0) throw new Error(`Optuna's side failed:\n${python.stderr}`);
const optuna = JSON.parse(python.stdout.trim().split('\n').pop()!) as { optuna: string; best: Record<string, number[]>; seconds: Record<string, number>; check: number[] };
const optunaSeconds = (performance.now() - t0) / 1000;
check.forEach((c, i) => {
  const ours = functions.find((f) => f.name === c.function)!.objective(c.params);
  if (Math.abs(ours - optuna.check[i]) > 1e-9 * Math.max(1, Math.abs(ours)))
    throw new Error(`${c.function} differs at ${JSON.stringify(c.params)}: ${ours} here, ${optuna.check[i]} in Python`);
});

const trainkit: Record<string, number[]> = {};
const seconds: Record<string, number> = {};
for (const f of functions) {
  for (const [name, make] of Object.entries(SAMPLERS)) {
    const start = performance.now();
    const best: number[] = [];
    for (const seed of SEEDS) best.push(bestValue(await runStudy(make(seed), f.space, f.objective, TRIALS)));
    trainkit[`${f.name}/${name}`] = best;
    seconds[`${f.name}/${name}`] = (performance.now() - start) / 1000;
  }
}

const cell = (v: number[]) => `${quantile(v, 0.5).toPrecision(3)} (${quantile(v, 0.25).toPrecision(2)}–${quantile(v, 0.75).toPrecision(2)})`;
console.log(`\nBest value after ${TRIALS} trials, median over ${SEEDS.length} seeds (quartiles); every minimum is 0. Optuna ${optuna.optuna}.\n`);
console.log(`| function | sampler | trainkit | Optuna 3.1 | trainkit s/study | Optuna s/study |`);
console.log(`|---|---|---|---|---|---|`);
for (const f of functions) {
  for (const name of Object.keys(SAMPLERS)) {
    const key = `${f.name}/${name}`;
    console.log(`| ${f.name} | ${name} | ${cell(trainkit[key])} | ${cell(optuna.best[key])} | ${(seconds[key] / SEEDS.length).toFixed(2)} | ${(optuna.seconds[key] / SEEDS.length).toFixed(2)} |`);
  }
}
console.log(`\n(Optuna's side took ${optunaSeconds.toFixed(0)} s in all.)`);
mkdirSync('bench/results', { recursive: true });
writeFileSync(
  'bench/results/search-quality.json',
  JSON.stringify({ date: new Date().toISOString(), trials: TRIALS, seeds: SEEDS, optuna: optuna.optuna, trainkit, optunaBest: optuna.best, seconds, optunaSeconds: optuna.seconds }, null, 1) + '\n',
);
