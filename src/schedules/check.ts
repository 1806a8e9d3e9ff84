/**
 * Option checking shared by the schedule constructors (internal: not re-exported). Options are
 * merged once, `{ ...defaults, ...given }`, after dropping keys whose value is `undefined`, and a
 * key the constructor does not know is an error rather than a silently ignored typo.
 */
import { checkNumber, InvalidArgumentError } from '../errors.js';

/** Merges `given` over `defaults` after checking it is an object holding only `keys`. */
export function mergeOptions<T extends object>(
  fn: string,
  given: unknown,
  defaults: Partial<T>,
  keys: ReadonlyArray<keyof T & string>,
): T {
  if (given === null || typeof given !== 'object' || Array.isArray(given))
    throw new InvalidArgumentError(`${fn} options`, given, `an object with keys ${keys.join(', ')}`);
  const defined: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(given)) {
    if (!(keys as readonly string[]).includes(k))
      throw new InvalidArgumentError(`${fn} option`, k, `one of ${keys.join(', ')}`);
    if (v !== undefined) defined[k] = v;
  }
  return { ...defaults, ...defined } as T;
}

/** A value a schedule may output (a learning rate, a momentum...): finite and >= 0. */
export function checkRate(fn: string, key: string, v: unknown): number {
  return checkNumber(`${fn}.${key}`, v, { min: 0 });
}

/** A number of steps: an integer >= `min` (1 unless told). */
export function checkSteps(fn: string, key: string, v: unknown, min = 1): number {
  return checkNumber(`${fn}.${key}`, v, { min, integer: true });
}
