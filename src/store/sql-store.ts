/**
 * The trial store over SQL, shared by `sqlite:` and `postgres://`: every query is written here
 * once, with the dialect's fragments (sql-dialect.ts) where the databases differ.
 *
 * Locking: a write that changes a trial ends by bumping its study's change sequence
 * (`UPDATE studies SET seq = seq + 1`), which in PostgreSQL locks the study's row until commit, so
 * changes commit in sequence order (a `changes` cursor never skips a late commit). Locks are taken
 * trial rows first, then the study's row, the last statement before the commit, so the row every
 * writer of a study needs is held as briefly as possible. Claims take a waiting trial with
 * `FOR UPDATE SKIP LOCKED`, and create a numbered trial only under the study's row lock. SQLite's `BEGIN IMMEDIATE` makes every
 * write transaction the only writer. Times come from the database's clock.
 */
import { InvalidArgumentError } from '../errors.js';
import { checkClaim, checkDirection, checkFinish, checkReap, checkReport } from './checks.js';
import { decodeNumber, decodeParam, encodeNumber, encodeParam } from './codec.js';
import { LeaseLostError, StoreError } from './errors.js';
import type { SqlConn, SqlDb } from './sql-db.js';
import type { Dialect } from './sql-dialect.js';
import { yieldToEventLoop } from '../engine/event-loop.js';
import { bestValue, emptyCounts } from './summary.js';
import type {
  AttrValue,
  Direction,
  Distribution,
  FrozenTrial,
  Lease,
  ParamValue,
  StudyRecord,
  StudySummary,
  TrialState,
  TrialStore,
} from './types.js';

interface StudyRow {
  id: number;
  name: string;
  direction: Direction;
  sampler: string | null;
  pruner: string | null;
  user_attrs: string;
  created: number;
}

interface TrialRow {
  id: number;
  number: number;
  state: TrialState;
  value: string | null;
  started: number | null;
  finished: number | null;
  heartbeat: number | null;
  worker: string | null;
  user_attrs: string;
  retry_of: number | null;
  retries: number;
}

const STUDY_COLUMNS = 'id, name, direction, sampler, pruner, user_attrs, created';
const TRIAL_COLUMNS = 't.id, t.number, t.state, t.value, t.started, t.finished, t.heartbeat, t.worker, t.user_attrs, t.retry_of, t.retries';
const STATES: readonly TrialState[] = ['waiting', 'running', 'complete', 'pruned', 'failed'];

function studyRecord(r: StudyRow): StudyRecord {
  return {
    id: r.id,
    name: r.name,
    direction: r.direction,
    ...(r.sampler === null ? {} : { sampler: r.sampler }),
    ...(r.pruner === null ? {} : { pruner: r.pruner }),
    userAttrs: JSON.parse(r.user_attrs) as Record<string, AttrValue>,
    created: r.created,
  };
}

function trialOf(r: TrialRow): FrozenTrial {
  return {
    id: r.id,
    number: r.number,
    state: r.state,
    params: {},
    distributions: {},
    ...(r.value === null ? {} : { value: decodeNumber(r.value) }),
    intermediate: [],
    ...(r.started === null ? {} : { started: r.started }),
    ...(r.finished === null ? {} : { finished: r.finished }),
    ...(r.heartbeat === null ? {} : { heartbeat: r.heartbeat }),
    ...(r.worker === null ? {} : { worker: r.worker }),
    userAttrs: JSON.parse(r.user_attrs) as Record<string, AttrValue>,
    ...(r.retry_of === null ? {} : { retryOf: r.retry_of }),
    retries: r.retries,
  };
}

/** Trials whose points one statement of `loadTrials` reads (~0.1 s of SQLite at 1,000 points a trial). */
const POINTS_BATCH = 200;

/**
 * "step,value,step,value,..." as [step, value] pairs sorted by step. The aggregate's order is the
 * index's in practice but SQL does not promise it, so out-of-order steps are sorted here.
 */
function parsePoints(text: string): Array<[number, number]> {
  const parts = text.split(',');
  const out: Array<[number, number]> = new Array(parts.length / 2);
  let sorted = true;
  for (let i = 0; i < out.length; i++) {
    out[i] = [Number(parts[2 * i]), decodeNumber(parts[2 * i + 1])];
    if (i > 0 && out[i][0] < out[i - 1][0]) sorted = false;
  }
  return sorted ? out : out.sort((a, b) => a[0] - b[0]);
}

