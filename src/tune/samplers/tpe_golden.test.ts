// Trainkit's TPE internals against Optuna 3.1's on the same observations
// (fixtures/optuna-tpe.json, made by tools/golden/tpe.py).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import type { Distribution, FrozenTrial, TrialState } from '../../store/types.js';
import { parzenEstimator, parzenLogPdf } from './parzen_estimator.js';
import { context, study, trial } from './fixture.js';
import { tpeSampler } from './tpe.js';
import { defaultGamma, defaultWeights, splitTrials } from './tpe_split.js';

interface PlainTrial {
  state: TrialState;
  params: { x: number };
  distributions: { x: Distribution };
  value: number | null;
  intermediate: Array<[number, number | string]>;
}
interface GoldenParzen {
  names: string[];
  observations: Record<string, number[]>;
  multivariate: boolean;
  priorWeight: number;
  weights: number[];
  kernels: Record<string, { low: number; high: number; mus: number[]; sigmas: number[] } | { probabilities: number[][] }>;
  points: Record<string, number[]>;
  logPdf: Array<number | string>;
}
const golden = JSON.parse(readFileSync(new URL('./fixtures/optuna-tpe.json', import.meta.url), 'utf8')) as {
  spaces: Record<string, Distribution>;
  gamma: Record<string, number>;
  weights: Record<string, number[]>;
  splitTrials: PlainTrial[];
  splits: Array<{ direction: 'minimize' | 'maximize'; constantLiar: boolean; count: number; n: number; below: number[]; above: number[] }>;
  parzen: GoldenParzen[];
  proposals: {
    distribution: Distribution;
    history: Array<{ a: number; b: number; value: number }>;
    independent: Record<'a' | 'b', number[]>;
    independentDraws: number;
    multivariate: Record<'a' | 'b', number[]>;
    multivariateDraws: number;
  };
};

const num = (x: number | string): number => (typeof x === 'number' ? x : Number(x.replace('nan', 'NaN').replace('inf', 'Infinity')));

function close(actual: number[], expected: number[], rtol: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  actual.forEach((a, i) => {
    const e = expected[i];
    assert.ok(Math.abs(a - e) <= rtol * Math.max(1, Math.abs(e)), `${what}[${i}]: ${a} vs Optuna ${e}`);
  });
}

function frozen(t: PlainTrial, number: number): FrozenTrial {
  return {
    id: number,
    number,
    state: t.state,
    params: t.params,
    distributions: t.distributions,
    ...(t.value === null ? {} : { value: t.value }),
    intermediate: t.intermediate.map(([s, v]) => [s, num(v)]),
    userAttrs: {},
    retries: 0,
  };
}

test('gamma is min(ceil(0.1 n), 25) exactly as Optuna computes it, float rounding included', () => {
  for (const [n, g] of Object.entries(golden.gamma)) assert.equal(defaultGamma(Number(n)), g, `gamma(${n})`);
});

test('weights are flat below 25 observations and ramp the oldest ones beyond, as Optuna', () => {
  for (const [n, w] of Object.entries(golden.weights)) assert.deepEqual(defaultWeights(Number(n)), w, `weights(${n})`);
});

test('the below/above split ranks complete, pruned (by last step, then value), NaN and running trials as Optuna', () => {
  const trials = golden.splitTrials.map(frozen);
  for (const g of golden.splits) {
    const split = splitTrials(trials.slice(0, g.count), g.direction, g.constantLiar, defaultGamma);
    const label = `${g.direction}, constantLiar=${g.constantLiar}, ${g.count} trials`;
    assert.equal(split.n, g.n, `n: ${label}`);
    assert.deepEqual(split.below.map((i) => split.trials[i].number), g.below, `below: ${label}`);
    assert.deepEqual(split.above.map((i) => split.trials[i].number), g.above, `above: ${label}`);
  }
});

