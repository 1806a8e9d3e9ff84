/** Errors of the trial stores. */
import { TrainkitError } from '../errors.js';

/** A store that cannot be opened or used (a malformed or unreachable URL, a schema from the future...). */
export class StoreError extends TrainkitError {
  override name = 'StoreError';
  override readonly code: string = 'TRAINKIT_STORE';
}

/**
 * A write about a trial this worker no longer owns: the trial was failed as stale (and perhaps
 * retried by another worker) or already finished. The write was not applied.
 */
export class LeaseLostError extends StoreError {
  override name = 'LeaseLostError';
  override readonly code = 'TRAINKIT_LEASE_LOST';
  constructor(
    readonly trialNumber: number,
    readonly reason: string,
  ) {
    super(`Trial ${trialNumber} is no longer this worker's (${reason}); the write was refused`);
  }
}
