/** Scaling transforms: by a constant or scheduled factor, and by minus the learning rate. */
import * as tf from '@tensorflow/tfjs-core';
import type { ScalarOrSchedule } from './hyperparameter.js';
import type { GradientTransformation } from './transform.js';
import { hyperparameter, RANGES } from './hyperparameter.js';
import { mapLeaf, withScalars } from './leafwise.js';

/** The state of a transform whose only state is the step counter its schedules read. */
export interface CountState {
  /** Updates done so far: the step a schedule is read at (plain number, no device sync). */
  count: number;
}

/**
 * Multiplies every update by `factor` (a number or a schedule of the step).
 *
 * @example
 * const half = scale(0.5);
 */
export function scale(factor: ScalarOrSchedule): GradientTransformation<CountState> {
  const f = hyperparameter('factor', factor);
  return {
    init: () => ({ count: 0 }),
    update(grads, state) {
      const updates = withScalars({ k: f.at(state.count) }, (s) => mapLeaf((g) => tf.mul(g, s.k), grads));
      return [updates, { count: state.count + 1 }];
    },
  };
}

/**
 * The state of `scaleByLearningRate`: the step counter and the rate it reports (Optax's
 * `inject_hyperparams` idea, for the one hyperparameter every named optimizer has).
 */
export interface LearningRateState extends CountState {
  /**
   * The learning rate the last update used (before the first update: the rate the first will use).
   * A plain number, so a training loop logs it without reading the device (`learningRateOf`).
   */
  learningRate: number;
}

/**
 * Multiplies every update by −learningRate (the last link of every named optimizer, so that
 * `applyUpdates` descends). `learningRate` is a number ≥ 0 or a schedule; `flipSign: false` keeps
 * the sign (for ascent). The state reports the rate of the last update (`LearningRateState`), so
 * every optimizer built on it (sgd, adam, adamw, rmsprop, ...) says which rate it used.
 *
 * @example
 * const sgd = chain(trace({ decay: 0.9 }), scaleByLearningRate(cosineDecay({ init: 0.1, decaySteps: 1000 })));
 */
export function scaleByLearningRate(
  learningRate: ScalarOrSchedule,
  options: { flipSign?: boolean } = {},
): GradientTransformation<LearningRateState> {
  const { flipSign } = { flipSign: true, ...options };
  const lr = hyperparameter('learningRate', learningRate, RANGES.learningRate);
  return {
    init: () => ({ count: 0, learningRate: lr.at(0) }),
    update(grads, state) {
      const rate = lr.at(state.count);
      const k = flipSign ? -rate : rate;
      const updates = withScalars({ k }, (s) => mapLeaf((g) => tf.mul(g, s.k), grads));
      return [updates, { count: state.count + 1, learningRate: rate }];
    },
  };
}
