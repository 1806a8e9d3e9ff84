import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidArgumentError } from '../../errors.js';
import type { Distribution, FrozenTrial } from '../../store/types.js';
import { context, study, trial } from './fixture.js';
import { parzenEstimator, parzenLogPdf, sampleParzen } from './parzen_estimator.js';
import { randomSampler } from './random.js';
import { intersectionSearchSpace, tpeSampler } from './tpe.js';
import { trialRng } from './trial_rng.js';
import { defaultWeights } from './tpe_split.js';

const X: Distribution = { type: 'float', low: 0, high: 1, log: false };
const s = study();

/** n complete trials with x evenly spread and value (x − 0.3)². */
function history(n: number, offset = 0): FrozenTrial[] {
  return Array.from({ length: n }, (_, i) => {
    const x = ((i * 0.37) % 1 + offset) % 1;
    return trial(i, 'complete', { x }, { x: X }, (x - 0.3) ** 2);
  });
}

const ask = (sampler: ReturnType<typeof tpeSampler>, trials: FrozenTrial[], number: number, name = 'x', distribution: Distribution = X) => {
  const t = trial(number, 'running');
  return sampler.sample({ ...context(s, trials, t), name, distribution });
};

test('before startupTrials complete or pruned trials, TPE draws exactly what randomSampler draws', async () => {
  const trials = history(9);
  const tpe = tpeSampler({ seed: 4 });
  const random = randomSampler({ seed: 4 });
  const t = trial(9, 'running');
  assert.equal(await tpe.sample({ ...context(s, trials, t), name: 'x', distribution: X }), await random.sample({ ...context(s, trials, t), name: 'x', distribution: X }));
  // Running trials do not count towards the startup; a pruned one does.
  const running = [...trials, trial(9, 'running', { x: 0.5 }, { x: X })];
  assert.equal(await ask(tpe, running, 10), await ask(random, running, 10));
  const pruned = [...trials, { ...trial(9, 'pruned', { x: 0.5 }, { x: X }), intermediate: [[0, 1]] as Array<[number, number]> }];
  assert.notEqual(await ask(tpe, pruned, 10), await ask(random, pruned, 10));
});

test('after the startup, a proposal is the candidate from l(x) with the largest log l(x) − log g(x), running trials in g', async () => {
  // 20 complete trials: gamma(20) = 2, so the two best are below. Two running trials join g (constant liar).
  const trials = [...history(20), trial(20, 'running', { x: 0.31 }, { x: X }), trial(21, 'running', {}, {})];
  const byValue = trials.slice(0, 20).sort((a, b) => (a.value as number) - (b.value as number));
  const below = byValue.slice(0, 2).sort((a, b) => a.number - b.number);
  const above = [...byValue.slice(2).sort((a, b) => a.number - b.number), trials[20]];
  const options = { priorWeight: 1, multivariate: false, weightsOf: defaultWeights };
  const l = parzenEstimator({ x: below.map((t) => t.params.x as number) }, { x: X }, options);
  const g = parzenEstimator({ x: above.map((t) => t.params.x as number) }, { x: X }, options);
  const candidates = sampleParzen(l, trialRng(0, 22, 'x'), 24);
  const score = parzenLogPdf(l, candidates).map((v, i) => v - parzenLogPdf(g, candidates)[i]);
  const expected = candidates.x[score.indexOf(Math.max(...score))];
  assert.equal(await ask(tpeSampler(), trials, 22), expected);
  // Without the constant liar the running trial is ignored, and the proposal changes.
  assert.notEqual(await ask(tpeSampler({ constantLiar: false }), trials, 22), expected);
});

test('failed and waiting trials do not change a proposal', async () => {
  const trials = history(30);
  const noisy = [...trials, trial(30, 'failed', { x: 0.3 }, { x: X }), trial(31, 'waiting', { x: 0.3 }, { x: X })];
  assert.equal(await ask(tpeSampler({ seed: 2 }), noisy, 32), await ask(tpeSampler({ seed: 2 }), trials, 32));
});

test('maximising v proposes exactly what minimising −v proposes', async () => {
  const trials = history(30);
  const negated = trials.map((t) => ({ ...t, value: -(t.value as number) }));
  const t = trial(30, 'running');
  const min = await tpeSampler().sample({ ...context(study('minimize'), trials, t), name: 'x', distribution: X });
  const max = await tpeSampler().sample({ ...context(study('maximize'), negated, t), name: 'x', distribution: X });
  assert.equal(max, min);
});

test('TPE proposals concentrate near the good trials: 20 proposals after 40 trials land closer to the optimum than uniform draws', async () => {
  const trials = history(40);
  const xs = await Promise.all(Array.from({ length: 20 }, (_, i) => ask(tpeSampler(), trials, 40 + i) as number));
  const meanDistance = xs.reduce((a, x) => a + Math.abs(x - 0.3), 0) / xs.length;
  // Uniform draws on [0, 1] are 0.29 from 0.3 on average.
  assert.ok(meanDistance < 0.1, `mean distance ${meanDistance}`);
});