/** The trials `where` (a condition on `trials t`) selects, by number, with params and intermediate values. */
async function loadTrials(c: SqlConn, d: Dialect, where: string, args: readonly unknown[]): Promise<FrozenTrial[]> {
  const rows = await c.all<TrialRow>(`SELECT ${TRIAL_COLUMNS} FROM trials t WHERE ${where} ORDER BY t.number`, args);
  if (rows.length === 0) return [];
  const byId = new Map(rows.map((r) => [r.id, trialOf(r)]));
  const params = await c.all<{ trial_id: number; name: string; value: string; distribution: string | null }>(
    `SELECT p.trial_id, p.name, p.value, p.distribution FROM trial_params p JOIN trials t ON t.id = p.trial_id WHERE ${where}`,
    args,
  );
  for (const p of params) {
    const t = byId.get(p.trial_id)!;
    t.params[p.name] = decodeParam(p.value);
    if (p.distribution !== null) t.distributions[p.name] = JSON.parse(p.distribution) as Distribution;
  }
  // A trial's points as one text per trial, "step,value,step,value,..." (one row per trial, not
  // per point: a study's first load may be millions of points, and a row each cost ~2 µs in the
  // driver where splitting text costs ~0.2 µs a number, measured on 1,000 × 1,000 in SQLite), read
  // POINTS_BATCH trials at a time, letting the event loop run between batches (`yieldToEventLoop`):
  // SQLite's driver is synchronous, and a server reading 10M points in one statement would answer
  // nothing for seconds. The transaction keeps every batch on one snapshot.
  for (let i = 0; i < rows.length; i += POINTS_BATCH) {
    if (i > 0) await yieldToEventLoop();
    const last = rows[Math.min(i + POINTS_BATCH, rows.length) - 1];
    const points = await c.all<{ id: number; points: string | null }>(
      `SELECT t.id, (SELECT ${d.joinText("CAST(v.step AS TEXT) || ',' || v.value")} FROM trial_values v WHERE v.trial_id = t.id) AS points
       FROM trials t WHERE ${where} AND t.number BETWEEN ? AND ?`,
      [...args, rows[i].number, last.number],
    );
    for (const p of points) if (p.points !== null) byId.get(p.id)!.intermediate = parsePoints(p.points);
  }
  return [...byId.values()];
}

/** A rejected promise when `check` throws, else undefined (so a method checks its arguments before it queues a transaction). */
function checked(check: () => void): Promise<never> | undefined {
  try {
    check();
    return undefined;
  } catch (e) {
    return Promise.reject(e);
  }
}

/**
 * A TrialStore over an opened, migrated SQL database (see the module comment).
 *
 * @example
 * const store = sqlStore(db); // db: a SqlDb, e.g. from sqliteStore's driver
 */
