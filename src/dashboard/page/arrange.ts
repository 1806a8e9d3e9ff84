/**
 * Which cards the command center shows, and in what order: filter by state, keep the k best, sort.
 *
 * A trial's rank value is its objective value when it has one (complete trials; a pruned trial may
 * carry its last intermediate value), else its latest reported value, so a running trial already
 * takes its place among the others. Trials with neither, or with a value that is not a number
 * (NaN, or null: how JSON carries NaN and ±Infinity), rank last. "Best" follows the study's direction. Top-k keeps the k best of the filtered
 * trials and then orders them by the chosen sort.
 */
import type { Direction, Points, TrialState } from '../api.js';
import type { CenterOptions } from './route.js';

/** What ranking needs of a trial. */
export interface Rankable {
  number: number;
  state: TrialState;
  value?: number;
  intermediate: Points;
}

/** The value a trial is ranked by (see the module comment); undefined when it has none. */
export function rankValue(t: Rankable): number | undefined {
  // JSON carries NaN and ±Infinity as null.
  const v: unknown = t.value ?? t.intermediate.at(-1)?.[1];
  return typeof v !== 'number' || Number.isNaN(v) ? undefined : v;
}

/** Best first for `direction`; trials without a rank value last, ties by number. */
export function byValue(direction: Direction): (a: Rankable, b: Rankable) => number {
  const sign = direction === 'minimize' ? 1 : -1;
  return (a, b) => {
    const va = rankValue(a);
    const vb = rankValue(b);
    if (va === undefined || vb === undefined) return va === vb ? a.number - b.number : va === undefined ? 1 : -1;
    return va === vb ? a.number - b.number : sign * (va < vb ? -1 : 1);
  };
}

/** The trials to show, in order. Does not modify `trials`. */
export function arrange<T extends Rankable>(trials: readonly T[], options: CenterOptions, direction: Direction): T[] {
  let shown = options.states.length === 0 ? [...trials] : trials.filter((t) => options.states.includes(t.state));
  if (options.top !== undefined) shown = shown.sort(byValue(direction)).slice(0, options.top);
  if (options.sort === 'value') return shown.sort(byValue(direction));
  const sign = options.sort === 'newest' ? -1 : 1;
  return shown.sort((a, b) => sign * (a.number - b.number));
}
