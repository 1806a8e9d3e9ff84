/**
 * Every error trainkit throws on purpose is a `TrainkitError`, so callers can tell a bad option
 * (ours to explain) from a bug (a plain `Error`). Messages name the bad value and what would be valid.
 *
 * Classify errors by their stable `code` (`isTrainkitError(e)`, `e.code === 'TRAINKIT_INVALID_ARGUMENT'`),
 * not by `instanceof`: two copies of trainkit in one process (a CLI from one install loading a run
 * file that imports another) have two `TrainkitError` classes, but the same codes.
 */
export class TrainkitError extends Error {
  override name = 'TrainkitError';
  /** Stable across versions and module copies; every code starts with 'TRAINKIT_'. */
  readonly code: string = 'TRAINKIT_ERROR';
}

/**
 * True for an error trainkit threw on purpose (any copy of trainkit): its `code` starts with
 * 'TRAINKIT_'.
 *
 * @example
 * try { adam({ learningRate: -1 }); } catch (e) { if (isTrainkitError(e)) console.error(e.message); }
 */
export function isTrainkitError(e: unknown): e is TrainkitError {
  const code = (e as { code?: unknown } | null)?.code;
  return e instanceof Error && typeof code === 'string' && code.startsWith('TRAINKIT_');
}

/** A bad option or argument: names the option, the value received and what would be valid. */
export class InvalidArgumentError extends TrainkitError {
  override name = 'InvalidArgumentError';
  override readonly code = 'TRAINKIT_INVALID_ARGUMENT';
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
  override readonly code = 'TRAINKIT_TREE_MISMATCH';
}

/** The tensor engine cannot do what was asked (no such backend, a kernel that failed to register...). */
export class EngineError extends TrainkitError {
  override name = 'EngineError';
  override readonly code = 'TRAINKIT_ENGINE';
}

/**
 * The loss (or a weight about to be checkpointed) became NaN or infinite. Names the first bad step
 * and the last checkpoint written before it, so the run can resume from there (with a lower
 * learning rate, say).
 */
export class NonFiniteError extends TrainkitError {
  override name = 'NonFiniteError';
  override readonly code = 'TRAINKIT_NON_FINITE';
  constructor(
    readonly step: number,
    readonly what: string,
    readonly lastCheckpoint: string | undefined,
  ) {
    super(
      `${what} became NaN or infinite at step ${step}; training stopped. ` +
        (lastCheckpoint === undefined
          ? 'No checkpoint was written before it (add the checkpoints() callback to keep one).'
          : `The last good checkpoint is ${lastCheckpoint}.`),
    );
  }
}

/** A checkpoint file that cannot be read, or that does not fit the model or optimizer. */
export class CheckpointError extends TrainkitError {
  override name = 'CheckpointError';
  override readonly code = 'TRAINKIT_CHECKPOINT';
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