export function sqlStore(db: SqlDb): TrialStore {
  const { dialect: d, url } = db;

  /** Bumps the study's change sequence (locking its row); returns the new value. */
  const bump = async (c: SqlConn, studyId: number): Promise<number> => {
    const [row] = await c.all<{ seq: number }>('UPDATE studies SET seq = seq + 1 WHERE id = ? RETURNING seq', [studyId]);
    if (row === undefined) throw new StoreError(`${url}: no study with id ${studyId}`);
    return Number(row.seq);
  };

  /** Adds a trial with the study's next number; returns its id and number. */
  const insertTrial = async (
    c: SqlConn,
    studyId: number,
    fields: { state: TrialState; worker?: string; token: number; retryOf?: number; retries: number; userAttrs?: Record<string, AttrValue> },
  ): Promise<{ id: number; number: number }> => {
    const [s] = await c.all<{ seq: number; number: number }>(
      'UPDATE studies SET seq = seq + 1, next_number = next_number + 1 WHERE id = ? RETURNING seq, next_number - 1 AS number',
      [studyId],
    );
    if (s === undefined) throw new StoreError(`${url}: no study with id ${studyId}`);
    const running = fields.state === 'running';
    const [t] = await c.all<{ id: number }>(
      `INSERT INTO trials (study_id, number, state, token, seq, started, heartbeat, worker, user_attrs, retry_of, retries)
       VALUES (?, ?, ?, ?, ?, ${running ? d.now : 'NULL'}, ${running ? d.now : 'NULL'}, ?, ?, ?, ?) RETURNING id`,
      [studyId, s.number, fields.state, fields.token, s.seq, fields.worker ?? null, JSON.stringify(fields.userAttrs ?? {}), fields.retryOf ?? null, fields.retries],
    );
    return { id: t.id, number: Number(s.number) };
  };

  const leaseLost = async (c: SqlConn, lease: Lease): Promise<StoreError> => {
    const [t] = await c.all<{ state: TrialState; number: number }>('SELECT state, number FROM trials WHERE id = ?', [lease.trialId]);
    if (t === undefined) return new StoreError(`${url}: no trial with id ${lease.trialId}`);
    return new LeaseLostError(t.number, t.state === 'running' ? 'another worker holds it now' : `it is ${t.state}`);
  };

  /** Checks the lease and locks the trial's row for this transaction; throws LeaseLostError when the lease is lost. */
  const own = async (c: SqlConn, lease: Lease): Promise<void> => {
    const rows = await c.all(`SELECT id FROM trials WHERE id = ? AND study_id = ? AND state = 'running' AND token = ? ${d.forUpdate}`, [lease.trialId, lease.studyId, lease.token]);
    if (rows.length === 0) throw await leaseLost(c, lease);
  };

  /**
   * Stamps a trial with its study's next change number: the transaction's last statement, so the
   * study's row (which every change of the study locks) is held only until the commit.
   */
  const touch = async (c: SqlConn, studyId: number, trialId: number): Promise<void> => {
    if (d.markChanged !== undefined) {
      if ((await c.all(d.markChanged, [studyId, trialId])).length === 0) throw new StoreError(`${url}: no study with id ${studyId}`);
      return;
    }
    const seq = await bump(c, studyId);
    await c.run('UPDATE trials SET seq = ? WHERE id = ?', [seq, trialId]);
  };

  const trialById = async (c: SqlConn, id: number): Promise<FrozenTrial> => (await loadTrials(c, d, 't.id = ?', [id]))[0];

  const studyExists = async (c: SqlConn, studyId: number): Promise<void> => {
    const rows = await c.all('SELECT id FROM studies WHERE id = ?', [studyId]);
    if (rows.length === 0) throw new StoreError(`${url}: no study with id ${studyId}`);
  };

  return {
    url,

    createStudy(input) {
      return checked(() => checkDirection(input.direction)) ?? db.write(async (c) => {
        const inserted = await c.all<StudyRow>(
          `INSERT INTO studies (name, direction, sampler, pruner, created) VALUES (?, ?, ?, ?, ${d.now})
           ON CONFLICT (name) DO NOTHING RETURNING ${STUDY_COLUMNS}`,
          [input.name, input.direction, input.sampler ?? null, input.pruner ?? null],
        );
        if (inserted.length === 1) return studyRecord(inserted[0]);
        const [existing] = await c.all<StudyRow>(`SELECT ${STUDY_COLUMNS} FROM studies WHERE name = ?`, [input.name]);
        if (!input.loadIfExists) throw new InvalidArgumentError('study name', input.name, `a name no study in ${url} has yet (or loadIfExists: true)`);
        if (existing.direction !== input.direction)
          throw new InvalidArgumentError(`direction of existing study ${JSON.stringify(input.name)}`, input.direction, `its direction, ${JSON.stringify(existing.direction)}`);
        return studyRecord(existing);
      });
    },

    getStudy(name) {
      return db.read(async (c) => {
        const [row] = await c.all<StudyRow>(`SELECT ${STUDY_COLUMNS} FROM studies WHERE name = ?`, [name]);
        return row === undefined ? undefined : studyRecord(row);
      });
    },

    listStudies() {
      return db.read(async (c) => {
        const studies = await c.all<StudyRow>(`SELECT ${STUDY_COLUMNS} FROM studies ORDER BY id`);
        const counts = await c.all<{ study_id: number; state: TrialState; n: number }>(
          'SELECT study_id, state, COUNT(*) AS n FROM trials GROUP BY study_id, state',
        );
        const values = await c.all<{ study_id: number; value: string }>("SELECT study_id, value FROM trials WHERE state = 'complete' AND value IS NOT NULL");
        return studies.map((s): StudySummary => {
          const trials = emptyCounts();
          for (const r of counts)
            if (r.study_id === s.id) {
              trials[r.state] += Number(r.n);
              trials.total += Number(r.n);
            }
          const best = bestValue(s.direction, values.filter((v) => v.study_id === s.id).map((v) => decodeNumber(v.value)));
          return { ...studyRecord(s), trials, ...(best === undefined ? {} : { best }) };
        });
      });
    },

    deleteStudy(studyId) {
      return db.write(async (c) => {
        await c.all(`SELECT id FROM trials WHERE study_id = ? ${d.forUpdate}`, [studyId]);
        await bump(c, studyId);
        for (const table of ['trial_values', 'trial_params'])
          await c.run(`DELETE FROM ${table} WHERE trial_id IN (SELECT id FROM trials WHERE study_id = ?)`, [studyId]);
        await c.run('DELETE FROM trials WHERE study_id = ?', [studyId]);
        await c.run('DELETE FROM studies WHERE id = ?', [studyId]);
      });
    },

    setStudyUserAttr(studyId, key, value) {
      return db.write(async (c) => {
        const [row] = await c.all<{ user_attrs: string }>(`SELECT user_attrs FROM studies WHERE id = ? ${d.forUpdate}`, [studyId]);
        if (row === undefined) throw new StoreError(`${url}: no study with id ${studyId}`);
        const attrs = JSON.parse(row.user_attrs) as Record<string, AttrValue>;
        attrs[key] = value;
        await c.run('UPDATE studies SET user_attrs = ? WHERE id = ?', [JSON.stringify(attrs), studyId]);
      });
    },

    enqueueTrial(studyId, params, o = {}) {
      return db.write(async (c) => {
        const { id } = await insertTrial(c, studyId, {
          state: 'waiting',
          token: 0,
          retries: o.retries ?? 0,
          ...(o.retryOf === undefined ? {} : { retryOf: o.retryOf }),
          ...(o.userAttrs === undefined ? {} : { userAttrs: o.userAttrs }),
        });
        for (const [name, value] of Object.entries(params)) {
          const distribution = o.distributions?.[name];
          await c.run('INSERT INTO trial_params (trial_id, name, value, distribution) VALUES (?, ?, ?, ?)', [
            id,
            name,
            encodeParam(value),
            distribution === undefined ? null : JSON.stringify(distribution),
          ]);
        }
        return trialById(c, id);
      });
    },

    claimTrial(studyId, o) {
      return checked(() => checkClaim(o)) ?? db.write(async (c) => {
        const oldestWaiting = async (): Promise<{ id: number } | undefined> =>
          (await c.all<{ id: number }>(`SELECT id FROM trials WHERE study_id = ? AND state = 'waiting' ORDER BY number LIMIT 1 ${d.forUpdateSkipLocked}`, [studyId]))[0];
        let waiting = await oldestWaiting();
        if (waiting === undefined) {
          // Under the study's row lock no other claim creates a trial; look again for a trial enqueued meanwhile.
          await c.all(`SELECT id FROM studies WHERE id = ? ${d.forUpdate}`, [studyId]);
          waiting = await oldestWaiting();
        }
        let id: number;
        if (waiting !== undefined) {
          await c.run(`UPDATE trials SET state = 'running', started = ${d.now}, heartbeat = ${d.now}, worker = ?, token = token + 1 WHERE id = ?`, [o.worker, waiting.id]);
          await touch(c, studyId, waiting.id);
          id = waiting.id;
        } else {
          await studyExists(c, studyId);
          if (o.maxTrials !== undefined) {
            const [{ n }] = await c.all<{ n: number }>("SELECT COUNT(*) AS n FROM trials WHERE study_id = ? AND state <> 'failed'", [studyId]);
            if (Number(n) >= o.maxTrials) return undefined;
          }
          ({ id } = await insertTrial(c, studyId, { state: 'running', worker: o.worker, token: 1, retries: 0 }));
        }
        const [{ token }] = await c.all<{ token: number }>('SELECT token FROM trials WHERE id = ?', [id]);
        const trial = await trialById(c, id);
        return { trial, lease: { studyId, trialId: id, number: trial.number, token } };
      });
    },

    setParam(lease, name, value: ParamValue, distribution: Distribution) {
      return db.write(async (c) => {
        await own(c, lease);
        // The first value stays; an enqueued param (no distribution yet) gets the one it is suggested from.
        await c.run('INSERT INTO trial_params (trial_id, name, value, distribution) VALUES (?, ?, ?, ?) ON CONFLICT (trial_id, name) DO UPDATE SET distribution = excluded.distribution WHERE trial_params.distribution IS NULL', [
          lease.trialId,
          name,
          encodeParam(value),
          JSON.stringify(distribution),
        ]);
        await touch(c, lease.studyId, lease.trialId);
      });
    },

    report(lease, step, value) {
      return checked(() => checkReport(step, value)) ?? db.write(async (c) => {
        await own(c, lease);
        await c.run('INSERT INTO trial_values (trial_id, step, value) VALUES (?, ?, ?) ON CONFLICT (trial_id, step) DO NOTHING', [lease.trialId, step, encodeNumber(value)]);
        await touch(c, lease.studyId, lease.trialId);
      });
    },

    heartbeat(lease) {
      // Not a change a viewer needs: no sequence bump, no study lock.
      return db.write(async (c) => {
        const n = await c.run(`UPDATE trials SET heartbeat = ${d.now} WHERE id = ? AND study_id = ? AND state = 'running' AND token = ?`, [lease.trialId, lease.studyId, lease.token]);
        if (n === 0) throw await leaseLost(c, lease);
      });
    },

    setTrialUserAttr(lease, key, value) {
      return db.write(async (c) => {
        await own(c, lease);
        const [row] = await c.all<{ user_attrs: string }>('SELECT user_attrs FROM trials WHERE id = ?', [lease.trialId]);
        const attrs = JSON.parse(row.user_attrs) as Record<string, AttrValue>;
        attrs[key] = value;
        await c.run('UPDATE trials SET user_attrs = ? WHERE id = ?', [JSON.stringify(attrs), lease.trialId]);
        await touch(c, lease.studyId, lease.trialId);
      });
    },

    finishTrial(lease, state, value) {
      return checked(() => checkFinish(state, value)) ?? db.write(async (c) => {
        await own(c, lease);
        await c.run(`UPDATE trials SET state = ?, finished = ${d.now}, heartbeat = NULL, value = ? WHERE id = ?`, [
          state,
          value === undefined ? null : encodeNumber(value),
          lease.trialId,
        ]);
        await touch(c, lease.studyId, lease.trialId);
        return trialById(c, lease.trialId);
      });
    },

    getTrials(studyId, o = {}) {
      const states = o.states ?? STATES;
      return db.read(async (c) => {
        await studyExists(c, studyId);
        if (states.length === 0) return [];
        return loadTrials(c, d, `t.study_id = ? AND t.state IN (${states.map(() => '?').join(', ')})`, [studyId, ...states]);
      });
    },

    getTrial(studyId, number) {
      return db.read(async (c) => {
        await studyExists(c, studyId);
        return (await loadTrials(c, d, 't.study_id = ? AND t.number = ?', [studyId, number]))[0];
      });
    },

    changes(studyId, since) {
      return db.read(async (c) => {
        const [s] = await c.all<{ seq: number }>('SELECT seq FROM studies WHERE id = ?', [studyId]);
        if (s === undefined) throw new StoreError(`${url}: no study with id ${studyId}`);
        return { trials: await loadTrials(c, d, 't.study_id = ? AND t.seq > ?', [studyId, since]), cursor: Number(s.seq) };
      });
    },

    async reapStale(studyId, graceS, maxRetries) {
      checkReap(graceS, maxRetries);
      const stale = `study_id = ? AND state = 'running' AND COALESCE(heartbeat, started) < ${d.now} - ?`;
      const args = [studyId, graceS * 1000];
      // Looked up first without a write lock: every worker calls this before each claim, and usually nothing is stale.
      const candidates = await db.read((c) => c.all(`SELECT id FROM trials WHERE ${stale}`, args));
      if (candidates.length === 0) return [];
      return db.write(async (c) => {
        const rows = await c.all<{ id: number; number: number; worker: string | null; user_attrs: string; retries: number }>(
          `SELECT id, number, worker, user_attrs, retries FROM trials WHERE ${stale} ORDER BY number ${d.forUpdate}`,
          args,
        );
        for (const t of rows) {
          const attrs = JSON.parse(t.user_attrs) as Record<string, AttrValue>;
          attrs.failReason = `no heartbeat for ${graceS} s (worker ${t.worker ?? 'unknown'} presumed dead)`;
          await c.run(`UPDATE trials SET state = 'failed', finished = ${d.now}, heartbeat = NULL, user_attrs = ? WHERE id = ?`, [JSON.stringify(attrs), t.id]);
          await touch(c, studyId, t.id);
          if (t.retries < maxRetries) {
            const retry = await insertTrial(c, studyId, { state: 'waiting', token: 0, retryOf: t.number, retries: t.retries + 1 });
            await c.run('INSERT INTO trial_params (trial_id, name, value, distribution) SELECT ?, name, value, distribution FROM trial_params WHERE trial_id = ?', [retry.id, t.id]);
          }
        }
        return rows.map((t) => t.number);
      });
    },

    close() {
      return db.close();
    },
  };
}
