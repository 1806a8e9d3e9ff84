/**
 * What every schedule shares: the step check. The `Schedule` and `ScalarOrSchedule` types live
 * with the optimizers that consume them (optim/hyperparameter.ts), a layer below; they are
 * re-exported here for schedule authors.
 */
import { InvalidArgumentError } from '../errors.js';

export { valueAt, type Schedule, type ScalarOrSchedule } from '../optim/hyperparameter.js';

/**
 * Checks a step handed to a schedule: a non-negative integer (step 0 = the first update). Every
 * trainkit schedule calls it, so an off-by-one or fractional step fails loudly instead of giving a
 * plausible learning rate.
 */
export function checkStep(step: number): number {
  if (typeof step !== 'number' || !Number.isInteger(step) || step < 0)
    throw new InvalidArgumentError('step', step, 'a non-negative integer (step 0 = the first update)');
  return step;
}
