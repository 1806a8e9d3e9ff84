/**
 * Every error trainkit throws on purpose is a `TrainkitError`, so callers can tell a bad option
 * (ours to explain) from a bug (a plain `Error`). Messages name the bad value and what would be valid.
 */
export class TrainkitError extends Error {
  override name = 'TrainkitError';
}

/** A bad option or argument: names the option, the value received and what would be valid. */
export class InvalidArgumentError extends TrainkitError {
  override name = 'InvalidArgumentError';
  constructor(
    readonly option: string,
    readonly value: unknown,
    readonly expected: string,
  ) {
    super(`Invalid ${option}: ${show(value)} (expected ${expected})`);
  }
}

/** Two parameter trees (e.g. grads and optimizer state) that should have the same shape but do not. */
export class TreeMismatchError extends TrainkitError {
  override name = 'TreeMismatchError';
}

/** The tensor engine cannot do what was asked (no such backend, a kernel that failed to register...). */
export class EngineError extends TrainkitError {
  override name = 'EngineError';
}

function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'function') return '[function]';
  if (typeof value === 'number') return String(value); // NaN, Infinity and -0 stay readable
  try {
    const s = JSON.stringify(value, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v));
    if (s !== undefined) return s;
  } catch {
    /* fall through */
  }
  return String(value);
}

/** Throws an InvalidArgumentError unless `value` is a finite number inside the stated range. */
export function checkNumber(
  option: string,
  value: unknown,
  range: { min?: number; max?: number; minExclusive?: boolean; maxExclusive?: boolean; integer?: boolean } = {},
): number {
  const { min, max, minExclusive = false, maxExclusive = false, integer = false } = range;
  const lo = min === undefined ? '' : `${minExclusive ? '>' : '>='} ${min}`;
  const hi = max === undefined ? '' : `${maxExclusive ? '<' : '<='} ${max}`;
  const expected =
    `a finite ${integer ? 'integer' : 'number'}` + (lo || hi ? ` ${[lo, hi].filter(Boolean).join(' and ')}` : '');
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new InvalidArgumentError(option, value, expected);
  if (integer && !Number.isInteger(value)) throw new InvalidArgumentError(option, value, expected);
  if (min !== undefined && (minExclusive ? value <= min : value < min))
    throw new InvalidArgumentError(option, value, expected);
  if (max !== undefined && (maxExclusive ? value >= max : value > max))
    throw new InvalidArgumentError(option, value, expected);
  return value;
}
