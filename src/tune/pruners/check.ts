/** Option checks shared by the pruners. */
import { InvalidArgumentError } from '../../errors.js';

/** Throws InvalidArgumentError unless `value` is an integer >= `min` (`alternative`: what else is valid, e.g. "or 'auto'"). */
export function checkInteger(option: string, value: unknown, min: number, alternative?: string): void {
  if (!Number.isSafeInteger(value) || (value as number) < min)
    throw new InvalidArgumentError(option, value, `an integer >= ${min}${alternative === undefined ? '' : ` ${alternative}`}`);
}
