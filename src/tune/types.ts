/**
 * The search's moving parts, as interfaces: a sampler proposes parameter values from the trials so
 * far, a pruner decides from a running trial's intermediate values whether to stop it. Both are pure
 * functions of what the store holds (plain data), so any worker on any machine decides the same
 * way from the same trials.
 */
import type { Distribution, FrozenTrial, ParamValue, StudyRecord } from '../store/types.js';

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
}

export interface Pruner {
  /** A one-line description, stored with the study. */
  readonly description: string;
  /** True when the running trial `ctx.trial` should stop now (after its latest report). */
  shouldPrune(ctx: SearchContext): boolean | Promise<boolean>;
}
