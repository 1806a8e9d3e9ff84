/**
 * A study: a named search over one trial store, seen from one process. It holds no trial state of
 * its own: everything (trials, params, values, leases) lives in the store, so any number of Study
 * objects, in any number of processes and machines, can work on the same study at once.
 */
import { hostname } from 'node:os';
import { InvalidArgumentError } from '../errors.js';
import type { AttrValue, Direction, FrozenTrial, ParamValue, StudyRecord, TrialStore } from '../store/types.js';
import { StudyError } from './errors.js';
import { optimize, type Objective, type OptimizeOptions } from './optimize.js';
import { Trial, endTrial, trialEnded, trialStudyId, type TrialOutcome } from './trial.js';
import type { PreparableStudy, Pruner, Sampler } from './types.js';

/** How a study keeps its workers honest (see `createStudy`). */
export interface StudySettings {
  heartbeat: { intervalS: number; graceS: number };
  maxRetries: number;
  /** Close the store with the study (it opened it from a URL). */
  ownsStore: boolean;
}

/** What `tell` records: the objective's value, or how the trial ended without one. */
/** How an asked trial ended: its value, pruned, or failed (with the reason kept as its `failReason`; default 'told failed'). */
export type TellResult = number | { state: 'pruned' } | { state: 'failed'; reason?: string };

/** The best of `trials` for `direction`: the complete trial with the lowest (highest) finite value, the earliest on ties. */
export function bestOf(trials: readonly FrozenTrial[], direction: Direction): FrozenTrial | undefined {
  let best: FrozenTrial | undefined;
  for (const t of trials) {
    if (t.state !== 'complete' || t.value === undefined || !Number.isFinite(t.value)) continue;
    if (best === undefined || (direction === 'minimize' ? t.value < best.value! : t.value > best.value!)) best = t;
  }
  return best;
}

/** A study, opened by `createStudy` or `loadStudy`. */
export class Study implements PreparableStudy {
  readonly name: string;
  readonly direction: Direction;
  /** 'host:pid' of this process, recorded with every trial it runs. */
  readonly worker = `${hostname()}:${process.pid}`;
  readonly #record: StudyRecord;
  #prepared: Promise<void> | undefined;

  /** Use `createStudy` or `loadStudy`. */
  constructor(
    record: StudyRecord,
    readonly store: TrialStore,
    readonly sampler: Sampler,
    readonly pruner: Pruner,
    readonly settings: StudySettings,
  ) {
    this.#record = record;
    this.name = record.name;
    this.direction = record.direction;
  }

  /** The study's id in its store. */
  get id(): number {
    return this.#record.id;
  }

