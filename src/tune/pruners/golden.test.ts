// Pruning decisions against Optuna 3.1's pruners on the same studies
// (fixtures/optuna-pruners.json, made by tools/golden/pruners.py).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import type { Direction } from '../../store/types.js';
import type { Pruner } from '../types.js';
import { replay, study } from './fixture.js';
import { hyperbandBracket, hyperbandBudgets, hyperbandPruner } from './hyperband.js';
import { medianPruner } from './median.js';
import { successiveHalvingPruner } from './successive_halving.js';

const golden = JSON.parse(readFileSync(new URL('./fixtures/optuna-pruners.json', import.meta.url), 'utf8')) as {
  scenarios: Array<{ name: string; direction: Direction; nTrials: number; steps: number[]; parallel: number; studyName: string; prunedAt: Array<number | null> }>;
  hyperband: Array<{ studyName: string; minResource: number; maxResource: number; reductionFactor: number; budgets: number[]; brackets: number[] }>;
};

/** The learning curves of tools/golden/pruners.py. */
function curve(i: number, step: number): number {
  if (i === 7) return NaN;
  const a = ((i * 37) % 11) / 10;
  const b = 1 + ((i * 13) % 7) / 3;
  const wiggle = (0.05 * (((i * 31 + step * 17) % 9) - 4)) / 4;
  return a + b / (step + 1) + wiggle;
}

const PRUNERS: Record<string, () => Pruner> = {
  median: () => medianPruner(),
  'median(startupTrials=2, warmupSteps=3, intervalSteps=4)': () => medianPruner({ startupTrials: 2, warmupSteps: 3, intervalSteps: 4 }),
  successiveHalving: () => successiveHalvingPruner(),
  'successiveHalving(minResource=2, reductionFactor=3, minEarlyStoppingRate=1)': () =>
    successiveHalvingPruner({ minResource: 2, reductionFactor: 3, minEarlyStoppingRate: 1 }),
  'successiveHalving sparse steps': () => successiveHalvingPruner({ reductionFactor: 3 }),
  'successiveHalving(minResource=auto)': () => successiveHalvingPruner({ minResource: 'auto' }),
  'hyperband(maxResource=30)': () => hyperbandPruner({ maxResource: 30 }),
  'hyperband(maxResource=auto)': () => hyperbandPruner(),
  'hyperband(minResource=2, maxResource=30, reductionFactor=2)': () => hyperbandPruner({ minResource: 2, maxResource: 30, reductionFactor: 2 }),
};

/** Scenarios whose resources are estimated ('auto'): compared by their rungs, not trial by trial (see below). */
const AUTO = new Set(['successiveHalving(minResource=auto)', 'hyperband(maxResource=auto)']);

test('median, successive-halving and hyperband pruners stop the same trials at the same steps as Optuna 3.1', async () => {
  for (const g of golden.scenarios.filter((g) => !AUTO.has(g.name))) {
    const sign = g.direction === 'minimize' ? 1 : -1;
    const prunedAt = await replay(PRUNERS[g.name](), study(g.direction, g.studyName), g.nTrials, g.steps, g.parallel, (i, s) => sign * curve(i, s));
    assert.deepEqual(prunedAt, g.prunedAt, `${g.name}, ${g.direction}, ${g.parallel} in parallel`);
  }
});

test('hyperband budgets and each trial\'s bracket are Optuna\'s (CRC-32 of "study_number")', () => {
  for (const g of golden.hyperband) {
    const budgets = hyperbandBudgets(g.minResource, g.maxResource, g.reductionFactor);
    assert.deepEqual(budgets, g.budgets, `budgets of ${JSON.stringify(g)}`);
    assert.deepEqual(g.brackets.map((_, n) => hyperbandBracket(g.studyName, n, budgets)), g.brackets, `brackets in '${g.studyName}'`);
  }
});

/**
 * With 'auto' resources trainkit and Optuna estimate the same rungs, but judge early trials
 * differently: Optuna records a trial's value at a rung only when it judges it there, so the trials
 * that passed a rung before the first trial completed never compete at it; trainkit reads rung values
 * from the intermediate values, so they do (it prunes more of the early trials), and it judges a
 * trial only at the rungs its report crosses (Optuna, at every rung it has passed unjudged). Checked
 * here: the first trial runs unpruned to the end on both sides, and every trial either side prunes
 * is pruned at a rung of the estimate — successive halving's min_resource = max(⌊299 / 100⌋, 1) = 2
 * (rungs 2·4^k), hyperband's max_resource = 299 + 1 (first rungs 3^b, then ×3).
 */
test("'auto' resources: trainkit and Optuna 3.1 estimate the same rungs from the first complete trial", async () => {
  const rungs: Record<string, Set<number>> = {
    'successiveHalving(minResource=auto)': new Set([2, 8, 32, 128]),
    'hyperband(maxResource=auto)': new Set([1, 3, 9, 27, 81, 243]),
  };
  const scenarios = golden.scenarios.filter((g) => AUTO.has(g.name));
  assert.equal(scenarios.length, 8);
  for (const g of scenarios) {
    const sign = g.direction === 'minimize' ? 1 : -1;
    const prunedAt = await replay(PRUNERS[g.name](), study(g.direction, g.studyName), g.nTrials, g.steps, g.parallel, (i, s) => sign * curve(i, s));
    for (const [side, steps] of [['trainkit', prunedAt], ['Optuna', g.prunedAt]] as const) {
      const label = `${side}, ${g.name}, ${g.direction}, ${g.parallel} in parallel: ${JSON.stringify(steps)}`;
      assert.equal(steps[0], null, `${label}: the first trial completes`);
      assert.ok(steps.some((s) => s !== null), `${label}: some trial is pruned once the rungs are known`);
      steps.forEach((s, i) => {
        // Optuna judges a trial that was running when the first one completed at every rung it has
        // passed, at its next report (the last step here); trainkit only at the rungs a report crosses.
        const late = side === 'Optuna' && i < g.parallel && s === g.steps.at(-1);
        if (s !== null && !late) assert.ok(rungs[g.name].has(s), `${label}: trial ${i} pruned at step ${s}, a rung`);
      });
    }
  }
});
