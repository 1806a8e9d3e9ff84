/**
 * Search-space distributions from `suggest*` arguments: checked once, before anything is written,
 * with the bad value and what would be valid named. A distribution is plain data
 * (store/types.ts `Distribution`), stored with each param, so any worker reads the same space.
 *
 * Rules (Optuna 3.1's, except where said):
 * - float and int: finite bounds, `low <= high` (`low == high` is the one value `low`);
 *   `log` needs `low > 0` and excludes `step`.
 * - `step` > 0 must divide `high - low` (Optuna silently lowers `high` to the last multiple; here the
 *   call is refused and the error names that `high`, so the space is the one written).
 * - int: integer bounds and step; `log` only with step 1.
 * - categorical: at least one choice, each a string, finite number, boolean or null.
 */
import { InvalidArgumentError } from '../errors.js';
import type { Choice, Distribution, ParamValue } from '../store/types.js';

export interface FloatOptions {
  /** Draw uniformly in log space (needs low > 0). Default false. */
  log?: boolean;
  /** Only values low + k·step (must divide high − low; not with log). Default: continuous. */
  step?: number;
}

export interface IntOptions {
  /** Draw uniformly in log space (needs low >= 1 and step 1). Default false. */
  log?: boolean;
  /** Only values low + k·step. Default 1. */
  step?: number;
}

const FLOAT_DEFAULTS: FloatOptions = { log: false, step: undefined };
const INT_DEFAULTS: Required<IntOptions> = { log: false, step: 1 };

function checkName(name: unknown): string {
  if (typeof name !== 'string' || name.length === 0) throw new InvalidArgumentError('parameter name', name, 'a non-empty string');
  return name;
}

function checkBounds(name: string, low: unknown, high: unknown, integer: boolean): [number, number] {
  const kind = integer ? 'a safe integer' : 'a finite number';
  const ok = (v: unknown): v is number => typeof v === 'number' && (integer ? Number.isSafeInteger(v) : Number.isFinite(v));
  if (!ok(low)) throw new InvalidArgumentError(`low of ${JSON.stringify(name)}`, low, kind);
  if (!ok(high)) throw new InvalidArgumentError(`high of ${JSON.stringify(name)}`, high, kind);
  if (low > high) throw new InvalidArgumentError(`range of ${JSON.stringify(name)}`, [low, high], 'low <= high (an empty or inverted range has no values)');
  return [low, high];
}

function checkStep(name: string, low: number, high: number, step: unknown, integer: boolean): number {
  if (typeof step !== 'number' || !Number.isFinite(step) || step <= 0 || (integer && !Number.isSafeInteger(step)))
    throw new InvalidArgumentError(`step of ${JSON.stringify(name)}`, step, integer ? 'a positive integer' : 'a finite number > 0');
  const k = (high - low) / step;
  const whole = Math.round(k);
  if (Math.abs(k - whole) > 1e-8 * Math.max(1, Math.abs(k))) {
    const fitted = +(low + Math.floor(k + 1e-8) * step).toPrecision(12);
    throw new InvalidArgumentError(
      `high of ${JSON.stringify(name)}`,
      high,
      `low + k·step for a whole k, so step ${step} divides the range (e.g. ${fitted}, which Optuna would use silently)`,
    );
  }
  return step;
}

/** The float distribution of `suggestFloat(name, low, high, options)`, checked. */
export function floatDistribution(name: string, low: number, high: number, options: FloatOptions = {}): Distribution {
  checkName(name);
  const { log, step } = { ...FLOAT_DEFAULTS, ...options };
  const [lo, hi] = checkBounds(name, low, high, false);
  if (typeof log !== 'boolean') throw new InvalidArgumentError(`log of ${JSON.stringify(name)}`, log, 'true or false');
  if (log && step !== undefined) throw new InvalidArgumentError(`step of ${JSON.stringify(name)}`, step, 'no step with log: true');
  if (log && lo <= 0) throw new InvalidArgumentError(`low of ${JSON.stringify(name)}`, lo, 'a number > 0 with log: true');
  if (step === undefined) return { type: 'float', low: lo, high: hi, log };
  return { type: 'float', low: lo, high: hi, log, step: checkStep(name, lo, hi, step, false) };
}

/** The int distribution of `suggestInt(name, low, high, options)`, checked. */
export function intDistribution(name: string, low: number, high: number, options: IntOptions = {}): Distribution {
  checkName(name);
  const { log, step } = { ...INT_DEFAULTS, ...options };
  const [lo, hi] = checkBounds(name, low, high, true);
  if (typeof log !== 'boolean') throw new InvalidArgumentError(`log of ${JSON.stringify(name)}`, log, 'true or false');
  checkStep(name, lo, hi, step, true);
  if (log && step !== 1) throw new InvalidArgumentError(`step of ${JSON.stringify(name)}`, step, '1 with log: true');
  if (log && lo < 1) throw new InvalidArgumentError(`low of ${JSON.stringify(name)}`, lo, 'an integer >= 1 with log: true');
  return { type: 'int', low: lo, high: hi, log, step };
}

const isChoice = (c: unknown): c is Choice =>
  c === null || typeof c === 'string' || typeof c === 'boolean' || (typeof c === 'number' && Number.isFinite(c));

/** The categorical distribution of `suggestCategorical(name, choices)`, checked. */
export function categoricalDistribution(name: string, choices: readonly Choice[]): Distribution {
  checkName(name);
  if (!Array.isArray(choices) || choices.length === 0)
    throw new InvalidArgumentError(`choices of ${JSON.stringify(name)}`, choices, 'a non-empty array');
  const bad = choices.find((c) => !isChoice(c));
  if (bad !== undefined || choices.some((c) => c === undefined))
    throw new InvalidArgumentError(`choice of ${JSON.stringify(name)}`, bad, 'a string, a finite number, a boolean or null');
  return { type: 'categorical', choices: [...choices] };
}

/** True when two distributions are the same space. */
export function sameDistribution(a: Distribution, b: Distribution): boolean {
  if (a.type === 'categorical' || b.type === 'categorical') {
    if (a.type !== 'categorical' || b.type !== 'categorical') return false;
    return a.choices.length === b.choices.length && a.choices.every((c, i) => Object.is(c, b.choices[i]));
  }
  return a.type === b.type && a.low === b.low && a.high === b.high && a.log === b.log && a.step === b.step;
}

/** A distribution in words: `float in [0.001, 0.1] (log)`, `int in [1, 9] step 2`, `one of ["a","b"]`. */
export function describeDistribution(d: Distribution): string {
  if (d.type === 'categorical') return `one of ${JSON.stringify(d.choices)}`;
  return `${d.type} in [${d.low}, ${d.high}]${d.log ? ' (log)' : ''}${d.step !== undefined && !(d.type === 'int' && d.step === 1) ? ` step ${d.step}` : ''}`;
}

/** True when `value` is a value of `d` (a fixed or enqueued param must be one). */
export function contains(d: Distribution, value: ParamValue): boolean {
  if (d.type === 'categorical') return d.choices.some((c) => Object.is(c, value) || c === value);
  if (typeof value !== 'number' || !Number.isFinite(value) || value < d.low || value > d.high) return false;
  if (d.type === 'int' && !Number.isInteger(value)) return false;
  if (d.step === undefined) return true;
  const k = (value - d.low) / d.step;
  return Math.abs(k - Math.round(k)) <= 1e-8 * Math.max(1, Math.abs(k));
}
