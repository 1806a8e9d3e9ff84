/** Option checks shared by the pruners. */
import { InvalidArgumentError } from '../../errors.js';

/** Throws InvalidArgumentError unless `value` is an integer >= `min`. */
export function checkInteger(option: string, value: unknown, min: number): void {
  if (!Number.isSafeInteger(value) || (value as number) < min) throw new InvalidArgumentError(option, value, `an integer >= ${min}`);
}
