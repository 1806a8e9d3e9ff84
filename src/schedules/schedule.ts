/**
 * A schedule is a plain function of the optimizer step (step 0 = the first update). Every numeric
 * hyperparameter of a trainkit optimizer accepts a number or a schedule.
 *
 * PyTorch convention: with `scheduler.step()` called after each `optimizer.step()`, the learning rate
 * used by update t (counting from 0, i.e. torch's `last_epoch == t`) is trainkit's `schedule(t)`.
 */
import { InvalidArgumentError } from '../errors.js';

export type Schedule = (step: number) => number;
export type ScalarOrSchedule = number | Schedule;

/** The value of a number-or-schedule at `step`. */
export function valueAt(v: ScalarOrSchedule, step: number): number {
  return typeof v === 'function' ? v(step) : v;
}

/** Checks that a hyperparameter is a finite number (in range) or a function; schedules are checked when called. */
export function checkScalarOrSchedule(
  option: string,
  v: unknown,
  ok: (x: number) => boolean = Number.isFinite,
  expected = 'a finite number or a schedule (step) => number',
): ScalarOrSchedule {
  if (typeof v === 'function') return v as Schedule;
  if (typeof v !== 'number' || !Number.isFinite(v) || !ok(v)) throw new InvalidArgumentError(option, v, expected);
  return v;
}

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
