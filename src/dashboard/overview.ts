/**
 * The study overview's computed parts: the best value over time and hyperparameter importance.
 *
 * Importance method (rank-based, stated on the page as `method`): over the complete trials with a
 * value that is not NaN, each parameter's association with the value is
 * - for a numeric parameter (float or int distribution), Spearman's |ρ|: the Pearson correlation
 *   of the ranks of the parameter and of the value (ties get their average rank). A log
 *   distribution's values would be log-transformed first, but log is monotone, so the ranks (and
 *   ρ) are the same: nothing to do;
 * - for a categorical parameter, the correlation ratio η = sqrt(between-category sum of squares /
 *   total sum of squares), computed on the ranks of the value too, so both measures are in [0, 1],
 *   insensitive to the scale of the value and to a few diverged trials (±Infinity rank last or
 *   first instead of swamping a mean).
 * The measures are then normalised to sum to 1. A parameter present in fewer than 3 of those
 * trials, or constant over them, scores 0. Empty (no parameters) with fewer than 3 such trials, or
 * when every score is 0 (the value is constant, say). It measures one parameter at a time:
 * interactions and non-monotone effects of a numeric parameter (an optimum in the middle of its
 * range) are under-weighted; fANOVA would catch them at the cost of fitting a random forest. The
 * direction does not matter to |ρ| or η; it matters to the best value over time.
 */
import type { Direction, Distribution, FrozenTrial, ParamValue } from '../store/types.js';
import type { Points, StudyOverview } from './api.js';

/** What the importance method is, in words (StudyOverview.importance.method). */
export const IMPORTANCE_METHOD =
  "rank correlation with the value over complete trials: Spearman's |ρ| for numeric parameters, the correlation ratio η (on value ranks) for categorical ones, normalised to sum 1";

/** The fewest complete trials importance is computed from. */
export const MIN_IMPORTANCE_TRIALS = 3;

type Trial = Pick<FrozenTrial, 'state' | 'value' | 'finished' | 'params' | 'distributions'>;

/**
 * The study overview of `trials`: best value over time and importance (see the module comment).
 *
 * @example
 * studyOverview('demo', 'minimize', await store.getTrials(study.id));
 */
export function studyOverview(name: string, direction: Direction, trials: readonly Trial[]): StudyOverview {
  return {
    name,
    direction,
    bestOverTime: bestOverTime(direction, trials),
    importance: { method: IMPORTANCE_METHOD, values: importance(trials) },
  };
}

/**
 * The best value so far at each complete trial's finish time, [finished, best], in finish order;
 * NaN never wins (a NaN first trial adds no point). Trials without a finish time are skipped.
 *
 * @example
 * bestOverTime('minimize', [{ state: 'complete', value: 3, finished: 1 }, { state: 'complete', value: 5, finished: 2 }]); // [[1, 3], [2, 3]]
 */
export function bestOverTime(direction: Direction, trials: readonly Pick<Trial, 'state' | 'value' | 'finished'>[]): Points {
  const done = trials
    .filter((t) => t.state === 'complete' && t.value !== undefined && t.finished !== undefined)
    .sort((a, b) => a.finished! - b.finished!);
  const out: Points = [];
  let best: number | undefined;
  for (const t of done) {
    const v = t.value!;
    if (!Number.isNaN(v) && (best === undefined || (direction === 'minimize' ? v < best : v > best))) best = v;
    if (best !== undefined) out.push([t.finished!, best]);
  }
  return out;
}

/** Importance per parameter name, summing to 1, largest first (see the module comment). */
export function importance(trials: readonly Pick<Trial, 'state' | 'value' | 'params' | 'distributions'>[]): Record<string, number> {
  const done = trials.filter((t) => t.state === 'complete' && t.value !== undefined && !Number.isNaN(t.value));
  if (done.length < MIN_IMPORTANCE_TRIALS) return {};
  const names = new Set(done.flatMap((t) => Object.keys(t.params)));
  const scores: Array<[string, number]> = [];
  for (const name of names) {
    const have = done.filter((t) => Object.hasOwn(t.params, name));
    if (have.length < MIN_IMPORTANCE_TRIALS) {
      scores.push([name, 0]);
      continue;
    }
    const values = ranks(have.map((t) => t.value!));
    const params = have.map((t) => t.params[name]);
    const score = isNumeric(distributionOf(have, name), params)
      ? Math.abs(pearson(ranks(params as number[]), values))
      : correlationRatio(params, values);
    scores.push([name, Number.isFinite(score) ? score : 0]);
  }
  const total = scores.reduce((s, [, v]) => s + v, 0);
  if (total <= 0) return {};
  scores.sort((a, b) => b[1] - a[1]);
  return Object.fromEntries(scores.map(([name, v]) => [name, v / total]));
}

/** The parameter's distribution in the first trial that recorded one. */
function distributionOf(trials: readonly Pick<Trial, 'distributions'>[], name: string): Distribution | undefined {
  for (const t of trials) if (Object.hasOwn(t.distributions, name)) return t.distributions[name];
  return undefined;
}

/** Numeric: a float or int distribution, or (none recorded) every value a number. */
function isNumeric(d: Distribution | undefined, values: readonly ParamValue[]): boolean {
  if (d !== undefined) return d.type !== 'categorical' && values.every((v) => typeof v === 'number' && !Number.isNaN(v));
  return values.every((v) => typeof v === 'number' && !Number.isNaN(v));
}

/** Ranks from 1, ties sharing their average rank (±Infinity rank first and last). */
export function ranks(xs: readonly number[]): number[] {
  const order = xs.map((x, i) => [x, i] as const).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const out = new Array<number>(xs.length);
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && order[j + 1][0] === order[i][0]) j++;
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) out[order[k][1]] = rank;
    i = j + 1;
  }
  return out;
}

/** Pearson's correlation; NaN when either side is constant. */
function pearson(a: readonly number[], b: readonly number[]): number {
  const n = a.length;
  const ma = a.reduce((s, x) => s + x, 0) / n;
  const mb = b.reduce((s, x) => s + x, 0) / n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) ** 2;
    sbb += (b[i] - mb) ** 2;
  }
  return sab / Math.sqrt(saa * sbb);
}

/** η: sqrt(between-group / total sum of squares) of `values` grouped by category; NaN when values are constant. */
function correlationRatio(categories: readonly ParamValue[], values: readonly number[]): number {
  const groups = new Map<string, { sum: number; n: number }>();
  values.forEach((v, i) => {
    const k = JSON.stringify(categories[i]) ?? 'undefined';
    const g = groups.get(k) ?? { sum: 0, n: 0 };
    g.sum += v;
    g.n += 1;
    groups.set(k, g);
  });
  const mean = values.reduce((s, x) => s + x, 0) / values.length;
  const total = values.reduce((s, x) => s + (x - mean) ** 2, 0);
  let between = 0;
  for (const g of groups.values()) between += g.n * (g.sum / g.n - mean) ** 2;
  return Math.sqrt(between / total);
}
