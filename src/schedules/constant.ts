import { checkNumber } from '../errors.js';
import { checkStep, type Schedule } from './schedule.js';

/**
 * The same value at every step: `η_t = value`.
 *
 * @example
 * const lr = constant(0.01);
 * lr(0); // 0.01
 * lr(1000); // 0.01
 */
export function constant(value: number): Schedule {
  const v = checkNumber('constant.value', value, { min: 0 });
  return (step) => (checkStep(step), v);
}
