/**
 * A real PostgreSQL for tests. `testPostgres()` uses the server named by TRAINKIT_TEST_POSTGRES
 * (a URL whose database may be used to create others) when set; otherwise it starts Debian's
 * PostgreSQL (`apt-get install postgresql`) in a cluster under the temp directory, listening on
 * 127.0.0.1 with trust authentication, or reuses that cluster when it already runs. Each call
 * creates a fresh database and returns its URL and a function that drops it. When no server can
 * be reached or started it throws with what to install: PostgreSQL tests fail, never skip.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { redactUrl } from './url.js';

const CLUSTER = join(tmpdir(), 'trainkit-test-postgres');
const LOCK = `${CLUSTER}.lock`;
const PORT_FILE = join(CLUSTER, 'trainkit-port');

export interface TestPostgres {
  /** A URL of a new, empty database. */
  url: string;
  /** Drops that database. */
  drop(): Promise<void>;
}

/** The directory of PostgreSQL's server programs (initdb, pg_ctl), newest version first. */
function binDir(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a)) : [];
  if (versions.length === 0)
    throw new Error(
      'PostgreSQL is needed for the postgres store tests and none was found: install it (apt-get install postgresql, as .ci/run does) ' +
        'or point TRAINKIT_TEST_POSTGRES at a server (postgres://user:password@host:5432/postgres).',
    );
  return join(root, versions[0], 'bin');
}

/** Runs a PostgreSQL program as the `postgres` user when we are root (initdb refuses root). */
function asPostgres(program: string, args: string[]): void {
  const command = process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', program, ...args]] as const : [program, args] as const;
  try {
    execFileSync(command[0], [...command[1]], { stdio: 'pipe', timeout: 60_000 });
  } catch (e) {
    const err = e as { stderr?: Buffer; stdout?: Buffer; message: string };
    throw new Error(`${program} ${args.join(' ')} failed: ${err.stderr?.toString() || err.stdout?.toString() || err.message}`);
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function reachable(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Holds a lock directory while `fn` runs, so test files starting together start one server. */
async function locked<T>(fn: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      mkdirSync(LOCK);
      break;
    } catch {
      if (Date.now() - statSync(LOCK, { throwIfNoEntry: false })!.mtimeMs > 120_000) rmSync(LOCK, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${LOCK} (another test starting PostgreSQL?)`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}

/** The admin URL of this machine's test cluster, started (and created) when needed. */
async function localServer(): Promise<string> {
  return locked(async () => {
    const urlOf = (port: number): string => `postgres://postgres@127.0.0.1:${port}/postgres`;
    if (existsSync(PORT_FILE)) {
      const port = Number(readFileSync(PORT_FILE, 'utf8'));
      if (await reachable(urlOf(port))) return urlOf(port);
    }
    const bin = binDir();
    if (!existsSync(join(CLUSTER, 'PG_VERSION'))) {
      rmSync(CLUSTER, { recursive: true, force: true });
      mkdirSync(CLUSTER, { mode: 0o700 });
      if (process.getuid?.() === 0) execFileSync('chown', ['postgres:postgres', CLUSTER]);
      asPostgres(join(bin, 'initdb'), ['-D', CLUSTER, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-sync']);
    }
    const port = await freePort();
    const settings = `-p ${port} -k ${CLUSTER} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`;
    asPostgres(join(bin, 'pg_ctl'), ['-D', CLUSTER, '-l', join(CLUSTER, 'server.log'), '-o', settings, '-w', '-t', '60', 'start']);
    writeFileSync(PORT_FILE, String(port));
    if (!(await reachable(urlOf(port)))) throw new Error(`PostgreSQL started in ${CLUSTER} but 127.0.0.1:${port} does not answer; see ${join(CLUSTER, 'server.log')}`);
    return urlOf(port);
  });
}

/**
 * A fresh database on a real PostgreSQL (see the module comment).
 *
 * @example
 * const db = await testPostgres();
 * const store = await postgresStore(db.url);
 */
export async function testPostgres(): Promise<TestPostgres> {
  const admin = process.env.TRAINKIT_TEST_POSTGRES ?? (await localServer());
  const name = `trainkit_test_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const run = async (sql: string): Promise<void> => {
    const client = new pg.Client({ connectionString: admin, connectionTimeoutMillis: 10_000 });
    try {
      await client.connect();
      await client.query(sql);
    } finally {
      await client.end().catch(() => undefined);
    }
  };
  try {
    await run(`CREATE DATABASE ${name}`);
  } catch (e) {
    throw new Error(`cannot create a test database on ${redactUrl(admin)} (${(e as Error).message}); the postgres store tests need a PostgreSQL server`, { cause: e });
  }
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => run(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}
