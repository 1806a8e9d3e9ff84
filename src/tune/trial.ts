/**
 * A running trial, as the objective sees it: define-by-run suggestions (the search space is the
 * objective's own code, as in Optuna), intermediate reports and the pruning question. Every write
 * goes to the store under the trial's lease, so a worker whose trial was reaped (presumed dead)
 * has its late writes refused with LeaseLostError instead of corrupting the record.
 */
import { InvalidArgumentError, checkNumber } from '../errors.js';
import type { AttrValue, Choice, Distribution, FrozenTrial, Lease, ParamValue, StudyRecord, TrialStore } from '../store/types.js';
import {
  categoricalDistribution,
  contains,
  describeDistribution,
  floatDistribution,
  intDistribution,
  sameDistribution,
  type FloatOptions,
  type IntOptions,
} from './distributions.js';
import { NO_PRUNER } from './pruners/nop.js';
import { StudyError } from './errors.js';
import { startHeartbeat } from './heartbeat.js';
import type { Pruner, Sampler } from './types.js';

/** What a trial needs from its study. */
export interface TrialDeps {
  store: TrialStore;
  study: StudyRecord;
  sampler: Sampler;
  pruner: Pruner;
  /** Seconds between heartbeats. */
  heartbeatS: number;
}

/** How a trial ended, as the study records it. */
export type TrialOutcome = { state: 'complete'; value: number } | { state: 'pruned' } | { state: 'failed'; reason: string };

interface Internals {
  lease: Lease;
  store: TrialStore;
  stopHeartbeat: () => void;
  ended: boolean;
  /** The refusal a heartbeat met: the lease is lost, every later write would be refused too. */
  lost?: unknown;
}

const internals = new WeakMap<Trial, Internals>();

/**
 * A trial of a study, running under this worker's lease. Made by `study.ask()` or by `optimize`,
 * which hands it to the objective.
 *
 * @example
 * const lr = await trial.suggestFloat('lr', 1e-5, 1e-1, { log: true });
 * const layers = await trial.suggestInt('layers', 1, 4);
 * const act = await trial.suggestCategorical('activation', ['relu', 'gelu']);
 */
export class Trial {
  /** Unique per study, dense from 0. */
  readonly number: number;
  readonly #deps: TrialDeps;
  readonly #lease: Lease;
  /** This worker's view of the trial: what it wrote, as the store accepted it. */
  readonly #view: FrozenTrial;
  readonly #suggested = new Map<string, { distribution: Distribution; value: Promise<ParamValue> }>();
  #ready: Promise<{ trials: FrozenTrial[]; fixed: Record<string, ParamValue> }> | undefined;

  /** Use `study.ask()`; a trial is made only for a freshly claimed lease. */
  constructor(claimed: FrozenTrial, lease: Lease, deps: TrialDeps) {
    this.number = claimed.number;
    this.#deps = deps;
    this.#lease = lease;
    this.#view = structuredClone(claimed);
    const inner: Internals = { lease, store: deps.store, stopHeartbeat: () => {}, ended: false };
    inner.stopHeartbeat = startHeartbeat(deps.store, lease, deps.heartbeatS, (e) => {
      inner.lost = e;
    });
    internals.set(this, inner);
  }

