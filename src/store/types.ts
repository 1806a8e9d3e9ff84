/**
 * The hyperparameter search's data model and the trial-store contract. A store is the only
 * coordinator of a study: workers on one machine or many never talk to each other, only to it.
 * Every backend (`memory:`, `sqlite:PATH`, `postgres://…`) implements `TrialStore` and passes the
 * one contract suite (store/contract.fixture.ts).
 *
 * The contract, in words:
 * - Studies are named; a name is unique in a store. A study's direction never changes.
 * - Trial numbers are unique per study and dense from 0, in the order trials were created
 *   (enqueued or claimed). A trial's `id` is unique in the store.
 * - States: waiting → running → complete | pruned | failed. A finished trial (complete, pruned,
 *   failed) never changes again.
 * - Owning a running trial is a lease: `claimTrial` returns the trial and a `Lease` whose `token`
 *   is a fencing token. Every write about a running trial (`setParam`, `report`, `heartbeat`,
 *   `setTrialUserAttr`, `finishTrial`) carries the lease and is refused with `LeaseLostError` when
 *   the trial is no longer running under that token (its worker was presumed dead and the trial
 *   failed, or it already finished): a zombie worker's late writes are never applied.
 * - Heartbeats are stamped with the store's clock (the database's `now()`), never the worker's.
 *   `reapStale(studyId, graceS, maxRetries)` fails every running trial whose last heartbeat (or
 *   start) is older than `graceS`, and, while its retry count allows, enqueues a copy of its params
 *   as a new waiting trial (`retryOf` = the failed trial's number). Any process that touches the
 *   study calls it: workers before each claim, `trials()`, the dashboard.
 * - `claimTrial` is atomic: it takes the oldest waiting trial if there is one (no two workers get
 *   the same), else creates a new running trial — but only while `complete + pruned + running +
 *   waiting < maxTrials` when `maxTrials` is given (failed trials do not count, so retries replace
 *   them); else it returns undefined.
 * - Numbers round-trip exactly, NaN and ±Infinity included (values, intermediate values, params).
 * - `changes(studyId, since)` returns the trials changed after the cursor `since` and the new cursor,
 *   at a cost proportional to the change (an indexed per-study sequence), so a live view of a study of
 *   10,000 trials stays cheap.
 */

/** A trial's life: waiting (enqueued) → running → complete | pruned | failed. */
export type TrialState = 'waiting' | 'running' | 'complete' | 'pruned' | 'failed';

/** The states after which a trial never changes. */
export const FINISHED_STATES: readonly TrialState[] = ['complete', 'pruned', 'failed'];

export type Direction = 'minimize' | 'maximize';

/** A categorical choice: JSON scalars. */
export type Choice = string | number | boolean | null;

/** Where a parameter was drawn from: the search space, as stored with each param. */
export type Distribution =
  | { type: 'float'; low: number; high: number; log: boolean; step?: number }
  | { type: 'int'; low: number; high: number; log: boolean; step: number }
  | { type: 'categorical'; choices: Choice[] };

/** A parameter's value: a number for float/int distributions, a choice for categorical ones. */
export type ParamValue = number | Choice;

/** JSON-serialisable user attribute values. */
export type AttrValue = unknown;

/** A trial as stored: plain data, a snapshot. Times are milliseconds since the epoch (store clock). */
export interface FrozenTrial {
  /** Unique in the store. */
  id: number;
  /** Unique per study, dense from 0. */
  number: number;
  state: TrialState;
  params: Record<string, ParamValue>;
  distributions: Record<string, Distribution>;
  /** The objective's value (complete trials; a pruned trial may carry its last intermediate value). */
  value?: number;
  /** Every reported (step, value), sorted by step (a step reported twice keeps its first value). */
  intermediate: Array<[step: number, value: number]>;
  /** When it started running (store clock), if it did. */
  started?: number;
  /** When it finished, if it did. */
  finished?: number;
  /** The last heartbeat (store clock), while running. */
  heartbeat?: number;
  /** 'host:pid' of the worker that ran (or runs) it. */
  worker?: string;
  userAttrs: Record<string, AttrValue>;
  /** The number of the failed trial this one retries, when it is a retry. */
  retryOf?: number;
  /** How many failed attempts precede this one in its retry chain (0 for a first attempt). */
  retries: number;
}

