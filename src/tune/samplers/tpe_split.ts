/**
 * How TPE divides the trials so far into the good ("below") and the rest ("above"), Optuna 3.1's
 * rules (`_get_observation_pairs`, `_split_observation_pairs`, `default_gamma`, `default_weights`):
 *
 * - a complete trial scores (−∞, value); a pruned one (−last step, last intermediate value), or
 *   (−last step, +∞) when that value is NaN, or (1, 0) when it reported nothing; with the constant
 *   liar a running trial scores (+∞, +∞), so it always lands above; waiting and failed trials are
 *   ignored. Values are negated for a maximised study, so lower is always better;
 * - trials sorted by score (step first, then value; ties keep trial order), the first γ(n) are
 *   below, where n counts complete and pruned trials;
 * - both groups keep trial order (oldest first), which the weights rely on.
 */
import type { Direction, FrozenTrial } from '../../store/types.js';

/** γ(n) = min(⌈0.1·n⌉, 25): how many of n finished trials count as good. */
export function defaultGamma(n: number): number {
  return Math.min(Math.ceil(0.1 * n), 25);
}

/**
 * The weights of n observations, oldest first: all 1 below 25, else the newest 25 get 1 and the
 * older n − 25 a linear ramp from 1/n to 1 (Optuna's default_weights).
 */
export function defaultWeights(n: number): number[] {
  if (n < 25) return new Array<number>(n).fill(1);
  const m = n - 25;
  // numpy.linspace(1/n, 1, m): i·step + start, the last point exactly 1.
  const step = m > 1 ? (1 - 1 / n) / (m - 1) : 0;
  const ramp = Array.from({ length: m }, (_, i) => (m > 1 && i === m - 1 ? 1 : i * step + 1 / n));
  return [...ramp, ...new Array<number>(25).fill(1)];
}

/** A trial's rank key: (step, value), compared lexicographically, lower is better. */
export type Score = [step: number, value: number];

/** The score of a trial (see the module comment), or undefined when it takes no part. */
export function trialScore(trial: FrozenTrial, direction: Direction, constantLiar: boolean): Score | undefined {
  const sign = direction === 'minimize' ? 1 : -1;
  if (trial.state === 'complete') return trial.value === undefined ? undefined : [-Infinity, sign * trial.value];
  if (trial.state === 'pruned') {
    if (trial.intermediate.length === 0) return [1, 0];
    const [step, value] = trial.intermediate[trial.intermediate.length - 1];
    return Number.isNaN(value) ? [-step, Infinity] : [-step, sign * value];
  }
  if (trial.state === 'running' && constantLiar) return [Infinity, Infinity];
  return undefined;
}

/** numpy's order for floats: NaN after everything. */
function compareFloat(a: number, b: number): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number(Number.isNaN(a)) - Number(Number.isNaN(b));
  return a < b ? -1 : a > b ? 1 : 0;
}

export interface TpeSplit {
  /** The trials that take part, in trial order. */
  trials: FrozenTrial[];
  /** Indices into `trials` of the good ones, ascending. */
  below: number[];
  /** Indices into `trials` of the rest, ascending. */
  above: number[];
  /** Complete and pruned trials among them (running ones excluded): γ's argument. */
  n: number;
}

/**
 * Scores the study's trials and splits them with `gamma` (see the module comment).
 *
 * @example
 * const { below, above } = splitTrials(trials, 'minimize', true, defaultGamma);
 */
export function splitTrials(
  all: readonly FrozenTrial[],
  direction: Direction,
  constantLiar: boolean,
  gamma: (n: number) => number,
): TpeSplit {
  const trials: FrozenTrial[] = [];
  const scores: Score[] = [];
  for (const t of [...all].sort((a, b) => a.number - b.number)) {
    const s = trialScore(t, direction, constantLiar);
    if (s === undefined) continue;
    trials.push(t);
    scores.push(s);
  }
  const n = scores.filter(([step]) => step < Infinity).length;
  const order = scores
    .map((_, i) => i)
    .sort((i, j) => compareFloat(scores[i][0], scores[j][0]) || compareFloat(scores[i][1], scores[j][1]) || i - j);
  const nBelow = gamma(n);
  const below = order.slice(0, nBelow).sort((a, b) => a - b);
  const above = order.slice(nBelow).sort((a, b) => a - b);
  return { trials, below, above, n };
}
