/** Where trainkit looks for a named data set on disk, in order. */
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface PlacesOptions {
  /** A folder to look in first. */
  dir?: string;
  /** Also look in the standard places (default true). */
  fallback?: boolean;
  /** A system folder holding the data set (e.g. a Debian package's), looked in after `$TRAINKIT_DATA`. */
  systemDir?: string;
  /** The cache folder, looked in last (default `~/.cache/trainkit/<name>`). */
  cacheDir?: string;
}

/** The cache folder of a data set: `~/.cache/trainkit/<name>`. */
export function defaultCacheDir(name: string): string {
  return join(homedir(), '.cache', 'trainkit', name);
}

/**
 * The folders a loader searches for data set `name`, in order: `dir`; then, unless `fallback` is
 * false, `$TRAINKIT_DATA/<name>`, `$TRAINKIT_DATA`, `systemDir` and the cache folder.
 *
 * @example
 * dataPlaces('mnist', { dir: './data' });
 * // ['./data', '$TRAINKIT_DATA/mnist', '$TRAINKIT_DATA' (when set), '~/.cache/trainkit/mnist']
 */
export function dataPlaces(name: string, options: PlacesOptions = {}): string[] {
  const o = { fallback: true, cacheDir: defaultCacheDir(name), ...options };
  const places: string[] = [];
  if (o.dir !== undefined) places.push(o.dir);
  if (!o.fallback) return places;
  const env = process.env.TRAINKIT_DATA;
  if (env) places.push(join(env, name), env);
  if (o.systemDir !== undefined) places.push(o.systemDir);
  places.push(o.cacheDir);
  return places;
}