/** A study as stored. */
export interface StudyRecord {
  id: number;
  name: string;
  direction: Direction;
  /** Descriptions of the sampler and pruner it was created with (for people and the dashboard). */
  sampler?: string;
  pruner?: string;
  userAttrs: Record<string, AttrValue>;
  /** Creation time (store clock, ms). */
  created: number;
}

/** A study with its trial counts, for listings. */
export interface StudySummary extends StudyRecord {
  trials: { total: number; waiting: number; running: number; complete: number; pruned: number; failed: number };
  /** The best complete trial's value, if any. */
  best?: number;
}

/** Ownership of a running trial: pass it with every write about the trial. */
export interface Lease {
  readonly studyId: number;
  readonly trialId: number;
  readonly number: number;
  /** The fencing token: a write with a token that is no longer the trial's is refused. */
  readonly token: number;
}

export interface CreateStudyInput {
  name: string;
  direction: Direction;
  sampler?: string;
  pruner?: string;
  /** Return the existing study of that name (same direction, else an error) instead of failing. */
  loadIfExists?: boolean;
}

export interface ClaimOptions {
  /** 'host:pid' of the claiming worker. */
  worker: string;
  /** The study's trial budget (see the module comment); no limit when undefined. */
  maxTrials?: number;
}

/** The trial-store contract (see the module comment). Every method may throw StoreError. */
export interface TrialStore {
  /** The store's URL, without any password (safe to print). */
  readonly url: string;
  createStudy(input: CreateStudyInput): Promise<StudyRecord>;
  /** The study of that name, or undefined. */
  getStudy(name: string): Promise<StudyRecord | undefined>;
  listStudies(): Promise<StudySummary[]>;
  deleteStudy(studyId: number): Promise<void>;
  setStudyUserAttr(studyId: number, key: string, value: AttrValue): Promise<void>;

  /** Adds a waiting trial with fixed params (`enqueue`, retries). Returns it. */
  enqueueTrial(studyId: number, params: Record<string, ParamValue>, options?: { distributions?: Record<string, Distribution>; retryOf?: number; retries?: number; userAttrs?: Record<string, AttrValue> }): Promise<FrozenTrial>;
  /** Atomically takes a waiting trial or creates a running one (see the module comment). */
  claimTrial(studyId: number, options: ClaimOptions): Promise<{ trial: FrozenTrial; lease: Lease } | undefined>;

  /** Records a suggested param of the leased trial (the same name twice: the first value stays). */
  setParam(lease: Lease, name: string, value: ParamValue, distribution: Distribution): Promise<void>;
  /** Records an intermediate value at `step` (a step reported twice keeps its first value). */
  report(lease: Lease, step: number, value: number): Promise<void>;
  /** Stamps the leased trial's heartbeat with the store's clock. */
  heartbeat(lease: Lease): Promise<void>;
  setTrialUserAttr(lease: Lease, key: string, value: AttrValue): Promise<void>;
  /** Finishes the leased trial: complete (with a value), pruned (value optional) or failed. */
  finishTrial(lease: Lease, state: 'complete' | 'pruned' | 'failed', value?: number): Promise<FrozenTrial>;

  /** Every trial of the study, by number; optionally only some states. */
  getTrials(studyId: number, options?: { states?: readonly TrialState[] }): Promise<FrozenTrial[]>;
  getTrial(studyId: number, number: number): Promise<FrozenTrial | undefined>;
  /** The trials changed after `since` (0: all) and the cursor to pass next time. */
  changes(studyId: number, since: number): Promise<{ trials: FrozenTrial[]; cursor: number }>;
  /** Fails stale running trials and enqueues their retries (see the module comment). Returns the failed trials' numbers. */
  reapStale(studyId: number, graceS: number, maxRetries: number): Promise<number[]>;
  /** Releases connections. The store cannot be used afterwards. */
  close(): Promise<void>;
}
