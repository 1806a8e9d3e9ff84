// Search quality: at an equal budget of sequential trials, TPE finds much better points than random
// search on objectives with known optima (test_functions.ts; every minimum is 0).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bestValue, median, runStudy } from './fixture.js';
import { randomSampler } from './random.js';
import { TEST_FUNCTIONS } from './test_functions.js';
import { tpeSampler } from './tpe.js';

const SEEDS = [0, 1, 2, 3, 4];
const TRIALS = 100;

async function medianBest(make: (seed: number) => ReturnType<typeof tpeSampler>, name: string): Promise<number> {
  const f = TEST_FUNCTIONS.find((t) => t.name === name)!;
  const best: number[] = [];
  for (const seed of SEEDS) best.push(bestValue(await runStudy(make(seed), f.space, f.objective, TRIALS)));
  return median(best);
}

for (const name of ['log-sphere-2d', 'log-sphere-5d', 'mixed-categorical']) {
  test(`on ${name}, the median best of TPE (independent and multivariate) over 5 seeds is under a fifth of random search's`, async () => {
    const random = await medianBest((seed) => randomSampler({ seed }), name);
    const tpe = await medianBest((seed) => tpeSampler({ seed }), name);
    const joint = await medianBest((seed) => tpeSampler({ seed, multivariate: true }), name);
    assert.ok(tpe < random / 5, `TPE ${tpe} vs random ${random}`);
    assert.ok(joint < random / 5, `multivariate TPE ${joint} vs random ${random}`);
  });
}
