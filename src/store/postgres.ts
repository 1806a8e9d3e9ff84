/**
 * `postgres://user:password@host:port/db` — the trial store in PostgreSQL, for workers on many
 * machines (node-postgres). Queries and schema are shared with SQLite (sql-store.ts,
 * sql-schema.ts); here: a connection pool, transactions retried on deadlock, and URLs that never
 * print their password.
 */
import pg from 'pg';
import { InvalidArgumentError, isTrainkitError } from '../errors.js';
import { StoreError } from './errors.js';
import type { SqlConn, SqlDb } from './sql-db.js';
import { POSTGRES } from './sql-dialect.js';
import { migrate } from './sql-schema.js';
import { sqlStore } from './sql-store.js';
import type { TrialStore } from './types.js';
import { redactUrl } from './url.js';

export interface PostgresStoreOptions {
  /** Connections this process keeps at most. Default 4. */
  maxConnections?: number;
  /** How long to wait for a connection, ms. Default 10,000. */
  connectTimeoutMs?: number;
}

const DEFAULTS: Required<PostgresStoreOptions> = { maxConnections: 4, connectTimeoutMs: 10_000 };

/** PostgreSQL's codes for a transaction that lost a race and may simply run again. */
const RETRYABLE = new Set(['40P01' /* deadlock_detected */, '40001' /* serialization_failure */]);
const MAX_ATTEMPTS = 10;

/** int8 (counts, sequence numbers, steps) as a JS number: every value the store writes is a safe integer. */
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === pg.types.builtins.INT8 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

/**
 * Opens the PostgreSQL store of `url`, creating or migrating its tables. Throws
 * InvalidArgumentError for a malformed URL and StoreError for a database that cannot be reached;
 * both name the URL without its password.
 *
 * @example
 * const store = await postgresStore('postgres://trainkit:secret@db.lan:5432/studies');
 */
export async function postgresStore(url: string, options: PostgresStoreOptions = {}): Promise<TrialStore> {
  const o = { ...DEFAULTS, ...options };
  const shown = redactUrl(url);
  let password = '';
  try {
    const parsed = new URL(url);
    if (!/^postgres(ql)?:$/.test(parsed.protocol)) throw new Error('not a postgres URL');
    if (parsed.pathname.replace(/^\//, '') === '' && !parsed.searchParams.has('dbname')) throw new Error('no database name');
    password = decodeURIComponent(parsed.password);
  } catch {
    throw new InvalidArgumentError('storage', shown, 'a URL like postgres://user:password@host:5432/database');
  }
  const hide = (message: string): string => (password === '' ? message : message.split(password).join('***'));
  const pool = new pg.Pool({ connectionString: url, max: o.maxConnections, connectionTimeoutMillis: o.connectTimeoutMs, types });
  // A connection the server drops while idle is an 'error' event; without a listener it would end the process.
  pool.on('error', () => undefined);
  const db = postgresDb(pool, shown, hide);
  try {
    await migrate(db);
  } catch (e) {
    await pool.end();
    throw e;
  }
  return sqlStore(db);
}

/** `?` placeholders numbered for PostgreSQL ($1, $2, …). Queries never hold a literal '?'. */
function numbered(sql: string): string {
  let i = 0;
  return sql.replace(/\?/g, () => `$${++i}`);
}

function postgresDb(pool: pg.Pool, url: string, hide: (message: string) => string): SqlDb {
  let closed = false;
  const transaction = async <T>(begin: string, fn: (c: SqlConn) => Promise<T>): Promise<T> => {
    if (closed) throw new StoreError(`${url}: this store was closed`);
    let client: pg.PoolClient;
    try {
      client = await pool.connect();
    } catch (e) {
      throw new StoreError(`${url}: cannot reach the database (${hide((e as Error).message)})`, { cause: e });
    }
    const conn: SqlConn = {
      async all<R>(sql: string, params: readonly unknown[] = []) {
        return (await client.query(numbered(sql), params as unknown[])).rows as R[];
      },
      async run(sql: string, params: readonly unknown[] = []) {
        return (await client.query(numbered(sql), params as unknown[])).rowCount ?? 0;
      },
    };
    let broken: Error | undefined;
    try {
      for (let attempt = 1; ; attempt++) {
        try {
          await client.query(begin);
          const result = await fn(conn);
          await client.query('COMMIT');
          return result;
        } catch (e) {
          await client.query('ROLLBACK').catch((rollbackError: Error) => (broken = rollbackError));
          if (isTrainkitError(e)) throw e;
          const code = (e as { code?: string }).code;
          if (broken === undefined && code !== undefined && RETRYABLE.has(code) && attempt < MAX_ATTEMPTS) {
            await new Promise((r) => setTimeout(r, Math.random() * 10 * attempt));
            continue;
          }
          throw new StoreError(`${url}: ${hide((e as Error).message)}`, { cause: e });
        }
      }
    } finally {
      client.release(broken);
    }
  };
  return {
    dialect: POSTGRES,
    url,
    write: (fn) => transaction('BEGIN', fn),
    read: (fn) => transaction('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY', fn),
    async close() {
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };
}
