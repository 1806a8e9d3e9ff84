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
  let handle: Database.Database;
  try {
    handle = new Database(path, { timeout: o.busyTimeoutMs });
    handle.pragma('journal_mode = WAL');
    handle.pragma('synchronous = NORMAL');
  } catch (e) {
    throw new StoreError(`${url}: cannot open the SQLite file (${(e as Error).message})`, { cause: e });
  }
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
