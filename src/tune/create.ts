/**
 * Opening a study: `createStudy` (Optuna's `create_study`) and `loadStudy`. Every option is
 * checked before the store is opened, so a bad call writes nothing.
 */
import { InvalidArgumentError, checkNumber } from '../errors.js';
import { openStore } from '../store/open.js';
import type { Direction, TrialStore } from '../store/types.js';
import { defaultPruner, defaultSampler } from './defaults.js';
import { Study } from './study.js';
import type { Pruner, Sampler } from './types.js';

/** Heartbeats of running trials: a beat every `intervalS`; a trial silent for `graceS` is failed. */
export interface HeartbeatOptions {
  /** Seconds between beats. Default 10. */
  intervalS?: number;
  /** Seconds without a beat after which any process touching the study fails the trial. Default 20. */
  graceS?: number;
}

/** How this process works on a study (not stored: each process chooses). */
export interface StudyWorkerOptions {
  /** Draws params. Default: `defaultSampler()` (independent uniform, seeded from the OS). */
  sampler?: Sampler;
  /** Stops unpromising trials. Default: `defaultPruner()` (none). */
  pruner?: Pruner;
  heartbeat?: HeartbeatOptions;
  /** Times a trial failed as stale is retried (enqueued again with its params). Default 0. */
  maxRetries?: number;
}

export interface CreateStudyOptions extends StudyWorkerOptions {
  /** The study's name, unique in its store. */
  name: string;
  /** A store URL ('memory:', 'sqlite:PATH', 'postgres://…') or an open store. Default 'memory:'. */
  storage?: string | TrialStore;
  /** Default 'minimize'. */
  direction?: Direction;
  /** Open the study of that name if it exists (its direction must be the same). Default false. */
  loadIfExists?: boolean;
}

export interface LoadStudyOptions extends StudyWorkerOptions {
  name: string;
  /** A store URL or an open store. */
  storage: string | TrialStore;
}

const DEFAULTS = { storage: 'memory:' as string | TrialStore, direction: 'minimize' as Direction, loadIfExists: false, maxRetries: 0 };
const HEARTBEAT_DEFAULTS = { intervalS: 10, graceS: 20 };

/**
 * Creates a study in a store (or, with `loadIfExists`, opens the existing one) and returns it.
 * Throws InvalidArgumentError for a bad option, for a name already taken (without
 * `loadIfExists`) and for an existing study with another direction; nothing is written then.
 *
 * A `memory:` URL opens a new, empty store each time: to share one between studies in a process,
 * pass the store itself (`storage: memoryStore()`).
 *
 * @example
 * const study = await createStudy({ name: 'quadratic', storage: 'sqlite:./trainkit.db', loadIfExists: true });
 * await study.optimize(async (trial) => ((await trial.suggestFloat('x', -10, 10)) - 2) ** 2, { trials: 40 });
 * console.log((await study.bestTrial())?.params); // { x: ≈2 }
 */
export async function createStudy(options: CreateStudyOptions): Promise<Study> {
  if (options === null || typeof options !== 'object') throw new InvalidArgumentError('createStudy options', options, '{ name, storage?, direction?, ... }');
  const o = { ...DEFAULTS, ...options };
  checkName(o.name);
  if (o.direction !== 'minimize' && o.direction !== 'maximize') throw new InvalidArgumentError('direction', o.direction, "'minimize' or 'maximize'");
  if (typeof o.loadIfExists !== 'boolean') throw new InvalidArgumentError('loadIfExists', o.loadIfExists, 'true or false');
  const worker = checkWorkerOptions(o);
  checkStorage(o.storage);
  return withStore(o.storage, async (store, ownsStore) => {
    const existing = await store.getStudy(o.name);
    if (existing !== undefined && !o.loadIfExists)
      throw new InvalidArgumentError('study name', o.name, `a name no study in ${store.url} has yet (or loadIfExists: true to open it)`);
    if (existing !== undefined && existing.direction !== o.direction)
      throw new InvalidArgumentError(`direction of existing study ${JSON.stringify(o.name)}`, o.direction, `its stored direction, ${JSON.stringify(existing.direction)}`);
    const record = await store.createStudy({
      name: o.name,
      direction: o.direction,
      sampler: worker.sampler.description,
      pruner: worker.pruner.description,
      loadIfExists: o.loadIfExists,
    });
    return new Study(record, store, worker.sampler, worker.pruner, { heartbeat: worker.heartbeat, maxRetries: worker.maxRetries, ownsStore });
  });
}

