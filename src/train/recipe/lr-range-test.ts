/**
 * Recipe step 3: the learning-rate range test (Smith 2017, "Cyclical Learning Rates for Training
 * Neural Networks", §3.3; popularised by fastai's lr_find). Train from the initial weights for a
 * few hundred steps while the learning rate grows exponentially from `minLr` to `maxLr`, record
 * the loss of every step, smooth it, stop once it diverges, and read a good rate off the curve.
 * None of PyTorch, Keras or TensorFlow.js ships one.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Augmentation, AugmentBatch } from '../../augment/types.js';
import { batches, type ArrayDataset } from '../../data/dataset.js';
import { InvalidArgumentError, checkNumber } from '../../errors.js';
import { Rng } from '../../engine/rng.js';
import { adam } from '../../optim/index.js';
import type { GradientTransformation } from '../../optim/transform.js';
import type { Penalty } from '../../regularize/penalty.js';
import type { Schedule } from '../../schedules/schedule.js';
import { disposeTree } from '../../tree/ops.js';
import { resolveLoss, type Loss, type LossName } from '../losses.js';
import { adaptModel, type Model } from '../model.js';

export interface LrRangeTestOptions {
  /** Builds the optimizer to test for a learning-rate schedule. Default `(lr) => adam({ learningRate: lr })`. */
  optimizer?: (learningRate: Schedule) => GradientTransformation<any>;
  /** First learning rate. Default 1e-7. */
  minLr?: number;
  /** Last learning rate (reached at step `steps − 1` unless the loss diverges first). Default 10. */
  maxLr?: number;
  /** Steps of the sweep at most. Default 200. */
  steps?: number;
  /** Default 32. */
  batchSize?: number;
  /**
   * Smoothing factor β of the loss's moving average. Default 1 − 10/steps, within [0.8, 0.98]: an
   * averaging window 1/(1 − β) of a tenth of the sweep (0.98, fastai's value, for 500 steps or
   * more; 0.9 for 100). A fixed 0.98 on a short sweep lags by half of it and moves the minimum
   * towards too high a rate.
   */
  beta?: number;
  /** Stop when the smoothed loss exceeds this multiple of the best smoothed loss. Default 4. */
  divergeFactor?: number;
  /** Default 'softmaxCrossEntropy'. */
  loss?: Loss | LossName;
  /** Seed of the batch order and the model's generator (the augmentation draws from it too). Default 0. */
  seed?: number;
  /** Applied to every batch of the sweep, as `fit` applies it to training batches. Default: none. */
  augment?: Augmentation;
  /** Added to the loss of every step (the recorded loss includes it), as in `fit`. Default: none. */
  penalty?: Penalty;
}

export interface LrRangePoint {
  step: number;
  lr: number;
  /** The raw minibatch loss of this step (before its update). */
  loss: number;
  /** Bias-corrected exponential moving average of the losses so far. */
  smoothed: number;
}

export interface LrRangeTestResult {
  points: LrRangePoint[];
  /** The smoothing factor used. */
  beta: number;
  /** The suggested rate: `minimumLr / 10` (see lrRangeTest's doc for why). */
  suggested: number;
  /** The rate with the lowest smoothed loss. */
  minimumLr: number;
  /** The rate where the smoothed loss fell fastest per unit of log(lr), before the minimum (fastai's "steep"). */
  steepestLr: number;
  /** The lowest smoothed loss. */
  bestLoss: number;
  /** True when the sweep stopped because the loss diverged (or became NaN) before `maxLr`. */
  diverged: boolean;
  verdict: string;
}

/**
 * Runs the range test on `data` from the model's current weights and puts those weights back
 * afterwards (the optimizer state it built is freed too). The rate at step i is
 * minLr·(maxLr/minLr)^(i/(steps−1)). The loss is smoothed by an exponential moving average with
 * bias correction, s_i = a_i / (1 − βⁱ⁺¹) with a_i = β·a_{i−1} + (1 − β)·loss_i, and the sweep stops
 * when s_i > divergeFactor × min s, or the loss is NaN.
 *
 * The suggestion is the rate at the minimum of the smoothed loss divided by 10 (Smith's "where
 * the loss stops falling" backed off one decade; fastai's `lr_min`). It is chosen over the steepest
 * point because the slope of a noisy curve is itself noisy — the steepest point jumps between runs
 * — while the minimum is stable, and one decade below it still trains fast without sitting at the
 * edge of divergence. The steepest point is reported too.
 *
 * @example
 * const r = await lrRangeTest(model, train, { optimizer: (lr) => adamw({ learningRate: lr, weightDecay: 0 }) });
 * r.suggested; // e.g. 2.1e-3
 */
