/**
 * `sqlite:PATH` — the trial store in one SQLite file, for every worker on one machine (better-sqlite3).
 * The file runs in WAL mode (readers never block the writer, so a dashboard never stalls a study)
 * with a busy timeout; every write is one `BEGIN IMMEDIATE` transaction, so a claim and the
 * number it gives a new trial are decided by a single writer. Queries and schema are shared with
 * PostgreSQL (sql-store.ts, sql-schema.ts). Not for network file systems: SQLite's locks need a
 * local disk.
 */
import Database from 'better-sqlite3';
import { InvalidArgumentError, isTrainkitError } from '../errors.js';
import { StoreError } from './errors.js';
import type { SqlConn, SqlDb } from './sql-db.js';
import { SQLITE } from './sql-dialect.js';
import { migrate } from './sql-schema.js';
import { sqlStore } from './sql-store.js';
import type { TrialStore } from './types.js';

export interface SqliteStoreOptions {
  /** How long a write waits for another process's write to finish, ms. Default 30,000. */
  busyTimeoutMs?: number;
}

const DEFAULTS: Required<SqliteStoreOptions> = { busyTimeoutMs: 30_000 };

/**
 * Opens (creating it when missing) the SQLite store of `url` = `sqlite:PATH`, migrating its schema.
 * Throws InvalidArgumentError for a URL without a path, StoreError for a file that cannot be opened.
 *
 * @example
 * const store = await sqliteStore('sqlite:./trainkit.db');
 */
export async function sqliteStore(url: string, options: SqliteStoreOptions = {}): Promise<TrialStore> {
  const o = { ...DEFAULTS, ...options };
  const path = url.startsWith('sqlite:') ? url.slice('sqlite:'.length) : '';
  if (path === '') throw new InvalidArgumentError('storage', url, "'sqlite:PATH', e.g. sqlite:./trainkit.db");
  const handle = await openWal(url, path, o.busyTimeoutMs);
  const db = sqliteDb(handle, url);
  try {
    await migrate(db);
  } catch (e) {
    handle.close();
    throw e;
  }
  return sqlStore(db);
}

/** A SqlDb over one better-sqlite3 connection; this process's transactions run one at a time. */
function sqliteDb(handle: Database.Database, url: string): SqlDb {
  const statements = new Map<string, Database.Statement>();
  const prepare = (sql: string): Database.Statement => {
    let s = statements.get(sql);
    if (s === undefined) statements.set(sql, (s = handle.prepare(sql)));
    return s;
  };
  const conn: SqlConn = {
    async all<T>(sql: string, params: readonly unknown[] = []) {
      return prepare(sql).all(...params) as T[];
    },
    async run(sql: string, params: readonly unknown[] = []) {
      return prepare(sql).run(...params).changes;
    },
  };
  let closed = false;
  // One connection serves this whole process: a transaction must not interleave with another
  // store call's statements, so calls queue here.
  let queue: Promise<unknown> = Promise.resolve();
  const transaction = <T>(begin: string, fn: (c: SqlConn) => Promise<T>): Promise<T> => {
    const run = async (): Promise<T> => {
      if (closed) throw new StoreError(`${url}: this store was closed`);
      try {
        handle.exec(begin);
        try {
          const result = await fn(conn);
          handle.exec('COMMIT');
          return result;
        } catch (e) {
          if (handle.inTransaction) handle.exec('ROLLBACK');
          throw e;
        }
      } catch (e) {
        if (isTrainkitError(e)) throw e;
        throw new StoreError(`${url}: ${(e as Error).message}`, { cause: e });
      }
    };
    const result = queue.then(run, run);
    queue = result.catch(() => undefined);
    return result;
  };
  return {
    dialect: SQLITE,
    url,
    write: (fn) => transaction('BEGIN IMMEDIATE', fn),
    read: (fn) => transaction('BEGIN DEFERRED', fn),
    async close() {
      await queue;
      if (!closed) handle.close();
      closed = true;
    },
  };
}

/** SQLite's "database is locked" family (SQLITE_BUSY, SQLITE_BUSY_RECOVERY, ...). */
const isBusy = (e: unknown): boolean => typeof (e as { code?: unknown })?.code === 'string' && (e as { code: string }).code.startsWith('SQLITE_BUSY');

/**
 * Opens `path` and switches it to WAL. Switching a fresh file's journal mode takes an exclusive lock,
 * and SQLite can answer SQLITE_BUSY there without waiting on the busy timeout (measured: one of 8
 * processes opening a fresh file at once, under load, failed with "database is locked"); so a busy
 * open is retried, with a growing jittered pause, until `timeoutMs` has passed.
 */
async function openWal(url: string, path: string, timeoutMs: number): Promise<Database.Database> {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 0; ; attempt++) {
    let handle: Database.Database | undefined;
    try {
      handle = new Database(path, { timeout: timeoutMs });
      handle.pragma('journal_mode = WAL');
      handle.pragma('synchronous = NORMAL');
      return handle;
    } catch (e) {
      handle?.close();
      if (!isBusy(e) || Date.now() >= deadline)
        throw new StoreError(`${url}: cannot open the SQLite file (${(e as Error).message})`, { cause: e });
      const pause = Math.min(250, 5 * 2 ** attempt) * (0.5 + Math.random());
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }
}
