import { checkNumber, InvalidArgumentError } from '../errors.js';
import type { Schedule } from './schedule.js';

/**
 * The values of a schedule at steps 0, 1, ..., steps − 1, for printing and plotting.
 *
 * @example
 * sampleSchedule(linear({ from: 1, to: 0, steps: 4 }), 5); // [1, 0.75, 0.5, 0.25, 0]
 */
export function sampleSchedule(schedule: Schedule, steps: number): number[] {
  if (typeof schedule !== 'function') throw new InvalidArgumentError('schedule', schedule, 'a function (step) => number');
  const n = checkNumber('steps', steps, { min: 0, integer: true });
  return Array.from({ length: n }, (_, t) => schedule(t));
}
