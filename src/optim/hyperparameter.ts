/**
 * A hyperparameter that is a number or a schedule (a function of the step), checked twice: the
 * number (or the fact that it is a function) when the optimizer is built, and a schedule's value at
 * every step it is read, so a schedule that wanders out of range fails at the step where it does.
 */
import { checkNumber, InvalidArgumentError } from '../errors.js';

/**
 * A schedule is a plain function of the optimizer step (step 0 = the first update); the schedules
 * of `schedules/` are such functions. PyTorch convention: with `scheduler.step()` called after each
 * `optimizer.step()`, the value used by update t (torch's `last_epoch == t`) is `schedule(t)`.
 */
export type Schedule = (step: number) => number;
/** Every numeric hyperparameter of a trainkit optimizer: a number or a schedule. */
export type ScalarOrSchedule = number | Schedule;

/** The value of a number-or-schedule at `step`. */
export function valueAt(v: ScalarOrSchedule, step: number): number {
  return typeof v === 'function' ? v(step) : v;
}

/** The allowed range of a hyperparameter, as `checkNumber` takes it. */
export type HyperparameterRange = Parameters<typeof checkNumber>[2];

/** A checked number-or-schedule; `at(step)` gives its value at a step (step 0 = the first update). */
export interface Hyperparameter {
  readonly option: string;
  /** The value when it is a plain number, `undefined` when it is a schedule. */
  readonly constant: number | undefined;
  at(step: number): number;
}

/**
 * Checks `value` (a number in `range`, or a schedule) and wraps it. Throws InvalidArgumentError
 * naming `option` for anything else; a schedule's value is checked at each `at(step)`.
 *
 * @example
 * const lr = hyperparameter('learningRate', (t) => 0.1 * 0.5 ** Math.floor(t / 10), { min: 0 });
 * lr.at(12); // 0.05
 */
export function hyperparameter(option: string, value: unknown, range: HyperparameterRange = {}): Hyperparameter {
  if (typeof value === 'function') {
    const schedule = value as (step: number) => number;
    return {
      option,
      constant: undefined,
      at: (step) => checkNumber(`${option} (schedule value at step ${step})`, schedule(step), range),
    };
  }
  if (value === undefined) throw new InvalidArgumentError(option, value, 'a number or a schedule (required)');
  const v = checkNumber(option, value, range);
  return { option, constant: v, at: () => v };
}

/** True when the hyperparameter is the plain number `x` (a schedule never is). */
export function isConstant(h: Hyperparameter, x: number): boolean {
  return h.constant === x;
}

/** Ranges shared by the optimizers. */
export const RANGES = {
  learningRate: { min: 0 },
  beta: { min: 0, max: 1, maxExclusive: true },
  eps: { min: 0, minExclusive: true },
  nonNegative: { min: 0 },
} as const satisfies Record<string, HyperparameterRange>;

/**
 * Hands a checked hyperparameter on to a building-block transform: the number itself, or a schedule
 * that re-checks each value under the outer option's name (so `sgd`'s bad scheduled momentum is
 * reported as `momentum`, not as `trace`'s `decay`).
 */
export function passOn(h: Hyperparameter): ScalarOrSchedule {
  return h.constant ?? ((step: number) => h.at(step));
}

/**
 * The checked hyperparameters of the Adam family (adam, adamw, lamb), in the order they are
 * checked: learningRate, weightDecay, b1, b2, eps (the first bad one is the one named).
 */
export function adamHyperparameters(o: {
  learningRate: unknown;
  weightDecay: unknown;
  b1: unknown;
  b2: unknown;
  eps: unknown;
}): { lr: Hyperparameter; wd: Hyperparameter; b1: Hyperparameter; b2: Hyperparameter; eps: Hyperparameter } {
  const lr = hyperparameter('learningRate', o.learningRate, RANGES.learningRate);
  const wd = hyperparameter('weightDecay', o.weightDecay, RANGES.nonNegative);
  const [b1, b2] = [hyperparameter('b1', o.b1, RANGES.beta), hyperparameter('b2', o.b2, RANGES.beta)];
  const eps = hyperparameter('eps', o.eps, RANGES.eps);
  return { lr, wd, b1, b2, eps };
}