test('proposals respect each distribution: log floats, stepped floats, ints, log ints, categoricals, single values', async () => {
  const space: Record<string, Distribution> = {
    lr: { type: 'float', low: 1e-5, high: 1, log: true },
    dropout: { type: 'float', low: 0, high: 0.5, log: false, step: 0.1 },
    layers: { type: 'int', low: 1, high: 9, log: false, step: 2 },
    batch: { type: 'int', low: 8, high: 512, log: true, step: 1 },
    act: { type: 'categorical', choices: ['relu', 'gelu', null] },
    fixed: { type: 'int', low: 3, high: 3, log: false, step: 1 },
  };
  const trials = Array.from({ length: 15 }, (_, i) =>
    trial(i, 'complete', { lr: 10 ** -(i % 5), dropout: (i % 6) / 10, layers: 1 + 2 * (i % 5), batch: 8 * 2 ** (i % 7), act: ['relu', 'gelu', null][i % 3], fixed: 3 }, space, i % 4),
  );
  for (let n = 15; n < 25; n++) {
    for (const [name, d] of Object.entries(space)) {
      const v = await ask(tpeSampler(), trials, n, name, d);
      if (d.type === 'categorical') assert.ok(d.choices.includes(v as never), `${name} = ${v}`);
      else {
        assert.ok(typeof v === 'number' && v >= d.low && v <= d.high, `${name} = ${v}`);
        if (d.type === 'int') assert.ok(Number.isInteger(v) && (v - d.low) % d.step === 0, `${name} = ${v}`);
        if (d.type === 'float' && d.step !== undefined) assert.ok(Math.abs(Math.round(v / d.step) * d.step - v) < 1e-12, `${name} = ${v}`);
      }
    }
  }
  assert.equal(await ask(tpeSampler(), trials, 30, 'fixed', space.fixed), 3);
});

test('the intersection search space holds the params every complete or pruned trial has with the same distribution', () => {
  const Y: Distribution = { type: 'int', low: 0, high: 9, log: false, step: 1 };
  const trials = [
    trial(0, 'complete', { x: 0.1, y: 1, z: 'a' }, { x: X, y: Y, z: { type: 'categorical', choices: ['a'] } }, 1),
    trial(1, 'pruned', { x: 0.2, y: 2, z: 'a' }, { x: X, y: { ...Y, high: 8 }, z: { type: 'categorical', choices: ['a'] } }),
    trial(2, 'running', { x: 0.2 }, { x: X }),
    trial(3, 'failed', {}, {}),
  ];
  // y's distribution differs between trials; z has a single choice; running and failed trials do not count.
  assert.deepEqual(intersectionSearchSpace(trials), { x: X });
});

test('multivariate TPE draws the intersection space jointly at the start of a trial, after the startup', async () => {
  const Y: Distribution = { type: 'float', low: 1e-3, high: 1, log: true };
  const trials = Array.from({ length: 12 }, (_, i) => trial(i, 'complete', { x: (i * 0.37) % 1, y: 10 ** -((i * 0.61) % 3) }, { x: X, y: Y }, i));
  const sampler = tpeSampler({ multivariate: true });
  const early = trial(5, 'running');
  assert.deepEqual(await sampler.startTrial!(context(s, trials.slice(0, 5), early)), {});
  const t = trial(12, 'running');
  const joint = await sampler.startTrial!(context(s, trials, t));
  assert.deepEqual(Object.keys(joint).sort(), ['x', 'y']);
  assert.ok((joint.x as number) >= 0 && (joint.x as number) <= 1 && (joint.y as number) >= 1e-3 && (joint.y as number) <= 1);
  assert.deepEqual(await tpeSampler().startTrial!(context(s, trials, t)), {}, 'univariate TPE draws nothing up front');
});

test('tpeSampler names a bad option and describes itself', () => {
  const cases: Array<[object, RegExp]> = [
    [{ seed: 1.5 }, /seed: 1.5/],
    [{ startupTrials: -1 }, /startupTrials: -1 \(expected an integer >= 0\)/],
    [{ eiCandidates: 0 }, /eiCandidates: 0/],
    [{ priorWeight: 0 }, /priorWeight: 0/],
    [{ multivariate: 'yes' }, /multivariate: "yes"/],
    [{ gamma: 3 }, /gamma: 3/],
  ];
  for (const [o, message] of cases) assert.throws(() => tpeSampler(o as never), (e: unknown) => e instanceof InvalidArgumentError && message.test(e.message));
  assert.equal(tpeSampler().description, 'tpe(seed=0, startupTrials=10, multivariate=false)');
  assert.equal(tpeSampler({ seed: 3, constantLiar: false, eiCandidates: 48 }).description, 'tpe(seed=3, startupTrials=10, multivariate=false, eiCandidates=48, constantLiar=false)');
});

test('a custom gamma decides how many trials are good, and a gamma that returns a non-integer is named', async () => {
  const trials = history(30);
  // gamma = n: every trial is below, so g is the prior alone and l spreads over all trials.
  const all = await ask(tpeSampler({ gamma: (n) => n }), trials, 30);
  assert.notEqual(all, await ask(tpeSampler(), trials, 30));
  await assert.rejects(async () => ask(tpeSampler({ gamma: (n) => n / 7 }), trials, 30), /gamma\(30\): 4\.28/);
});
