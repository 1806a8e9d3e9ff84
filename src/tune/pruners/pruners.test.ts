// Pruners on hand-worked studies: which trials the rules promote or prune at each rung.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidArgumentError } from '../../errors.js';
import type { FrozenTrial } from '../../store/types.js';
import { crc32 } from './crc32.js';
import { context, study, trial } from './fixture.js';
import { hyperbandBracket, hyperbandBudgets, hyperbandPruner } from './hyperband.js';
import { medianPruner, nanPercentile } from './median.js';
import { noPruner } from './nop.js';
import { successiveHalvingPruner } from './successive_halving.js';

const minimize = study('minimize');
const maximize = study('maximize');

/** Asks `pruner` about each trial in turn, as if each reported its curve after the previous ones. */
async function judgeInTurn(pruner: ReturnType<typeof successiveHalvingPruner>, s = minimize, trials: FrozenTrial[]): Promise<boolean[]> {
  const out: boolean[] = [];
  for (let i = 0; i < trials.length; i++) {
    const prune = await pruner.shouldPrune(context(s, trials.slice(0, i + 1), trials[i]));
    out.push(prune);
    if (prune) trials[i].state = 'pruned';
  }
  return out;
}

test('noPruner never prunes', () => {
  const t = trial(0, 'running', [[0, NaN]]);
  assert.equal(noPruner().shouldPrune(context(minimize, [t], t)), false);
  assert.equal(noPruner().description, 'none');
});

test('successive halving keeps the top floor(n/eta) of the trials at a rung, or only the best while that is 0', async () => {
  // eta = 2, rung 0 at step 1. In turn: 0.5 alone (best: kept); 0.7 of 2 (top 1 is 0.5: pruned);
  // 0.4 of 3 (top 1: kept); 0.6 of 4 (top 2 are 0.4, 0.5: pruned); 0.45 of 5 (top 2: 0.4, 0.45: kept).
  const values = [0.5, 0.7, 0.4, 0.6, 0.45];
  const trials = values.map((v, i) => trial(i, 'running', [[0, 9], [1, v]]));
  assert.deepEqual(await judgeInTurn(successiveHalvingPruner({ reductionFactor: 2 }), minimize, trials), [false, true, false, true, false]);
  const negated = values.map((v, i) => trial(i, 'running', [[0, -9], [1, -v]]));
  assert.deepEqual(await judgeInTurn(successiveHalvingPruner({ reductionFactor: 2 }), maximize, negated), [false, true, false, true, false]);
});

test('successive halving judges a trial only when it reaches a rung at r * eta^(s + k)', async () => {
  // r = 2, eta = 3, s = 1: rungs at steps 6, 18, 54. Trial 0 set a good value at step 6 and 18.
  const pruner = successiveHalvingPruner({ minResource: 2, reductionFactor: 3, minEarlyStoppingRate: 1 });
  const best = trial(0, 'complete', [[5, 0.1], [6, 0.1], [18, 0.05]], 0.05);
  const before = trial(1, 'running', [[4, 0.9], [5, 0.9]]);
  assert.equal(await pruner.shouldPrune(context(minimize, [best, before], before)), false, 'step 5 is before the first rung');
  const at = trial(1, 'running', [[5, 0.9], [6, 0.9]]);
  assert.equal(await pruner.shouldPrune(context(minimize, [best, at], at)), true, 'worse than the only other trial at step 6');
  const between = trial(1, 'running', [[6, 0.1], [7, 0.9]]);
  assert.equal(await pruner.shouldPrune(context(minimize, [best, between], between)), false, 'step 7 is between rungs');
});

test('successive halving prunes a NaN value at a rung, and a NaN trial does not compete', async () => {
  const pruner = successiveHalvingPruner({ reductionFactor: 2 });
  const nan = trial(0, 'pruned', [[1, NaN]]);
  const t = trial(1, 'running', [[1, 5]]);
  assert.equal(await pruner.shouldPrune(context(minimize, [nan, t], t)), false, 'alone at the rung once NaN is left out');
  const u = trial(2, 'running', [[1, NaN]]);
  assert.equal(await pruner.shouldPrune(context(minimize, [nan, t, u], u)), true);
});

test('a pruned trial whose last report crossed two rungs competes only at the first of them', async () => {
  // eta = 2: rungs at 1, 2, 4. Trial 0 reported at step 0 then 2 (crossing rungs 0 and 1) and was pruned.
  const pruner = successiveHalvingPruner({ reductionFactor: 2 });
  const crossed = trial(0, 'pruned', [[0, 1], [2, 0.1]]);
  const t = trial(1, 'running', [[1, 0.5], [2, 0.5]]);
  // At rung 1 (step 2) trial 1 is alone: trial 0 never got past rung 0 as far as the store says.
  assert.equal(await pruner.shouldPrune(context(minimize, [crossed, t], t)), false);
  const t0 = trial(1, 'running', [[1, 0.5]]);
  // At rung 0 (step 1) trial 0's value 0.1 competes, and 0.5 of 2 is not the best.
  assert.equal(await pruner.shouldPrune(context(minimize, [crossed, t0], t0)), true);
});

