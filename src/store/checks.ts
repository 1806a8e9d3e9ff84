/** Argument checks every backend shares: bad input is refused before it reaches the store. */
import { InvalidArgumentError } from '../errors.js';
import type { ClaimOptions } from './types.js';

/** A study's direction. */
export function checkDirection(direction: unknown): void {
  if (direction !== 'minimize' && direction !== 'maximize') throw new InvalidArgumentError('direction', direction, "'minimize' or 'maximize'");
}

/** claimTrial's options: a worker name and, optionally, an integer budget ≥ 0. */
export function checkClaim(o: ClaimOptions): void {
  if (typeof o.worker !== 'string') throw new InvalidArgumentError('worker', o.worker, "a string such as 'host:pid'");
  if (o.maxTrials !== undefined && !(Number.isSafeInteger(o.maxTrials) && o.maxTrials >= 0))
    throw new InvalidArgumentError('maxTrials', o.maxTrials, 'an integer ≥ 0, or undefined for no limit');
}

/** An intermediate value: an integer step ≥ 0 and a number (NaN and ±Infinity allowed). */
export function checkReport(step: number, value: number): void {
  if (!(Number.isSafeInteger(step) && step >= 0)) throw new InvalidArgumentError('step', step, 'an integer ≥ 0');
  if (typeof value !== 'number') throw new InvalidArgumentError('value', value, 'a number');
}

/** finishTrial's arguments: a finished state, and a number for a complete trial (optional otherwise). */
export function checkFinish(state: string, value: number | undefined): void {
  if (state !== 'complete' && state !== 'pruned' && state !== 'failed') throw new InvalidArgumentError('state', state, "'complete', 'pruned' or 'failed'");
  if (value !== undefined && typeof value !== 'number') throw new InvalidArgumentError('value', value, 'a number or undefined');
  if (state === 'complete' && value === undefined)
    throw new InvalidArgumentError('value', value, "a number: a complete trial has one (finish it 'failed' or 'pruned' instead)");
}

/** reapStale's arguments: a grace period in seconds ≥ 0 and a retry count ≥ 0. */
export function checkReap(graceS: number, maxRetries: number): void {
  if (!(typeof graceS === 'number' && graceS >= 0 && graceS !== Infinity)) throw new InvalidArgumentError('graceS', graceS, 'a finite number of seconds ≥ 0');
  if (!(Number.isSafeInteger(maxRetries) && maxRetries >= 0)) throw new InvalidArgumentError('maxRetries', maxRetries, 'an integer ≥ 0');
}
