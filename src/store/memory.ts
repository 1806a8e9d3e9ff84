/**
 * `memory:` — the trial store in this process's memory: for one process (a notebook, a test, a
 * quick search with `concurrency` > 1 in one worker). It follows the whole contract of types.ts,
 * leases and stale-trial reaping included; it holds nothing once the process ends.
 */
import { InvalidArgumentError } from '../errors.js';
import { LeaseLostError, StoreError } from './errors.js';
import { checkClaim, checkDirection, checkFinish, checkReap, checkReport } from './checks.js';
import { summarize } from './summary.js';
import type {
  AttrValue,
  ClaimOptions,
  CreateStudyInput,
  Distribution,
  FrozenTrial,
  Lease,
  ParamValue,
  StudyRecord,
  TrialState,
  TrialStore,
} from './types.js';

export { summarize };

interface StoredTrial extends FrozenTrial {
  token: number;
  seq: number;
}

interface StoredStudy {
  record: StudyRecord;
  trials: StoredTrial[];
  seq: number;
}

const copy = <T>(v: T): T => structuredClone(v);

function frozen(t: StoredTrial): FrozenTrial {
  const { token: _token, seq: _seq, ...rest } = t;
  return copy(rest);
}

export interface MemoryStoreOptions {
  /** The store's clock, ms (tests inject one). Default Date.now. */
  now?: () => number;
}

/**
 * A new, empty in-memory store.
 *
 * @example
 * const store = memoryStore();
 * const study = await store.createStudy({ name: 'mlp', direction: 'maximize' });
 */
