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
  'hyperband(maxResource=30)': () => hyperbandPruner({ maxResource: 30 }),
  'hyperband(minResource=2, maxResource=30, reductionFactor=2)': () => hyperbandPruner({ minResource: 2, maxResource: 30, reductionFactor: 2 }),
};

test('median, successive-halving and hyperband pruners stop the same trials at the same steps as Optuna 3.1', async () => {
  for (const g of golden.scenarios) {
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
