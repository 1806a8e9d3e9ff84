/** The little a SQL store needs from a driver: statements with `?` params inside transactions. */
import type { Dialect } from './sql-dialect.js';

export type Row = Record<string, unknown>;

/** One connection inside a transaction. */
export interface SqlConn {
  /** The rows of a query (a SELECT, or a write with RETURNING). */
  all<T = Row>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  /** Runs a write; returns how many rows it changed. */
  run(sql: string, params?: readonly unknown[]): Promise<number>;
}

/** A database a `sqlStore` runs on. Errors that are not trainkit's own become StoreError. */
export interface SqlDb {
  readonly dialect: Dialect;
  /** The URL without its password. */
  readonly url: string;
  /**
   * Runs `fn` in a write transaction (SQLite: `BEGIN IMMEDIATE`, the database's single writer;
   * PostgreSQL: row locks taken by the statements), committed when `fn` resolves, rolled back when
   * it throws, retried from the start on a deadlock or a busy database.
   */
  write<T>(fn: (c: SqlConn) => Promise<T>): Promise<T>;
  /** Runs `fn` in a read-only transaction that sees one snapshot. */
  read<T>(fn: (c: SqlConn) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
