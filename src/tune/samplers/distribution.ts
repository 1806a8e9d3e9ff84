/**
 * How samplers read a parameter's distribution: the checks a distribution must pass, the internal
 * representation (a number: the value itself, or a categorical choice's index) and the transformed
 * space samplers work in (log for log distributions). The rules are Optuna 3.1's
 * (`optuna/distributions.py`, `optuna/_transform.py`).
 */
import { InvalidArgumentError } from '../../errors.js';
import type { Choice, Distribution, ParamValue } from '../../store/types.js';

/** Throws InvalidArgumentError naming `name` when `d` is not a distribution a sampler can draw from. */
export function checkDistribution(name: string, d: Distribution): void {
  const where = `distribution of '${name}'`;
  if (d.type === 'categorical') {
    if (!Array.isArray(d.choices) || d.choices.length === 0)
      throw new InvalidArgumentError(`${where} choices`, d.choices, 'a non-empty array');
    return;
  }
  if (!Number.isFinite(d.low) || !Number.isFinite(d.high) || d.low > d.high)
    throw new InvalidArgumentError(`${where} bounds`, [d.low, d.high], 'finite numbers with low <= high');
  if (d.log && d.low <= 0) throw new InvalidArgumentError(`${where} low`, d.low, 'a positive number for a log distribution');
  if (d.type === 'int') {
    if (!Number.isSafeInteger(d.low) || !Number.isSafeInteger(d.high))
      throw new InvalidArgumentError(`${where} bounds`, [d.low, d.high], 'integers');
    if (!Number.isSafeInteger(d.step) || d.step < 1) throw new InvalidArgumentError(`${where} step`, d.step, 'an integer >= 1');
    if (d.log && d.step !== 1) throw new InvalidArgumentError(`${where} step`, d.step, '1 for a log distribution');
  } else if (d.step !== undefined) {
    if (!(d.step > 0) || !Number.isFinite(d.step)) throw new InvalidArgumentError(`${where} step`, d.step, 'a positive number');
    if (d.log) throw new InvalidArgumentError(`${where} step`, d.step, 'no step for a log distribution');
  }
}

/** Whether two distributions are the same (same type, bounds, step, log, choices). */
export function sameDistribution(a: Distribution, b: Distribution): boolean {
  if (a.type !== b.type) return false;
  if (a.type === 'categorical' && b.type === 'categorical')
    return a.choices.length === b.choices.length && a.choices.every((c, i) => Object.is(c, b.choices[i]));
  const x = a as Exclude<Distribution, { type: 'categorical' }>;
  const y = b as Exclude<Distribution, { type: 'categorical' }>;
  return x.low === y.low && x.high === y.high && x.log === y.log && x.step === y.step;
}

/** True when the distribution holds a single value (nothing to sample). */
export function isSingle(d: Distribution): boolean {
  if (d.type === 'categorical') return d.choices.length === 1;
  if (d.low === d.high) return true;
  if (d.type === 'int' && d.log) return false;
  return d.step !== undefined && d.high - d.low < d.step;
}

/** A categorical choice's index (choices compare with Object.is, so NaN finds NaN), or -1. */
export function choiceIndex(choices: readonly Choice[], value: ParamValue): number {
  return choices.findIndex((c) => Object.is(c, value));
}

/** The internal representation: the number itself, or a categorical choice's index. */
export function toInternal(d: Distribution, value: ParamValue): number {
  if (d.type === 'categorical') return choiceIndex(d.choices, value);
  return value as number;
}

/** Whether `value` lies in the distribution (on its step grid, among its choices). */
export function contains(d: Distribution, value: ParamValue): boolean {
  if (d.type === 'categorical') return choiceIndex(d.choices, value) >= 0;
  if (typeof value !== 'number' || !(value >= d.low && value <= d.high)) return false;
  if (d.type === 'int') return Number.isInteger(value) && (value - d.low) % d.step === 0;
  if (d.step === undefined) return true;
  const k = (value - d.low) / d.step;
  return Math.abs(k - Math.round(k)) < 1e-8;
}

/** numpy's round: halves go to the even neighbour. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** The largest double below x. */
export function nextDown(x: number): number {
  if (x === 0) return -Number.MIN_VALUE;
  const buf = new Float64Array([x]);
  const bits = new BigInt64Array(buf.buffer);
  bits[0] += x > 0 ? -1n : 1n;
  return buf[0];
}

/**
 * The bounds of a numerical distribution in the space samplers draw from uniformly: log bounds for
 * log distributions, widened by half a step for stepped ones (so each grid value gets an equal share).
 */
export function transformedBounds(d: Exclude<Distribution, { type: 'categorical' }>): [number, number] {
  if (d.type === 'int') {
    const half = 0.5 * d.step;
    return d.log ? [Math.log(d.low - half), Math.log(d.high + half)] : [d.low - half, d.high + half];
  }
  if (d.log) return [Math.log(d.low), Math.log(d.high)];
  if (d.step !== undefined) return [d.low - 0.5 * d.step, d.high + 0.5 * d.step];
  return [d.low, d.high];
}

/** Maps a point of the transformed space back to a value of the distribution (Optuna's untransform). */
export function untransform(d: Exclude<Distribution, { type: 'categorical' }>, x: number): number {
  if (d.type === 'int') {
    const v = d.log ? roundHalfEven(Math.exp(x)) : roundHalfEven((x - d.low) / d.step) * d.step + d.low;
    return Math.min(Math.max(v, d.low), d.high);
  }
  if (d.step !== undefined && !d.log) {
    const v = roundHalfEven((x - d.low) / d.step) * d.step + d.low;
    return Math.min(Math.max(v, d.low), d.high);
  }
  const v = d.log ? Math.exp(x) : x;
  return isSingle(d) ? v : Math.min(v, nextDown(d.high));
}
