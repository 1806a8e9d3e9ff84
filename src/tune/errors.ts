/** Errors of the search: a pruned trial (a signal, not a failure) and a study that cannot go on. */
import { TrainkitError } from '../errors.js';

/**
 * Thrown by an objective to stop its trial as pruned: the trial is recorded `pruned`, with its last
 * intermediate value, and the study goes on. Optuna's `TrialPruned`.
 *
 * @example
 * await trial.report(loss, epoch);
 * if (await trial.shouldPrune()) throw new TrialPruned();
 */
export class TrialPruned extends TrainkitError {
  override name = 'TrialPruned';
  override readonly code = 'TRAINKIT_TRIAL_PRUNED';
  constructor(message = 'the trial was pruned') {
    super(message);
  }
}

/** A study that cannot go on (every trial of an optimize call failing, a trial told twice...). */
export class StudyError extends TrainkitError {
  override name = 'StudyError';
  override readonly code: string = 'TRAINKIT_STUDY';
}