  /** The stored record (plain data). */
  get record(): StudyRecord {
    return structuredClone(this.#record);
  }

  /**
   * Runs trials of `objective` until the study holds `trials` finished-or-running trials that
   * did not fail (over all workers), `timeoutS` has passed, or `signal` aborts; `concurrency`
   * trials at a time in this process. See optimize.ts for the rules.
   *
   * @example
   * await study.optimize(async (trial) => (await trial.suggestFloat('x', -10, 10)) ** 2, { trials: 50 });
   */
  optimize(objective: Objective, options: OptimizeOptions = {}): Promise<void> {
    return optimize(this, objective, options);
  }

  /**
   * Starts a trial for a loop of the caller's own (ask/tell): the oldest enqueued trial, or a new
   * one. The trial heartbeats until it is told (trials' budgets are `optimize`'s, not `ask`'s).
   *
   * @example
   * const trial = await study.ask();
   * await study.tell(trial, await myObjective(trial));
   */
  async ask(): Promise<Trial> {
    await this.prepare();
    const claim = await this.claim(undefined);
    if (claim === undefined) throw new StudyError(`study ${JSON.stringify(this.name)}: the store gave no trial`);
    return claim;
  }

  /**
   * Finishes a trial from `ask`: a value (complete; NaN or ±Infinity fails it), or `{ state:
   * 'pruned' }` (with its last intermediate value) or `{ state: 'failed', reason? }` (the reason
   * kept as its `failReason` user attribute). Throws LeaseLostError when the trial was reaped
   * meanwhile (its heartbeat stopped for longer than `graceS`).
   *
   * @example
   * await study.tell(trial, { state: 'pruned' });
   */
  async tell(trial: Trial, result: TellResult): Promise<FrozenTrial> {
    if (!(trial instanceof Trial) || trialStudyId(trial) !== this.id)
      throw new InvalidArgumentError('trial', trial instanceof Trial ? `trial ${trial.number} of another study` : trial, `a trial that ask() of study ${JSON.stringify(this.name)} returned`);
    if (trialEnded(trial)) throw new StudyError(`trial ${trial.number} of study ${JSON.stringify(this.name)} has already ended; tell it once`);
    let outcome: TrialOutcome;
    if (typeof result === 'number') outcome = { state: 'complete', value: result };
    else if (result?.state === 'pruned') outcome = { state: 'pruned' };
    else if (result?.state === 'failed') {
      const { reason } = result as { reason?: unknown };
      if (reason !== undefined && (typeof reason !== 'string' || reason.length === 0)) throw new InvalidArgumentError('failed trial\'s reason', reason, 'a non-empty string');
      outcome = { state: 'failed', reason: reason ?? 'told failed' };
    } else throw new InvalidArgumentError('tell result', result, "a number, { state: 'pruned' } or { state: 'failed', reason? }");
    return endTrial(trial, outcome);
  }

  /**
   * Adds a waiting trial with fixed params: the next trial started runs it, and the objective's
   * suggestions of those names return these values (each must lie in the distribution suggested).
   *
   * @example
   * await study.enqueue({ lr: 1e-3, layers: 2 }); // try the known-good point first
   */
  async enqueue(params: Record<string, ParamValue>): Promise<void> {
    checkParams(params);
    await this.store.enqueueTrial(this.id, params);
  }

  /** Every trial, by number, after failing those whose worker stopped heartbeating (`reapStale`). */
  async trials(): Promise<FrozenTrial[]> {
    await this.reap();
    return this.store.getTrials(this.id);
  }

  /** The complete trial with the best value (the earliest on ties), or undefined before one completes. */
  async bestTrial(): Promise<FrozenTrial | undefined> {
    return bestOf(await this.trials(), this.direction);
  }

  /** Sets a user attribute of the study (any JSON value). */
  async setUserAttr(key: string, value: AttrValue): Promise<void> {
    if (typeof key !== 'string' || key.length === 0) throw new InvalidArgumentError('user attribute key', key, 'a non-empty string');
    await this.store.setStudyUserAttr(this.id, key, value);
  }

  /** The study's user attributes, as stored now. */
  async userAttrs(): Promise<Record<string, AttrValue>> {
    return (await this.store.getStudy(this.name))?.userAttrs ?? {};
  }

  /** Releases the store when the study opened it (from a URL); a store passed in stays open. */
  async close(): Promise<void> {
    if (this.settings.ownsStore) await this.store.close();
  }

  /** Lets the sampler prepare the study once (`Sampler.prepare`: a grid's points). */
  prepare(): Promise<void> {
    this.#prepared ??= Promise.resolve(this.sampler.prepare?.(this));
    return this.#prepared;
  }

  /** Fails stale running trials (enqueueing their retries); returns their numbers. */
  reap(): Promise<number[]> {
    return this.store.reapStale(this.id, this.settings.heartbeat.graceS, this.settings.maxRetries);
  }

  /** Reaps, then claims a trial within `maxTrials` (see the store contract): the trial, or undefined. */
  async claim(maxTrials: number | undefined): Promise<Trial | undefined> {
    await this.reap();
    const claimed = await this.store.claimTrial(this.id, { worker: this.worker, ...(maxTrials === undefined ? {} : { maxTrials }) });
    if (claimed === undefined) return undefined;
    return new Trial(claimed.trial, claimed.lease, {
      store: this.store,
      study: this.#record,
      sampler: this.sampler,
      pruner: this.pruner,
      heartbeatS: this.settings.heartbeat.intervalS,
    });
  }
}

function checkParams(params: unknown): asserts params is Record<string, ParamValue> {
  if (params === null || typeof params !== 'object' || Array.isArray(params))
    throw new InvalidArgumentError('enqueued params', params, 'an object of parameter values, e.g. { lr: 0.001 }');
  for (const [k, v] of Object.entries(params))
    if (!(v === null || typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v))))
      throw new InvalidArgumentError(`enqueued value of ${JSON.stringify(k)}`, v, 'a finite number, a string, a boolean or null');
}
