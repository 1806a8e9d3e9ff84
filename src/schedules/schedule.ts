/**
 * A schedule is a plain function of the optimizer step (step 0 = the first update). Every numeric
 * hyperparameter of a trainkit optimizer accepts a number or a schedule.
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