test('median pruning: worse than the median of complete trials at the same step, best-so-far, direction-aware', () => {
  const complete = [1, 2, 3, 4, 5].map((v, i) => trial(i, 'complete', [[0, 10], [3, v]], v));
  const judge = (s: typeof minimize, t: FrozenTrial, o = {}) => medianPruner(o).shouldPrune(context(s, [...complete, t], t));
  assert.equal(judge(minimize, trial(5, 'running', [[0, 9], [3, 3.5]])), true, '3.5 > median 3');
  assert.equal(judge(minimize, trial(5, 'running', [[0, 2.9], [3, 3.5]])), false, 'its best so far, 2.9, is below 3');
  assert.equal(judge(minimize, trial(5, 'running', [[0, 9], [3, 3]])), false, 'equal to the median is kept');
  assert.equal(judge(minimize, trial(5, 'running', [[0, 9], [4, 3.5]])), false, 'no complete trial reported step 4');
  const negated = [1, 2, 3, 4, 5].map((v, i) => trial(i, 'complete', [[3, -v]], -v));
  const t = trial(5, 'running', [[3, -3.5]]);
  assert.equal(medianPruner().shouldPrune(context(maximize, [...negated, t], t)), true, '-3.5 < median -3 when maximising');
  assert.equal(judge(minimize, trial(5, 'running', [[0, NaN], [3, NaN]])), true, 'all NaN is pruned');
  assert.equal(judge(minimize, trial(5, 'running', [[0, 9], [3, 3.5]]), { startupTrials: 6 }), false, 'only 5 complete trials');
  assert.equal(judge(minimize, trial(5, 'running', [[0, 9], [3, 3.5]]), { warmupSteps: 4 }), false, 'step 3 is in the warmup');
  // intervalSteps 2 after warmup 1: judged at the first report at or after steps 1, 3, 5, ...
  assert.equal(judge(minimize, trial(5, 'running', [[2, 9], [3, 3.5]]), { warmupSteps: 1, intervalSteps: 2 }), true, 'step 3 opens an interval');
  assert.equal(judge(minimize, trial(5, 'running', [[3, 9], [4, 3.5]]), { warmupSteps: 1, intervalSteps: 2 }), false, 'step 4 is inside one');
});

test('nanPercentile interpolates linearly between order statistics, skipping NaN, as numpy', () => {
  assert.equal(nanPercentile([4, 1, NaN, 3, 2], 50), 2.5);
  assert.equal(nanPercentile([5, 1, 3], 50), 3);
  assert.equal(nanPercentile([1, 2, 3, 4], 25), 1.75);
  assert.ok(Number.isNaN(nanPercentile([NaN], 50)));
});

test('hyperband: B = floor(log_eta(max/min)) + 1 brackets with budgets ceil(B eta^s / (s + 1))', () => {
  // max 30, min 1, eta 3: B = floor(3.09...) + 1 = 4; s = 3, 2, 1, 0: ceil(4·27/4) = 27, ceil(4·9/3) = 12, ceil(4·3/2) = 6, 4.
  assert.deepEqual(hyperbandBudgets(1, 30, 3), [27, 12, 6, 4]);
  assert.deepEqual(hyperbandBudgets(1, 1, 3), [1]);
});

test('hyperband assigns a trial to the bracket where crc32("study_number") mod the total budget falls', () => {
  assert.equal(crc32('123456789'), 0xcbf43926, 'the standard CRC-32 check value');
  assert.equal(crc32('résumé_3'), 4061207627, 'UTF-8 bytes, as Python encodes the string');
  const budgets = [27, 12, 6, 4]; // 49 in all: 0..26 → 0, 27..38 → 1, 39..44 → 2, 45..48 → 3
  assert.equal(crc32('hb-study_0') % 49, 1);
  assert.equal(hyperbandBracket('hb-study', 0, budgets), 0);
  assert.equal(crc32('hb-study_1') % 49, 37);
  assert.equal(hyperbandBracket('hb-study', 1, budgets), 1);
});

