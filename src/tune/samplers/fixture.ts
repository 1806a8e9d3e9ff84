/**
 * Test helpers for samplers: FrozenTrials built by hand and a tiny in-memory driver that runs a
 * sequential study (ask the sampler for every parameter, evaluate, record) without a store.
 */
import type { Direction, Distribution, FrozenTrial, ParamValue, StudyRecord, TrialState } from '../../store/types.js';
import type { Sampler, SearchContext } from '../types.js';

export function study(direction: Direction = 'minimize', name = 'test-study'): StudyRecord {
  return { id: 1, name, direction, userAttrs: {}, created: 0 };
}

export function trial(
  number: number,
  state: TrialState,
  params: Record<string, ParamValue> = {},
  distributions: Record<string, Distribution> = {},
  value?: number,
): FrozenTrial {
  return { id: number + 1, number, state, params, distributions, intermediate: [], userAttrs: {}, retries: 0, ...(value === undefined ? {} : { value }) };
}

export function context(s: StudyRecord, trials: FrozenTrial[], current: FrozenTrial): SearchContext {
  return { study: s, trials: [...trials.filter((t) => t.number !== current.number), current].sort((a, b) => a.number - b.number), trial: current };
}

/**
 * Runs `n` trials one after another: each starts (startTrial), suggests every parameter of `space`
 * in order (its startTrial value if it has one, else sample), and completes with `objective`'s value.
 * Returns the trials.
 */
export async function runStudy(
  sampler: Sampler,
  space: Record<string, Distribution>,
  objective: (params: Record<string, ParamValue>) => number,
  n: number,
  direction: Direction = 'minimize',
): Promise<FrozenTrial[]> {
  const s = study(direction);
  const trials: FrozenTrial[] = [];
  for (let i = 0; i < n; i++) {
    const t = trial(i, 'running');
    trials.push(t);
    const relative = (await sampler.startTrial?.(context(s, trials, t))) ?? {};
    for (const [name, distribution] of Object.entries(space)) {
      const value = name in relative ? relative[name] : await sampler.sample({ ...context(s, trials, t), name, distribution });
      t.params[name] = value;
      t.distributions[name] = distribution;
    }
    t.value = objective(t.params);
    t.state = 'complete';
  }
  return trials;
}

/** The best value of a finished study. */
export function bestValue(trials: FrozenTrial[], direction: Direction = 'minimize'): number {
  const values = trials.filter((t) => t.state === 'complete').map((t) => t.value as number);
  return direction === 'minimize' ? Math.min(...values) : Math.max(...values);
}

/** The median of a list of numbers. */
export function median(values: number[]): number {
  const v = [...values].sort((a, b) => a - b);
  const m = v.length >> 1;
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}