/**
 * Opens an existing study. Throws InvalidArgumentError naming the studies the store has when
 * there is none of that name.
 *
 * @example
 * const study = await loadStudy({ name: 'mlp', storage: 'sqlite:./trainkit.db' });
 * console.log((await study.bestTrial())?.params);
 */
export async function loadStudy(options: LoadStudyOptions): Promise<Study> {
  if (options === null || typeof options !== 'object') throw new InvalidArgumentError('loadStudy options', options, '{ name, storage, ... }');
  checkName(options.name);
  const worker = checkWorkerOptions(options);
  checkStorage(options.storage);
  return withStore(options.storage, async (store, ownsStore) => {
    const record = await store.getStudy(options.name);
    if (record === undefined) {
      const names = (await store.listStudies()).map((s) => JSON.stringify(s.name));
      throw new InvalidArgumentError('study name', options.name, names.length === 0 ? `a study in ${store.url}, which has none` : `one of the studies in ${store.url}: ${names.join(', ')}`);
    }
    return new Study(record, store, worker.sampler, worker.pruner, { heartbeat: worker.heartbeat, maxRetries: worker.maxRetries, ownsStore });
  });
}

function checkName(name: unknown): void {
  if (typeof name !== 'string' || name.trim().length === 0) throw new InvalidArgumentError('study name', name, 'a non-empty string');
}

function checkStorage(storage: unknown): void {
  if (typeof storage === 'string') return; // openStore checks the URL
  const s = storage as Partial<TrialStore> | null;
  if (s === null || typeof s !== 'object' || typeof s.claimTrial !== 'function' || typeof s.reapStale !== 'function')
    throw new InvalidArgumentError('storage', storage, "a store URL ('memory:', 'sqlite:PATH', 'postgres://…') or an open TrialStore");
}

function checkWorkerOptions(o: StudyWorkerOptions): { sampler: Sampler; pruner: Pruner; heartbeat: { intervalS: number; graceS: number }; maxRetries: number } {
  const { sampler, pruner, maxRetries } = { maxRetries: DEFAULTS.maxRetries, ...o };
  if (sampler !== undefined && (sampler === null || typeof sampler.sample !== 'function' || typeof sampler.description !== 'string'))
    throw new InvalidArgumentError('sampler', sampler, 'a Sampler: { description, sample(ctx), startTrial?(ctx), prepare?(study) }');
  if (pruner !== undefined && (pruner === null || typeof pruner.shouldPrune !== 'function' || typeof pruner.description !== 'string'))
    throw new InvalidArgumentError('pruner', pruner, 'a Pruner: { description, shouldPrune(ctx) }');
  if (o.heartbeat !== undefined && (o.heartbeat === null || typeof o.heartbeat !== 'object'))
    throw new InvalidArgumentError('heartbeat', o.heartbeat, '{ intervalS?, graceS? }');
  const heartbeat = { ...HEARTBEAT_DEFAULTS, ...o.heartbeat };
  checkNumber('heartbeat.intervalS', heartbeat.intervalS, { min: 0, minExclusive: true });
  checkNumber('heartbeat.graceS', heartbeat.graceS, { min: 0, minExclusive: true });
  if (heartbeat.graceS <= heartbeat.intervalS)
    throw new InvalidArgumentError('heartbeat.graceS', heartbeat.graceS, `a number > heartbeat.intervalS (${heartbeat.intervalS}), so that a live worker beats within every grace period`);
  checkNumber('maxRetries', maxRetries, { min: 0, integer: true });
  return { sampler: sampler ?? defaultSampler(), pruner: pruner ?? defaultPruner(), heartbeat, maxRetries };
}

/** Runs `use` on the store (opened from a URL, or given), closing an opened one if `use` throws. */
async function withStore(storage: string | TrialStore, use: (store: TrialStore, ownsStore: boolean) => Promise<Study>): Promise<Study> {
  const ownsStore = typeof storage === 'string';
  const store = ownsStore ? await openStore(storage) : storage;
  try {
    return await use(store, ownsStore);
  } catch (e) {
    if (ownsStore) await store.close().catch(() => {});
    throw e;
  }
}
