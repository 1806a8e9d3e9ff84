/**
 * Test helpers for pruners: build FrozenTrials and contexts by hand, and replay a study in which
 * trials report one value per step and stop when the pruner says so.
 */
import type { Direction, FrozenTrial, StudyRecord, TrialState } from '../../store/types.js';
import type { Pruner, SearchContext } from '../types.js';

export function study(direction: Direction, name = 'golden-study'): StudyRecord {
  return { id: 1, name, direction, userAttrs: {}, created: 0 };
}

export function trial(number: number, state: TrialState, intermediate: Array<[number, number]>, value?: number): FrozenTrial {
  return { id: number + 1, number, state, params: {}, distributions: {}, intermediate, userAttrs: {}, retries: 0, ...(value === undefined ? {} : { value }) };
}

export function context(s: StudyRecord, trials: FrozenTrial[], current: FrozenTrial): SearchContext {
  return { study: s, trials: trials.map((t) => (t.number === current.number ? current : t)), trial: current };
}

/**
 * Runs `nTrials` trials, `parallel` at a time in round-robin, each reporting `curve(i, step)` at the
 * given steps and asking the pruner after each report. Returns the step each trial was pruned at (or
 * null when it completed).
 */
export async function replay(
  pruner: Pruner,
  s: StudyRecord,
  nTrials: number,
  steps: number[],
  parallel: number,
  curve: (i: number, step: number) => number,
): Promise<Array<number | null>> {
  const trials: FrozenTrial[] = [];
  const prunedAt: Array<number | null> = [];
  let clock = 0; // finish times, in the order trials end
  const active: Array<{ t: FrozenTrial; k: number }> = [];
  while (trials.length < nTrials || active.length > 0) {
    while (active.length < parallel && trials.length < nTrials) {
      const t = trial(trials.length, 'running', []);
      trials.push(t);
      active.push({ t, k: 0 });
    }
    for (const slot of [...active]) {
      const { t, k } = slot;
      const v = curve(t.number, steps[k]);
      t.intermediate.push([steps[k], v]);
      if (await pruner.shouldPrune(context(s, trials, t))) {
        t.state = 'pruned';
        t.finished = ++clock;
        prunedAt[t.number] = steps[k];
        active.splice(active.indexOf(slot), 1);
      } else if (k + 1 === steps.length) {
        t.state = 'complete';
        t.finished = ++clock;
        t.value = v;
        prunedAt[t.number] = null;
        active.splice(active.indexOf(slot), 1);
      } else slot.k = k + 1;
    }
  }
  return prunedAt;
}
