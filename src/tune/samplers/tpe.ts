/**
 * The Tree-structured Parzen Estimator sampler, Optuna 3.1's TPESampler.
 */
import { InvalidArgumentError } from '../../errors.js';
import type { Distribution, FrozenTrial, ParamValue } from '../../store/types.js';
import type { Sampler, SearchContext } from '../types.js';
import { checkDistribution, isSingle, sameDistribution, toInternal } from './distribution.js';
import { parzenEstimator, parzenLogPdf, sampleParzen, type ParzenOptions } from './parzen_estimator.js';
import { sampleUniform } from './random.js';
import { trialRng } from './trial_rng.js';
import { defaultGamma, defaultWeights, splitTrials } from './tpe_split.js';

export interface TpeSamplerOptions {
  /** Seed of the sampler's draws (default 0). */
  seed?: number;
  /** Complete + pruned trials drawn at random before TPE starts (default 10). */
  startupTrials?: number;
  /** Candidates drawn from l(x), of which the best l/g is kept (default 24). */
  eiCandidates?: number;
  /** Draw the intersection search space jointly at the start of each trial (default false). */
  multivariate?: boolean;
  /** Count running trials as bad ("above"), so parallel workers spread out (default true). */
  constantLiar?: boolean;
  /** Weight of the prior kernel (default 1). */
  priorWeight?: number;
  /** How many of n finished trials are good (default min(⌈0.1·n⌉, 25)). */
  gamma?: (n: number) => number;
}

const DEFAULTS = {
  seed: 0,
  startupTrials: 10,
  eiCandidates: 24,
  multivariate: false,
  constantLiar: true,
  priorWeight: 1,
  gamma: defaultGamma,
};

/**
 * The parameters every finished (complete or pruned) trial has with the same distribution, without
 * single-valued ones, by name: Optuna's intersection search space (pruned trials included).
 */
export function intersectionSearchSpace(trials: readonly FrozenTrial[]): Record<string, Distribution> {
  let space: Record<string, Distribution> | undefined;
  for (const t of trials) {
    if (t.state !== 'complete' && t.state !== 'pruned') continue;
    if (space === undefined) {
      space = { ...t.distributions };
      continue;
    }
    for (const name of Object.keys(space))
      if (!(name in t.distributions) || !sameDistribution(space[name], t.distributions[name])) delete space[name];
  }
  const names = Object.keys(space ?? {}).filter((n) => !isSingle(space![n])).sort();
  return Object.fromEntries(names.map((n) => [n, space![n]]));
}

function singleValue(d: Distribution): ParamValue {
  return d.type === 'categorical' ? d.choices[0] : d.low;
}

function external(d: Distribution, x: number): ParamValue {
  return d.type === 'categorical' ? d.choices[x] : x;
}

/**
 * A sampler that models good and bad trials separately and proposes where good ones are likely and
 * bad ones are not. Until `startupTrials` trials are complete or pruned it draws at random; then, for
 * each parameter (or, multivariate, for the intersection space jointly), it splits the trials into
 * the best γ(n) ("below") and the rest ("above", running trials among them under the constant liar),
 * fits a Parzen estimator l(x) to the below values and g(x) to the above ones, draws `eiCandidates`
 * points from l and keeps the one with the largest log l(x) − log g(x). See `tpe_split.ts` and
 * `parzen_estimator.ts` for the rules, which are Optuna 3.1's (its log-density without −log σ).
 *
 * Draws are a pure function of (seed, trial number, parameter name, the trials so far), so workers
 * sharing a seed do not repeat each other.
 *
 * Defaults: seed 0, startupTrials 10, eiCandidates 24, multivariate false, constantLiar true,
 * priorWeight 1, gamma min(⌈0.1·n⌉, 25). Source: Bergstra et al., "Algorithms for Hyper-Parameter
 * Optimization" (NeurIPS 2011); Falkner et al., BOHB (ICML 2018) for the multivariate bandwidth;
 * Optuna 3.1's TPESampler.
 *
 * @example
 * const sampler = tpeSampler({ seed: 0, multivariate: true });
 * const lr = await sampler.sample({ ...ctx, name: 'lr', distribution: { type: 'float', low: 1e-5, high: 1, log: true } });
 */
