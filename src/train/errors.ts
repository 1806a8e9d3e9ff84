/** Errors of the training loop. */
import { TrainkitError } from '../errors.js';

/**
 * The loss (or a weight about to be checkpointed) became NaN or infinite. Names the first bad step
 * and the last checkpoint written before it, so the run can resume from there (with a lower
 * learning rate, say).
 */
export class NonFiniteError extends TrainkitError {
  override name = 'NonFiniteError';
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
}
