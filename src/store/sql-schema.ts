/**
 * The SQL stores' schema, versioned. `schema_version` holds the version a database is at;
 * `migrate` brings it to `SCHEMA_VERSION` in one write transaction that also holds the schema lock
 * (SQLite: `BEGIN IMMEDIATE`; PostgreSQL: `pg_advisory_xact_lock`), so processes opening a fresh
 * database at the same moment never race to create it: the first migrates, the others wait and
 * find it done.
 *
 * Layout: `studies` carries two counters, `next_number` (a study's next trial number; trials'
 * UNIQUE(study_id, number) makes a duplicate impossible) and `seq` (the study's change sequence:
 * every change to a trial bumps it and stamps the trial, indexed by (study_id, seq) for
 * `changes`). Numbers are text (codec.ts); user attributes and distributions are JSON text.
 */
import { StoreError } from './errors.js';
import type { SqlDb } from './sql-db.js';
import type { Dialect } from './sql-dialect.js';

/** Each migration's statements, by target version (index 0 → version 1). Append; never edit. */
const MIGRATIONS: ReadonlyArray<(d: Dialect) => string[]> = [
  (d) => [
    `CREATE TABLE studies (
      id ${d.serialKey},
      name TEXT NOT NULL UNIQUE,
      direction TEXT NOT NULL CHECK (direction IN ('minimize', 'maximize')),
      sampler TEXT,
      pruner TEXT,
      user_attrs TEXT NOT NULL DEFAULT '{}',
      created DOUBLE PRECISION NOT NULL,
      next_number INTEGER NOT NULL DEFAULT 0,
      seq BIGINT NOT NULL DEFAULT 0
    )`,
    `CREATE TABLE trials (
      id ${d.serialKey},
      study_id INTEGER NOT NULL REFERENCES studies (id),
      number INTEGER NOT NULL,
      state TEXT NOT NULL CHECK (state IN ('waiting', 'running', 'complete', 'pruned', 'failed')),
      token INTEGER NOT NULL DEFAULT 0,
      seq BIGINT NOT NULL,
      value TEXT,
      started DOUBLE PRECISION,
      finished DOUBLE PRECISION,
      heartbeat DOUBLE PRECISION,
      worker TEXT,
      user_attrs TEXT NOT NULL DEFAULT '{}',
      retry_of INTEGER,
      retries INTEGER NOT NULL DEFAULT 0,
      UNIQUE (study_id, number)
    )`,
    'CREATE INDEX trials_by_seq ON trials (study_id, seq)',
    'CREATE INDEX trials_by_state ON trials (study_id, state, number)',
    `CREATE TABLE trial_params (
      trial_id INTEGER NOT NULL REFERENCES trials (id),
      name TEXT NOT NULL,
      value TEXT NOT NULL,
      distribution TEXT,
      PRIMARY KEY (trial_id, name)
    )`,
    `CREATE TABLE trial_values (
      trial_id INTEGER NOT NULL REFERENCES trials (id),
      step BIGINT NOT NULL,
      value TEXT NOT NULL,
      PRIMARY KEY (trial_id, step)
    )`,
  ],
];

/** The schema version this code reads and writes. */
export const SCHEMA_VERSION = MIGRATIONS.length;

/**
 * Brings the database to SCHEMA_VERSION (creating it when empty). A database from a newer trainkit
 * is refused with StoreError rather than misread.
 *
 * @example
 * await migrate(db); // before the first query
 */
export async function migrate(db: SqlDb): Promise<void> {
  await db.write(async (c) => {
    if (db.dialect.schemaLock !== '') await c.all(db.dialect.schemaLock);
    await c.run('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)');
    const [row] = await c.all<{ v: number | null }>('SELECT MAX(version) AS v FROM schema_version');
    const at = row?.v ?? 0;
    if (at > SCHEMA_VERSION)
      throw new StoreError(`${db.url}: its schema is version ${at}, newer than this trainkit's (${SCHEMA_VERSION}); upgrade trainkit to use it`);
    for (let v = at + 1; v <= SCHEMA_VERSION; v++) {
      for (const statement of MIGRATIONS[v - 1](db.dialect)) await c.run(statement);
      await c.run('INSERT INTO schema_version (version) VALUES (?)', [v]);
    }
  });
}
