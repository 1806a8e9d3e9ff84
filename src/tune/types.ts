/**
 * The search's moving parts, as interfaces: a sampler proposes parameter values from the trials so
 * far, a pruner decides from a running trial's intermediate values whether to stop it. Both are pure
 * functions of what the store holds (plain data), so any worker on any machine decides the same
 * way from the same trials.
 */
import type { Direction, Distribution, FrozenTrial, ParamValue, StudyRecord } from '../store/types.js';

/** What a sampler or pruner sees. */
export interface SearchContext {
  study: StudyRecord;
  /** Every trial of the study (running and waiting ones included), by number. */
  trials: readonly FrozenTrial[];
  /** The trial being sampled or judged, as stored now (its params so far, its intermediate values). */
  trial: FrozenTrial;
}

export interface Sampler {
  /** A one-line description, stored with the study (e.g. "tpe(seed=0, startupTrials=10)"). */
  readonly description: string;
  /**
   * Called once when a trial starts: values for the parameters the sampler draws jointly
   * (multivariate TPE over the space seen so far; a grid point). May return {}: every parameter is
   * then drawn by `sample` when the objective suggests it.
   */
  startTrial?(ctx: SearchContext): Record<string, ParamValue> | Promise<Record<string, ParamValue>>;
  /** One parameter's value, drawn independently. */
  sample(ctx: SearchContext & { name: string; distribution: Distribution }): ParamValue | Promise<ParamValue>;
  /**
   * Optional: called once by each Study object before its first trial (in `optimize` or `ask`), e.g.
   * a grid sampler enqueues the grid points no trial holds yet (`study.enqueue`). Workers on other
   * machines call it too, perhaps at the same moment: read `study.trials()` first and accept that a
   * point enqueued twice costs one extra trial (Optuna's GridSampler has the same race).
   */
  prepare?(study: PreparableStudy): void | Promise<void>;
}

/** What `Sampler.prepare` sees of a study (a `Study` is one). */
export interface PreparableStudy {
  readonly name: string;
  readonly direction: Direction;
  trials(): Promise<FrozenTrial[]>;
  enqueue(params: Record<string, ParamValue>): Promise<void>;
}

export interface Pruner {
  /** A one-line description, stored with the study. */
  readonly description: string;
  /** True when the running trial `ctx.trial` should stop now (after its latest report). */
  shouldPrune(ctx: SearchContext): boolean | Promise<boolean>;
}