export async function lrRangeTest(model: Model, data: ArrayDataset, options: LrRangeTestOptions = {}): Promise<LrRangeTestResult> {
  const o = {
    optimizer: (lr: Schedule) => adam({ learningRate: lr }) as GradientTransformation<any>,
    minLr: 1e-7,
    maxLr: 10,
    steps: 200,
    batchSize: 32,
    divergeFactor: 4,
    loss: 'softmaxCrossEntropy' as Loss | LossName,
    seed: 0,
    ...options,
  };
  checkNumber('minLr', o.minLr, { min: 0, minExclusive: true });
  checkNumber('maxLr', o.maxLr, { min: 0, minExclusive: true });
  if (!(o.maxLr > o.minLr)) throw new InvalidArgumentError('maxLr', o.maxLr, `a rate above minLr (${o.minLr})`);
  checkNumber('steps', o.steps, { min: 2, integer: true });
  checkNumber('batchSize', o.batchSize, { min: 1, integer: true });
  const beta = o.beta ?? Math.min(0.98, Math.max(0.8, 1 - 10 / o.steps));
  checkNumber('beta', beta, { min: 0, max: 1, maxExclusive: true });
  checkNumber('divergeFactor', o.divergeFactor, { min: 1, minExclusive: true });
  if (typeof o.optimizer !== 'function')
    throw new InvalidArgumentError('optimizer', o.optimizer, 'a function (learningRate: Schedule) => GradientTransformation');
  if (o.augment !== undefined && typeof o.augment !== 'function')
    throw new InvalidArgumentError('augment', o.augment, 'an augmentation (batch, rng) => batch, e.g. flipLeftRight()');
  if (o.penalty !== undefined && typeof o.penalty !== 'function')
    throw new InvalidArgumentError('penalty', o.penalty, 'a penalty (params) => scalar, e.g. l2Penalty({ lambda: 1e-4 })');
  const { augment, penalty } = o;
  const ratio = o.maxLr / o.minLr;
  const lrAt: Schedule = (s) => o.minLr * ratio ** (Math.min(s, o.steps - 1) / (o.steps - 1));
  const lossFn = resolveLoss(o.loss);
  const adapter = adaptModel(model);
  const optimizer = o.optimizer(lrAt);
  const rng = new Rng(o.seed);
  const saved = adapter.weights().map(([, t]) => tf.clone(t));
  let state: unknown = optimizer.init(adapter.trainable());
  const points: LrRangePoint[] = [];
  let avg = 0;
  let best = Infinity;
  let diverged = false;
  const dropRemainder = data.size >= o.batchSize;
  try {
    sweep: for (let epoch = 0; ; epoch++) {
      for (const b of batches(data, { batchSize: o.batchSize, shuffle: true, seed: o.seed, epoch, dropRemainder })) {
        const step = points.length;
        let loss: number;
        // Augmented tensors are freed with the batch's own (an augmentation may return b.x or b.y itself).
        let { x, y }: { x: tf.Tensor; y: tf.Tensor } = b;
        try {
          if (augment !== undefined) ({ x, y } = augment(b as AugmentBatch, rng));
          const lossOf = (logits: tf.Tensor): tf.Scalar =>
            penalty === undefined ? lossFn(logits, y) : tf.add(lossFn(logits, y), penalty(adapter.trainable()));
          const out = adapter.lossAndGrads(lossOf, x, rng);
          try {
            state = adapter.update(optimizer, out.grads, state);
            loss = (await out.loss.data())[0];
          } finally {
            disposeTree([out.loss, out.grads, out.logits]);
          }
        } finally {
          tf.dispose([...new Set([b.x, b.y, x, y])]);
        }
        avg = beta * avg + (1 - beta) * loss;
        const smoothed = avg / (1 - beta ** (step + 1));
        points.push({ step, lr: lrAt(step), loss, smoothed });
        if (!Number.isFinite(smoothed) || smoothed > o.divergeFactor * best) {
          diverged = true;
          break sweep;
        }
        best = Math.min(best, smoothed);
        if (points.length >= o.steps) break sweep;
      }
    }
  } finally {
    adapter.setWeights(saved);
    saved.forEach((t) => t.dispose());
    disposeTree(state, adapter.weights().map(([, t]) => t));
  }
  return { ...summarise(points, diverged, o.minLr, o.maxLr), beta };
}

function summarise(points: LrRangePoint[], diverged: boolean, minLr: number, maxLr: number): Omit<LrRangeTestResult, 'beta'> {
  const finite = points.filter((p) => Number.isFinite(p.smoothed));
  if (finite.length === 0)
    return { points, suggested: minLr, minimumLr: minLr, steepestLr: minLr, bestLoss: Number.NaN, diverged, verdict: `the loss was NaN from the first step at lr ${minLr}: lower minLr or check the model` };
  let iMin = 0;
  finite.forEach((p, i) => {
    if (p.smoothed < finite[iMin].smoothed) iMin = i;
  });
  // Steepest descent of the smoothed loss per decade, by central differences, up to the minimum.
  let iSteep = 0;
  let steepest = Infinity;
  for (let i = 1; i < Math.max(2, iMin); i++) {
    const a = finite[i - 1];
    const b = finite[Math.min(i + 1, finite.length - 1)];
    const slope = (b.smoothed - a.smoothed) / (Math.log10(b.lr) - Math.log10(a.lr));
    if (slope < steepest) {
      steepest = slope;
      iSteep = i;
    }
  }
  const minimumLr = finite[iMin].lr;
  const suggested = minimumLr / 10;
  const e = (v: number): string => v.toExponential(1);
  const reached = diverged ? `diverged at lr ${e(points[points.length - 1].lr)}` : `reached maxLr ${e(maxLr)} without diverging`;
  let verdict = `suggested lr ${e(suggested)} (the smoothed loss is lowest, ${(+finite[iMin].smoothed.toPrecision(4))}, at lr ${e(minimumLr)}; steepest fall at ${e(finite[iSteep].lr)}); ${reached} after ${points.length} steps`;
  if (iMin === 0) verdict += '; the loss never fell: lower minLr, or the model does not learn';
  if (!diverged && iMin === finite.length - 1) verdict += '; the loss was still falling at maxLr: raise maxLr';
  return { points, suggested, minimumLr, steepestLr: finite[iSteep].lr, bestLoss: finite[iMin].smoothed, diverged, verdict };
}
