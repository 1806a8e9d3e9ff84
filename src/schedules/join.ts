import { InvalidArgumentError } from '../errors.js';
import { checkStep, type Schedule } from './schedule.js';

/**
 * Joins schedules end to end (Optax `join_schedules`): schedule i runs from `boundaries[i−1]`
 * (inclusive) to `boundaries[i]`, and **sees steps counted from its own boundary**, so each piece
 * can be written as if it started at step 0. `boundaries` are positive integers in strictly
 * increasing order, one fewer than the schedules.
 *
 * @example
 * // 100 steps of linear warmup to 0.1, then cosine decay to 0 over 900 steps
 * const lr = join([warmup({ steps: 100, to: 0.1 }), cosineDecay({ init: 0.1, decaySteps: 900 })], [100]);
 * lr(100); // 0.1 (the cosine at its own step 0)
 */
export function join(schedules: Schedule[], boundaries: number[]): Schedule {
  if (!Array.isArray(schedules) || schedules.length === 0 || schedules.some((s) => typeof s !== 'function'))
    throw new InvalidArgumentError('join schedules', schedules, 'a non-empty array of schedules');
  const expected = `${schedules.length - 1} positive integers in strictly increasing order (one fewer than the schedules)`;
  if (!Array.isArray(boundaries) || boundaries.length !== schedules.length - 1)
    throw new InvalidArgumentError('join boundaries', boundaries, expected);
  boundaries.forEach((b, i) => {
    if (!Number.isInteger(b) || b < 1 || (i > 0 && b <= boundaries[i - 1]))
      throw new InvalidArgumentError('join boundaries', boundaries, expected);
  });
  const pieces = [...schedules];
  const starts = [0, ...boundaries];
  return (step) => {
    checkStep(step);
    let i = 0;
    while (i + 1 < starts.length && starts[i + 1] <= step) i++;
    return pieces[i](step - starts[i]);
  };
}