export function memoryStore(options: MemoryStoreOptions = {}): TrialStore {
  const now = options.now ?? Date.now;
  const studies = new Map<number, StoredStudy>();
  let nextStudyId = 1;
  let nextTrialId = 1;
  let closed = false;

  const study = (id: number): StoredStudy => {
    if (closed) throw new StoreError('memory: this store was closed');
    const s = studies.get(id);
    if (s === undefined) throw new StoreError(`memory: no study with id ${id}`);
    return s;
  };
  const touch = (s: StoredStudy, t: StoredTrial): void => {
    s.seq += 1;
    t.seq = s.seq;
  };
  const owned = (lease: Lease): { s: StoredStudy; t: StoredTrial } => {
    const s = study(lease.studyId);
    const t = s.trials.find((x) => x.id === lease.trialId);
    if (t === undefined) throw new StoreError(`memory: no trial with id ${lease.trialId}`);
    if (t.state !== 'running') throw new LeaseLostError(t.number, `it is ${t.state}`);
    if (t.token !== lease.token) throw new LeaseLostError(t.number, 'another worker holds it now');
    return { s, t };
  };
  const addTrial = (s: StoredStudy, fields: Partial<StoredTrial> & { state: TrialState }): StoredTrial => {
    const t: StoredTrial = {
      id: nextTrialId++,
      number: s.trials.length,
      params: {},
      distributions: {},
      intermediate: [],
      userAttrs: {},
      retries: 0,
      token: 0,
      seq: 0,
      ...fields,
    };
    s.trials.push(t);
    touch(s, t);
    return t;
  };

  return {
    url: 'memory:',
    async createStudy(input: CreateStudyInput) {
      if (closed) throw new StoreError('memory: this store was closed');
      checkDirection(input.direction);
      const existing = [...studies.values()].find((s) => s.record.name === input.name);
      if (existing !== undefined) {
        if (!input.loadIfExists) throw new InvalidArgumentError('study name', input.name, 'a name no study in memory: has yet (or loadIfExists: true)');
        if (existing.record.direction !== input.direction)
          throw new InvalidArgumentError(`direction of existing study ${JSON.stringify(input.name)}`, input.direction, `its direction, ${JSON.stringify(existing.record.direction)}`);
        return copy(existing.record);
      }
      const record: StudyRecord = {
        id: nextStudyId++,
        name: input.name,
        direction: input.direction,
        ...(input.sampler === undefined ? {} : { sampler: input.sampler }),
        ...(input.pruner === undefined ? {} : { pruner: input.pruner }),
        userAttrs: {},
        created: now(),
      };
      studies.set(record.id, { record, trials: [], seq: 0 });
      return copy(record);
    },
    async getStudy(name) {
      const s = [...studies.values()].find((x) => x.record.name === name);
      return s === undefined ? undefined : copy(s.record);
    },
    async listStudies() {
      return [...studies.values()].map((s) => summarize(s.record, s.trials));
    },
    async deleteStudy(studyId) {
      study(studyId);
      studies.delete(studyId);
    },
    async setStudyUserAttr(studyId, key, value: AttrValue) {
      study(studyId).record.userAttrs[key] = copy(value);
    },
    async enqueueTrial(studyId, params, o = {}) {
      const s = study(studyId);
      const t = addTrial(s, {
        state: 'waiting',
        params: copy(params),
        distributions: copy(o.distributions ?? {}),
        userAttrs: copy(o.userAttrs ?? {}),
        retries: o.retries ?? 0,
        ...(o.retryOf === undefined ? {} : { retryOf: o.retryOf }),
      });
      return frozen(t);
    },
    async claimTrial(studyId, o: ClaimOptions) {
      checkClaim(o);
      const s = study(studyId);
      const waiting = s.trials.find((t) => t.state === 'waiting');
      const at = now();
      if (waiting !== undefined) {
        Object.assign(waiting, { state: 'running' as const, started: at, heartbeat: at, worker: o.worker, token: waiting.token + 1 });
        touch(s, waiting);
        return { trial: frozen(waiting), lease: { studyId, trialId: waiting.id, number: waiting.number, token: waiting.token } };
      }
      if (o.maxTrials !== undefined) {
        const counted = s.trials.filter((t) => t.state !== 'failed').length;
        if (counted >= o.maxTrials) return undefined;
      }
      const t = addTrial(s, { state: 'running', started: at, heartbeat: at, worker: o.worker, token: 1 });
      return { trial: frozen(t), lease: { studyId, trialId: t.id, number: t.number, token: t.token } };
    },
    async setParam(lease, name, value: ParamValue, distribution: Distribution) {
      const { s, t } = owned(lease);
      // The first value stays (an enqueued trial's fixed params come first); its distribution is
      // recorded when the objective names it.
      if (Object.hasOwn(t.params, name)) {
        if (Object.hasOwn(t.distributions, name)) return;
      } else t.params[name] = copy(value);
      t.distributions[name] = copy(distribution);
      touch(s, t);
    },
    async report(lease, step, value) {
      checkReport(step, value);
      const { s, t } = owned(lease);
      if (t.intermediate.some(([k]) => k === step)) return;
      t.intermediate.push([step, value]);
      t.intermediate.sort((a, b) => a[0] - b[0]);
      touch(s, t);
    },
    async heartbeat(lease) {
      const { t } = owned(lease);
      t.heartbeat = now(); // not a change a viewer needs: no new sequence number
    },
    async setTrialUserAttr(lease, key, value) {
      const { s, t } = owned(lease);
      t.userAttrs[key] = copy(value);
      touch(s, t);
    },
    async finishTrial(lease, state, value) {
      checkFinish(state, value);
      const { s, t } = owned(lease);
      t.state = state;
      t.finished = now();
      delete t.heartbeat;
      if (value !== undefined) t.value = value;
      touch(s, t);
      return frozen(t);
    },
    async getTrials(studyId, o = {}) {
      const all = study(studyId).trials;
      return (o.states === undefined ? all : all.filter((t) => o.states!.includes(t.state))).map(frozen);
    },
    async getTrial(studyId, number) {
      const t = study(studyId).trials[number];
      return t === undefined ? undefined : frozen(t);
    },
    async changes(studyId, since) {
      const s = study(studyId);
      return { trials: s.trials.filter((t) => t.seq > since).map(frozen), cursor: s.seq };
    },
    async reapStale(studyId, graceS, maxRetries) {
      checkReap(graceS, maxRetries);
      const s = study(studyId);
      const limit = now() - graceS * 1000;
      const failed: number[] = [];
      for (const t of [...s.trials]) {
        if (t.state !== 'running' || (t.heartbeat ?? t.started ?? 0) >= limit) continue;
        t.state = 'failed';
        t.finished = now();
        delete t.heartbeat;
        t.userAttrs.failReason = `no heartbeat for ${graceS} s (worker ${t.worker ?? 'unknown'} presumed dead)`;
        touch(s, t);
        failed.push(t.number);
        if (t.retries < maxRetries)
          addTrial(s, { state: 'waiting', params: copy(t.params), distributions: copy(t.distributions), retryOf: t.number, retries: t.retries + 1 });
      }
      return failed;
    },
    async close() {
      closed = true;
    },
  };
}

