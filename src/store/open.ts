/**
 * Stores are named by URL: `memory:` (this process), `sqlite:PATH` (one machine; the default,
 * `sqlite:./trainkit.db`), `postgres://user:password@host:port/db` (many machines). `openStore`
 * parses the URL, opens the backend and returns a `TrialStore`; errors name the URL without its
 * password.
 */
import { InvalidArgumentError } from '../errors.js';
import { memoryStore } from './memory.js';
import type { TrialStore } from './types.js';
import { redactUrl } from './url.js';

export { redactUrl };

/** The default storage: an SQLite file in the working directory. */
export const DEFAULT_STORAGE = 'sqlite:./trainkit.db';

/**
 * Opens the store a URL names. Throws InvalidArgumentError for a malformed URL and StoreError for
 * one that cannot be reached, both naming the URL without its password.
 *
 * @example
 * const store = await openStore('sqlite:./trainkit.db');
 */
export async function openStore(url: string): Promise<TrialStore> {
  if (typeof url !== 'string') throw new InvalidArgumentError('storage', url, "a store URL: 'memory:', 'sqlite:PATH' or 'postgres://…'");
  if (url === 'memory:') return memoryStore();
  if (url.startsWith('sqlite:')) {
    const { sqliteStore } = await import('./sqlite.js');
    return sqliteStore(url);
  }
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    const { postgresStore } = await import('./postgres.js');
    return postgresStore(url);
  }
  throw new InvalidArgumentError('storage', redactUrl(url), "a store URL: 'memory:', 'sqlite:PATH' (e.g. sqlite:./trainkit.db) or 'postgres://user:password@host:5432/db'");
}