test('hyperband compares a trial only with trials of its own bracket, whose first rung is min * eta^bracket', async () => {
  const s = study('minimize', 'hb-study');
  const budgets = hyperbandBudgets(1, 30, 3);
  const numbers = Array.from({ length: 60 }, (_, n) => n);
  const inBracket0 = numbers.filter((n) => hyperbandBracket('hb-study', n, budgets) === 0);
  const inBracket1 = numbers.filter((n) => hyperbandBracket('hb-study', n, budgets) === 1);
  const pruner = hyperbandPruner({ maxResource: 30 });
  // A very good trial in bracket 1 does not make a bracket-0 trial look bad.
  const other = trial(inBracket1[0], 'complete', [[1, 0.01], [3, 0.01]], 0.01);
  const first = trial(inBracket0[0], 'running', [[1, 0.5]]);
  assert.equal(await pruner.shouldPrune(context(s, [other, first], first)), false, 'alone in bracket 0 at step 1');
  // In bracket 0 (rungs 1, 3, 9, 27) a second, worse trial is pruned at step 1 (top floor(2/3) = 0: only the best).
  const second = trial(inBracket0[1], 'running', [[1, 0.6]]);
  assert.equal(await pruner.shouldPrune(context(s, [other, first, second], second)), true);
  // In bracket 1 (rungs 3, 9, 27) nothing is judged at step 1.
  const early = trial(inBracket1[1], 'running', [[1, 9]]);
  assert.equal(await pruner.shouldPrune(context(s, [other, first, early], early)), false);
});

test('every pruner names a bad option, its value and what would be valid', () => {
  const cases: Array<[() => unknown, RegExp]> = [
    [() => medianPruner({ startupTrials: -1 }), /startupTrials: -1 \(expected an integer >= 0\)/],
    [() => medianPruner({ warmupSteps: 1.5 }), /warmupSteps: 1.5/],
    [() => medianPruner({ intervalSteps: 0 }), /intervalSteps: 0 \(expected an integer >= 1\)/],
    [() => successiveHalvingPruner({ minResource: 0 }), /minResource: 0/],
    [() => successiveHalvingPruner({ reductionFactor: 1 }), /reductionFactor: 1 \(expected an integer >= 2\)/],
    [() => successiveHalvingPruner({ minEarlyStoppingRate: -2 }), /minEarlyStoppingRate: -2/],
    [() => hyperbandPruner({ maxResource: 0 }), /maxResource: 0/],
    [() => hyperbandPruner({ minResource: 5, maxResource: 4 }), /maxResource: 4 \(expected an integer >= minResource \(5\), or 'auto'\)/],
    [() => hyperbandPruner({ maxResource: 'max' as never }), /maxResource: "max" \(expected an integer >= 1 or 'auto'\)/],
    [() => successiveHalvingPruner({ minResource: 'automatic' as never }), /minResource: "automatic" \(expected an integer >= 1 or 'auto'\)/],
    [() => hyperbandPruner({ maxResource: 30, reductionFactor: 1 }), /reductionFactor: 1/],
  ];
  for (const [make, message] of cases) assert.throws(make, (e: unknown) => e instanceof InvalidArgumentError && message.test(e.message));
});

test('pruner descriptions list their options', () => {
  assert.equal(medianPruner().description, 'median(startupTrials=5, warmupSteps=0, intervalSteps=1)');
  assert.equal(successiveHalvingPruner().description, 'successiveHalving(minResource=1, reductionFactor=4, minEarlyStoppingRate=0)');
  assert.equal(hyperbandPruner({ maxResource: 30 }).description, 'hyperband(minResource=1, maxResource=30, reductionFactor=3; 4 brackets)');
});

test("'auto' resources come from the first trial to complete: no pruning before, rungs from its last step after", async () => {
  const sh = successiveHalvingPruner({ minResource: 'auto', reductionFactor: 2 });
  const hb = hyperbandPruner({ reductionFactor: 2 });
  const leader = trial(0, 'running', [[2, 0.1], [3, 0.1]]);
  const worse = trial(1, 'running', [[2, 0.9], [3, 0.9]]);
  for (const p of [sh, hb]) assert.equal(await p.shouldPrune(context(minimize, [leader, worse], worse)), false, `${p.description}: nothing is pruned before a trial completes`);
  // Trial 2 completed first (finished earlier) with last step 399: minResource = 3, rungs 3, 6, 12...
  const done = { ...trial(2, 'complete', [[3, 0.2], [399, 0.05]], 0.05), finished: 10 };
  const later = { ...trial(3, 'complete', [[3, 0.3], [999, 0.04]], 0.04), finished: 20 };
  assert.equal(await sh.shouldPrune(context(minimize, [leader, worse, done, later], worse)), true, 'worse is judged at step 3 and pruned');
  const early = trial(4, 'running', [[1, 0.9], [2, 0.9]]);
  assert.equal(await sh.shouldPrune(context(minimize, [done, later, early], early)), false, 'step 2 is before the first rung (3)');
  assert.match(hb.description, /maxResource=auto/);
});