  /** The params suggested (or enqueued) so far. */
  get params(): Record<string, ParamValue> {
    return structuredClone(this.#view.params);
  }

  /** The (step, value) pairs reported so far, by step. */
  get intermediate(): Array<[step: number, value: number]> {
    return structuredClone(this.#view.intermediate);
  }

  /** The user attributes set on this trial (and those it was enqueued with). */
  get userAttrs(): Record<string, AttrValue> {
    return structuredClone(this.#view.userAttrs);
  }

  /** The study's name. */
  get study(): string {
    return this.#deps.study.name;
  }

  /** A snapshot of the trial as this worker knows it (plain data). */
  snapshot(): FrozenTrial {
    return structuredClone(this.#view);
  }

  /**
   * A float in [low, high]: uniform, log-uniform (`log: true`, low > 0) or on the grid low + k·step.
   * Suggesting a name again returns its first value; the same name with another range is an error.
   *
   * @example
   * const dropout = await trial.suggestFloat('dropout', 0, 0.5, { step: 0.1 });
   */
  async suggestFloat(name: string, low: number, high: number, options: FloatOptions = {}): Promise<number> {
    return (await this.#suggest(name, floatDistribution(name, low, high, options))) as number;
  }

  /**
   * An integer in [low, high] (both included): uniform, log-uniform, or on the grid low + k·step.
   *
   * @example
   * const units = await trial.suggestInt('units', 16, 512, { log: true });
   */
  async suggestInt(name: string, low: number, high: number, options: IntOptions = {}): Promise<number> {
    return (await this.#suggest(name, intDistribution(name, low, high, options))) as number;
  }

  /**
   * One of `choices` (strings, finite numbers, booleans, null).
   *
   * @example
   * const optimizer = await trial.suggestCategorical('optimizer', ['adamw', 'sgd']);
   */
  async suggestCategorical<T extends Choice>(name: string, choices: readonly T[]): Promise<T> {
    return (await this.#suggest(name, categoricalDistribution(name, choices))) as T;
  }

  /**
   * Records the objective's intermediate value at `step` (an integer >= 0: an epoch, a number of
   * examples); pruners judge the trial by them. A step reported twice keeps its first value.
   *
   * @example
   * await trial.report(valLoss, epoch);
   */
  async report(value: number, step: number): Promise<void> {
    if (typeof value !== 'number') throw new InvalidArgumentError('reported value', value, 'a number');
    checkNumber('step', step, { min: 0, integer: true });
    if (this.#view.intermediate.some(([s]) => s === step)) return;
    await this.#deps.store.report(this.#lease, step, value);
    if (this.#view.intermediate.some(([s]) => s === step)) return;
    this.#view.intermediate.push([step, value]);
    this.#view.intermediate.sort((a, b) => a[0] - b[0]);
  }

  /**
   * Whether the study's pruner says to stop this trial now, after its latest report (false
   * without a pruner). The objective then stops by throwing `TrialPruned`.
   *
   * @example
   * if (await trial.shouldPrune()) throw new TrialPruned();
   */
  async shouldPrune(): Promise<boolean> {
    const { pruner, store, study } = this.#deps;
    if (pruner === NO_PRUNER) return false;
    const trials = await store.getTrials(study.id);
    return (await pruner.shouldPrune({ study, trials, trial: this.snapshot() })) === true;
  }

  /**
   * Sets a user attribute of this trial (any JSON value): notes for people and the dashboard.
   *
   * @example
   * await trial.setUserAttr('epochsRun', 7);
   */
  async setUserAttr(key: string, value: AttrValue): Promise<void> {
    if (typeof key !== 'string' || key.length === 0) throw new InvalidArgumentError('user attribute key', key, 'a non-empty string');
    await this.#deps.store.setTrialUserAttr(this.#lease, key, value);
    this.#view.userAttrs[key] = structuredClone(value);
  }

  #suggest(name: string, distribution: Distribution): Promise<ParamValue> {
    const first = this.#suggested.get(name);
    if (first !== undefined) {
      if (!sameDistribution(first.distribution, distribution))
        return Promise.reject(
          new InvalidArgumentError(
            `distribution of parameter ${JSON.stringify(name)}`,
            describeDistribution(distribution),
            `the one it was first suggested with, ${describeDistribution(first.distribution)} (a parameter keeps one distribution)`,
          ),
        );
      return first.value;
    }
    const value = this.#draw(name, distribution);
    this.#suggested.set(name, { distribution, value });
    return value;
  }

  async #draw(name: string, distribution: Distribution): Promise<ParamValue> {
    const { store, study, sampler } = this.#deps;
    const { trials, fixed } = await this.#start();
    let value: ParamValue;
    if (Object.hasOwn(fixed, name)) {
      value = fixed[name];
      if (!contains(distribution, value))
        throw new InvalidArgumentError(`fixed value of parameter ${JSON.stringify(name)}`, value, `a value of ${describeDistribution(distribution)}`);
    } else {
      value = await sampler.sample({ study, trials, trial: this.snapshot(), name, distribution });
      if (!contains(distribution, value))
        throw new StudyError(`sampler ${sampler.description} drew ${JSON.stringify(value)} for ${JSON.stringify(name)}, outside ${describeDistribution(distribution)}`);
    }
    await store.setParam(this.#lease, name, value, distribution);
    this.#view.params[name] = value;
    this.#view.distributions[name] = distribution;
    return value;
  }

  /** Once per trial, at the first suggestion: the study's trials, and the sampler's joint values. */
  #start(): Promise<{ trials: FrozenTrial[]; fixed: Record<string, ParamValue> }> {
    this.#ready ??= (async () => {
      const { store, study, sampler } = this.#deps;
      const trials = await store.getTrials(study.id);
      const joint = sampler.startTrial === undefined ? {} : await sampler.startTrial({ study, trials, trial: this.snapshot() });
      // Enqueued params win over the sampler's.
      return { trials, fixed: { ...joint, ...this.#view.params } };
    })();
    return this.#ready;
  }
}

/** True for a trial that ended here (told, finished by optimize, or abandoned). */
export function trialEnded(trial: Trial): boolean {
  return internals.get(trial)?.ended ?? true;
}

/** The study the trial belongs to, by id (for checking that a told trial is the study's). */
export function trialStudyId(trial: Trial): number | undefined {
  return internals.get(trial)?.lease.studyId;
}

/**
 * Records how a trial ended and stops its heartbeat. A complete trial needs a finite value (else it
 * is failed, the value named in `failReason`); a pruned one keeps its last intermediate value; a
 * failed one gets `failReason`. Throws LeaseLostError when the trial is no longer this worker's,
 * StudyError when it already ended here.
 */
export async function endTrial(trial: Trial, outcome: TrialOutcome): Promise<FrozenTrial> {
  const inner = internals.get(trial);
  if (inner === undefined || inner.ended) throw new StudyError(`trial ${trial.number} has already ended; a trial is finished once`);
  inner.ended = true;
  inner.stopHeartbeat();
  if (inner.lost !== undefined) throw inner.lost;
  const { store, lease } = inner;
  if (outcome.state === 'complete' && !Number.isFinite(outcome.value))
    outcome = { state: 'failed', reason: `the objective returned ${String(outcome.value)}, not a finite number` };
  if (outcome.state === 'failed') {
    await store.setTrialUserAttr(lease, 'failReason', outcome.reason);
    return store.finishTrial(lease, 'failed');
  }
  if (outcome.state === 'pruned') return store.finishTrial(lease, 'pruned', trial.intermediate.at(-1)?.[1]);
  return store.finishTrial(lease, 'complete', outcome.value);
}

/** Stops the heartbeat of a trial that is no longer this worker's, without writing anything. */
export function abandonTrial(trial: Trial): void {
  const inner = internals.get(trial);
  if (inner === undefined) return;
  inner.ended = true;
  inner.stopHeartbeat();
}