export function tpeSampler(options: TpeSamplerOptions = {}): Sampler {
  const o = { ...DEFAULTS, ...options };
  if (!Number.isSafeInteger(o.seed)) throw new InvalidArgumentError('seed', o.seed, 'a safe integer');
  if (!Number.isSafeInteger(o.startupTrials) || o.startupTrials < 0)
    throw new InvalidArgumentError('startupTrials', o.startupTrials, 'an integer >= 0');
  if (!Number.isSafeInteger(o.eiCandidates) || o.eiCandidates < 1)
    throw new InvalidArgumentError('eiCandidates', o.eiCandidates, 'an integer >= 1');
  if (typeof o.multivariate !== 'boolean') throw new InvalidArgumentError('multivariate', o.multivariate, 'true or false');
  if (typeof o.constantLiar !== 'boolean') throw new InvalidArgumentError('constantLiar', o.constantLiar, 'true or false');
  if (!(o.priorWeight > 0) || !Number.isFinite(o.priorWeight))
    throw new InvalidArgumentError('priorWeight', o.priorWeight, 'a positive finite number');
  if (typeof o.gamma !== 'function') throw new InvalidArgumentError('gamma', o.gamma, 'a function of n returning an integer');
  const gamma = (n: number): number => {
    const below = o.gamma(n);
    if (!Number.isSafeInteger(below) || below < 0) throw new InvalidArgumentError(`gamma(${n})`, below, 'an integer >= 0');
    return below;
  };
  const parzen = (multivariate: boolean): ParzenOptions => ({ priorWeight: o.priorWeight, multivariate, weightsOf: defaultWeights });

  /** TPE over `space` (one name: independent; several: joint), or undefined during startup. */
  const tpe = (ctx: SearchContext, space: Record<string, Distribution>, multivariate: boolean, key: string) => {
    const split = splitTrials(ctx.trials.filter((t) => t.number !== ctx.trial.number), ctx.study.direction, o.constantLiar, gamma);
    if (split.n < o.startupTrials) return undefined;
    const names = Object.keys(space);
    // Each trial's values in internal representation; a trial that lacks one takes no part.
    const observed = (indices: number[]): Record<string, number[]> => {
      const rows = indices
        .map((i) => split.trials[i])
        .filter((t) => names.every((n) => n in t.params))
        .map((t) => names.map((n) => toInternal(space[n], t.params[n])));
      // A categorical value no longer among the choices (index −1) is skipped too.
      const usable = rows.filter((r) => names.every((n, j) => space[n].type !== 'categorical' || r[j] >= 0));
      return Object.fromEntries(names.map((n, j) => [n, usable.map((r) => r[j])]));
    };
    const l = parzenEstimator(observed(split.below), space, parzen(multivariate));
    const g = parzenEstimator(observed(split.above), space, parzen(multivariate));
    const candidates = sampleParzen(l, trialRng(o.seed, ctx.trial.number, key), o.eiCandidates);
    const logL = parzenLogPdf(l, candidates);
    const logG = parzenLogPdf(g, candidates);
    let best = 0;
    for (let i = 1; i < o.eiCandidates; i++) if (logL[i] - logG[i] > logL[best] - logG[best]) best = i;
    return Object.fromEntries(names.map((n) => [n, external(space[n], candidates[n][best])]));
  };

  const extras = [
    o.eiCandidates !== DEFAULTS.eiCandidates ? `eiCandidates=${o.eiCandidates}` : '',
    o.constantLiar !== DEFAULTS.constantLiar ? `constantLiar=${o.constantLiar}` : '',
    o.priorWeight !== DEFAULTS.priorWeight ? `priorWeight=${o.priorWeight}` : '',
    o.gamma !== DEFAULTS.gamma ? 'gamma=custom' : '',
  ].filter((s) => s !== '');
  return {
    description: `tpe(${[`seed=${o.seed}`, `startupTrials=${o.startupTrials}`, `multivariate=${o.multivariate}`, ...extras].join(', ')})`,
    startTrial: (ctx) => {
      if (!o.multivariate) return {};
      const space = intersectionSearchSpace(ctx.trials.filter((t) => t.number !== ctx.trial.number));
      if (Object.keys(space).length === 0) return {};
      return tpe(ctx, space, true, '(relative)') ?? {};
    },
    sample: (ctx) => {
      const { name, distribution } = ctx;
      checkDistribution(name, distribution);
      if (isSingle(distribution)) return singleValue(distribution);
      const value = tpe(ctx, { [name]: distribution }, false, name);
      return value === undefined ? sampleUniform(distribution, trialRng(o.seed, ctx.trial.number, name)) : value[name];
    },
  };
}