test('running trials always land above under the constant liar, and are ignored without it', () => {
  const trials = golden.splitTrials.map(frozen);
  const split = splitTrials(trials, 'minimize', true, () => 1000);
  const running = trials.filter((t) => t.state === 'running').map((t) => t.number);
  assert.deepEqual(split.above.map((i) => split.trials[i].number), [], 'gamma larger than n keeps everything below');
  const withLiar = splitTrials(trials, 'minimize', true, defaultGamma);
  assert.deepEqual(running.filter((r) => withLiar.below.some((i) => withLiar.trials[i].number === r)), []);
  const withoutLiar = splitTrials(trials, 'minimize', false, defaultGamma);
  assert.deepEqual(running.filter((r) => withoutLiar.trials.some((t) => t.number === r)), []);
});

test('Parzen estimators have Optuna 3.1\'s weights, mus, sigmas, categorical weights and log-densities', () => {
  for (const g of golden.parzen) {
    const space = Object.fromEntries(g.names.map((n) => [n, golden.spaces[n]]));
    const pe = parzenEstimator(g.observations, space, { priorWeight: g.priorWeight, multivariate: g.multivariate, weightsOf: defaultWeights });
    const label = `${g.names.join('+')}, n=${g.observations[g.names[0]].length}, multivariate=${g.multivariate}, priorWeight=${g.priorWeight}`;
    close(pe.weights, g.weights, 1e-14, `weights (${label})`);
    for (const name of g.names) {
      const k = pe.kernels[name];
      const e = g.kernels[name];
      if ('probabilities' in e) {
        assert.equal(k.kind, 'categorical');
        if (k.kind === 'categorical') e.probabilities.forEach((row, i) => close(k.probabilities[i], row, 1e-14, `${name} probabilities[${i}] (${label})`));
      } else {
        assert.equal(k.kind, 'numerical');
        if (k.kind !== 'numerical') continue;
        close([k.low, k.high], [e.low, e.high], 1e-14, `${name} bounds (${label})`);
        close(k.mus, e.mus, 1e-14, `${name} mus (${label})`);
        close(k.sigmas, e.sigmas, 1e-13, `${name} sigmas (${label})`);
      }
    }
    close(parzenLogPdf(pe, g.points), g.logPdf.map(num), 1e-10, `logPdf (${label})`);
  }
});

/** Fractions of log10(x) in 8 bins over [-4, 0], as numpy.histogram. */
function histogram(xs: number[]): number[] {
  const counts = new Array<number>(8).fill(0);
  for (const x of xs) counts[Math.min(7, Math.floor((Math.log10(x) + 4) / 0.5))]++;
  return counts.map((c) => c / xs.length);
}

test('from the same 40 trials, TPE\'s proposals follow the same distribution as Optuna 3.1\'s, independent and multivariate', async () => {
  // The random streams differ, so the check is statistical: 8-bin histograms of 2000 (independent)
  // and 1000 (multivariate) proposals each side; 0.045 and 0.06 are about 3 standard errors of the
  // difference of two bin fractions near 0.3 (√(2·0.3·0.7/n)).
  const g = golden.proposals;
  const d = g.distribution;
  const trials = g.history.map((h, i) => trial(i, 'complete', { a: h.a, b: h.b }, { a: d, b: d }, h.value));
  const s = study();
  const running = (number: number): FrozenTrial => trial(number, 'running');
  for (const name of ['a', 'b'] as const) {
    const xs: number[] = [];
    for (let n = 0; n < g.independentDraws; n++) {
      const t = running(40 + n);
      xs.push((await tpeSampler().sample({ ...context(s, trials, t), name, distribution: d })) as number);
    }
    close(histogram(xs), g.independent[name], 0.045, `independent proposals of ${name}`);
  }
  const joint: Record<'a' | 'b', number[]> = { a: [], b: [] };
  for (let n = 0; n < g.multivariateDraws; n++) {
    const p = await tpeSampler({ multivariate: true }).startTrial!(context(s, trials, running(40 + n)));
    joint.a.push(p.a as number);
    joint.b.push(p.b as number);
  }
  close(histogram(joint.a), g.multivariate.a, 0.06, 'multivariate proposals of a');
  close(histogram(joint.b), g.multivariate.b, 0.06, 'multivariate proposals of b');
});
