/**
 * TPE's Parzen estimator: a mixture with one kernel per observation plus a prior kernel, over one
 * or more parameters. Numerical parameters get truncated-normal kernels in the transformed space
 * (log for log distributions, half a step wider for stepped ones); categorical ones get a
 * distribution over the choices. Optuna 3.1's `_ParzenEstimator`, rule for rule:
 *
 * - weights: `weightsOf(n)` for the observations, `priorWeight` for the prior, normalised to 1;
 * - univariate: σᵢ = the larger distance to a neighbour in the sorted observations ∪ {low, high}
 *   (the ends use their inner neighbour only), multivariate: σ = 0.2·n^(−1/(d+4))·(high − low);
 *   then clipped to [(high − low)/min(100, 1 + kernels), high − low] ("magic clip");
 *   the prior kernel sits at the centre with σ = high − low;
 * - categorical: each kernel is priorWeight/kernels everywhere plus 1 at its observed choice,
 *   normalised (the prior kernel is uniform);
 * - log-density: log Σ wᵢ Πⱼ kᵢⱼ(x), where a continuous kernel's log density is 3.1's
 *   log φ(z) − log mass (no −log σ term) and a stepped one's is the log of the mass of its step.
 */
import type { Rng } from '../../engine/rng.js';
import type { Distribution } from '../../store/types.js';
import { roundHalfEven } from './distribution.js';
import { logGaussMass, truncnormLogPdfStd, truncnormPpf } from './truncnorm.js';

const SIGMA0_MAGNITUDE = 0.2;

export interface ParzenOptions {
  /** Weight of the prior kernel before normalisation (Optuna's prior_weight, default 1). */
  priorWeight: number;
  /** Joint kernels with Scott's-rule bandwidths instead of per-parameter neighbour distances. */
  multivariate: boolean;
  /** Unnormalised weights of n observations, oldest first. */
  weightsOf: (n: number) => number[];
}

/** One numerical parameter's kernels, in the transformed space. */
export interface NumericalKernels {
  kind: 'numerical';
  low: number;
  high: number;
  /** The step of a stepped (non-log) distribution, in which case densities are step masses. */
  q?: number;
  mus: number[];
  sigmas: number[];
}

/** One categorical parameter's kernels: a row of choice probabilities per kernel. */
export interface CategoricalKernels {
  kind: 'categorical';
  probabilities: number[][];
}

export interface ParzenEstimator {
  /** Normalised mixture weights, one per observation, the prior's last. */
  weights: number[];
  kernels: Record<string, NumericalKernels | CategoricalKernels>;
  space: Record<string, Distribution>;
}

type Numerical = Exclude<Distribution, { type: 'categorical' }>;

/** The estimator's bounds and step for a numerical distribution (Optuna's _calculate_parzen_bounds). */
function parzenBounds(d: Numerical): { low: number; high: number; q?: number } {
  if (d.type === 'int') {
    if (d.log) return { low: Math.log(d.low - 0.5), high: Math.log(d.high + 0.5) };
    return { low: d.low - 0.5 * d.step, high: d.high + 0.5 * d.step, q: d.step };
  }
  if (d.log) return { low: Math.log(d.low), high: Math.log(d.high) };
  if (d.step !== undefined) return { low: d.low - 0.5 * d.step, high: d.high + 0.5 * d.step, q: d.step };
  return { low: d.low, high: d.high };
}

const toSpace = (d: Numerical, x: number): number => (d.log ? Math.log(x) : x);

/** A point of the transformed space back to a value: exp for log, rounded to the step and clipped. */
function fromSpace(d: Numerical, x: number): number {
  if (d.type === 'float' && d.log) return Math.exp(x);
  if (d.type === 'float' && d.step === undefined) return x;
  const v = d.log ? roundHalfEven(Math.exp(x)) : roundHalfEven((x - d.low) / d.step!) * d.step! + d.low;
  return Math.min(Math.max(v, d.low), d.high);
}

function numericalKernels(values: number[], d: Numerical, o: ParzenOptions, sigma0: number): NumericalKernels {
  const { low, high, q } = parzenBounds(d);
  const n = values.length;
  const mus = [...values.map((v) => toSpace(d, v)), 0.5 * (low + high)];
  let sigmas: number[];
  if (o.multivariate) {
    sigmas = mus.map(() => sigma0 * (high - low));
  } else {
    const order = mus.map((_, i) => i).sort((i, j) => mus[i] - mus[j] || i - j);
    const sorted = [low, ...order.map((i) => mus[i]), high];
    const bySorted = order.map((_, k) => Math.max(sorted[k + 1] - sorted[k], sorted[k + 2] - sorted[k + 1]));
    if (sorted.length >= 4) {
      bySorted[0] = sorted[2] - sorted[1];
      bySorted[bySorted.length - 1] = sorted[sorted.length - 2] - sorted[sorted.length - 3];
    }
    sigmas = new Array<number>(mus.length);
    order.forEach((i, k) => (sigmas[i] = bySorted[k]));
  }
  const maxSigma = high - low;
  const minSigma = (high - low) / Math.min(100, 1 + mus.length);
  sigmas = sigmas.map((s) => Math.min(Math.max(s, minSigma), maxSigma));
  sigmas[n] = high - low;
  return { kind: 'numerical', low, high, ...(q === undefined ? {} : { q }), mus, sigmas };
}

function categoricalKernels(indices: number[], nChoices: number, priorWeight: number): CategoricalKernels {
  const n = indices.length;
  const base = priorWeight / (n + 1);
  const probabilities = Array.from({ length: n + 1 }, (_, i) => {
    const row = new Array<number>(nChoices).fill(base);
    if (i < n) row[indices[i]] += 1;
    const sum = row.reduce((a, b) => a + b, 0);
    return row.map((p) => p / sum);
  });
  return { kind: 'categorical', probabilities };
}

/**
 * Fits the estimator to observations in internal representation (numbers; categorical choices as
 * indices), one array per parameter of `space`, all of the same length, oldest first.
 */
export function parzenEstimator(
  observations: Record<string, number[]>,
  space: Record<string, Distribution>,
  options: ParzenOptions,
): ParzenEstimator {
  const names = Object.keys(space);
  const n = names.length === 0 ? 0 : observations[names[0]].length;
  const w = [...options.weightsOf(n).slice(0, n), options.priorWeight];
  const total = w.reduce((a, b) => a + b, 0);
  const weights = w.map((x) => x / total);
  const sigma0 = SIGMA0_MAGNITUDE * Math.max(n, 1) ** (-1 / (names.length + 4));
  const kernels: ParzenEstimator['kernels'] = {};
  for (const name of names) {
    const d = space[name];
    kernels[name] =
      d.type === 'categorical'
        ? categoricalKernels(observations[name], d.choices.length, options.priorWeight)
        : numericalKernels(observations[name], d, options, sigma0);
  }
  return { weights, kernels, space };
}

/** The index drawn with probabilities `p` by one uniform draw `u`: the first whose cumulative sum exceeds u. */
function drawIndex(p: number[], u: number): number {
  let c = 0;
  for (let i = 0; i < p.length; i++) {
    c += p[i];
    if (u < c) return i;
  }
  return p.length - 1;
}

/** `size` joint draws from the mixture, in internal representation (values; choice indices). */
export function sampleParzen(pe: ParzenEstimator, rng: Rng, size: number): Record<string, number[]> {
  const active = Array.from({ length: size }, () => drawIndex(pe.weights, rng.next()));
  const out: Record<string, number[]> = {};
  for (const [name, k] of Object.entries(pe.kernels)) {
    const d = pe.space[name];
    if (k.kind === 'categorical') {
      out[name] = active.map((i) => drawIndex(k.probabilities[i], rng.next()));
    } else {
      out[name] = active.map((i) => {
        const mu = k.mus[i];
        const sigma = k.sigmas[i];
        const z = truncnormPpf(rng.next(), (k.low - mu) / sigma, (k.high - mu) / sigma);
        return fromSpace(d as Numerical, z * sigma + mu);
      });
    }
  }
  return out;
}

/** The mixture's log-density (Optuna 3.1's, see the module comment) at each of the points. */
export function parzenLogPdf(pe: ParzenEstimator, points: Record<string, number[]>): number[] {
  const names = Object.keys(pe.kernels);
  const m = names.length === 0 ? 0 : points[names[0]].length;
  const nk = pe.weights.length;
  return Array.from({ length: m }, (_, s) => {
    const comp = pe.weights.map((w) => Math.log(w));
    for (const name of names) {
      const k = pe.kernels[name];
      const d = pe.space[name] as Numerical;
      if (k.kind === 'categorical') {
        for (let i = 0; i < nk; i++) comp[i] += Math.log(k.probabilities[i][points[name][s]]);
        continue;
      }
      const x = toSpace(d, points[name][s]);
      for (let i = 0; i < nk; i++) {
        const mu = k.mus[i];
        const sigma = k.sigmas[i];
        const a = (k.low - mu) / sigma;
        const b = (k.high - mu) / sigma;
        if (k.q === undefined) {
          comp[i] += truncnormLogPdfStd((x - mu) / sigma, a, b);
        } else {
          const upper = Math.min(x + k.q / 2, k.high);
          const lower = Math.max(x - k.q / 2, k.low);
          comp[i] += logGaussMass((lower - mu) / sigma, (upper - mu) / sigma) - logGaussMass(a, b);
        }
      }
    }
    const max = Math.max(...comp);
    if (max === -Infinity) return -Infinity;
    return Math.log(comp.reduce((acc, c) => acc + Math.exp(c - max), 0)) + max;
  });
}
