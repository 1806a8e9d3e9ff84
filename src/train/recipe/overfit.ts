/**
 * Recipe step 2: overfit a small sample. A model and optimizer that work must drive a few
 * minibatches (5–10) to 100% training accuracy, with regularisation off. If they cannot, nothing
 * larger will train either, and how it fails names the cause: a loss that stays flat means the
 * learning rate is too low (or the initialisation is bad); a loss that rises or turns NaN means
 * it is too high.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { ArrayDataset } from '../../data/dataset.js';
import { checkNumber } from '../../errors.js';
import { adam } from '../../optim/index.js';
import type { GradientTransformation } from '../../optim/transform.js';
import type { Callback } from '../callbacks.js';
import { NonFiniteError } from '../errors.js';
import { evaluate } from '../evaluate.js';
import { fit } from '../fit.js';
import type { Loss, LossName } from '../losses.js';
import { adaptModel, type Model } from '../model.js';
import { sampleOf } from './sample.js';

export interface OverfitOptions {
  /** Minibatches in the sample (the course says 5–10). Default 5. */
  batches?: number;
  /** Default 32. */
  batchSize?: number;
  /** The optimizer, without weight decay. Default adam({ learningRate: 1e-3 }). */
  optimizer?: GradientTransformation<any>;
  /** Passes over the sample at most. Default 100. */
  maxEpochs?: number;
  /** Training accuracy to reach (on the sample, inference mode). Default 1. */
  target?: number;
  /** Default 'softmaxCrossEntropy'. */
  loss?: Loss | LossName;
  /** Seed of the sample and of the batch order. Default 0. */
  seed?: number;
  /** Put the initial weights back afterwards (the check leaves the model as it found it). Default true. */
  restore?: boolean;
}

export interface OverfitReport {
  ok: boolean;
  /** Accuracy on the sample after training (inference mode). */
  accuracy: number;
  /** Loss on the sample before and after (inference mode); NaN when training blew up. */
  initialLoss: number;
  finalLoss: number;
  /** Mean training loss of each pass over the sample. */
  losses: number[];
  steps: number;
  examples: number;
  /** Likely causes of a failure (empty on success). */
  causes: string[];
  verdict: string;
}

/**
 * Trains on `batches × batchSize` examples of `data` until the sample is memorised or
 * `maxEpochs` passes are done, then reports. Works for both model kinds; leaks no tensors; by
 * default restores the initial weights.
 *
 * @example
 * const r = await overfitSmallSample(model, train, { optimizer: adam({ learningRate: 3e-3 }) });
 * if (!r.ok) console.log(r.causes.join('\n'));
 */
export async function overfitSmallSample(model: Model, data: ArrayDataset, options: OverfitOptions = {}): Promise<OverfitReport> {
  const o = { batches: 5, batchSize: 32, maxEpochs: 100, target: 1, loss: 'softmaxCrossEntropy' as Loss | LossName, seed: 0, restore: true, ...options };
  checkNumber('batches', o.batches, { min: 1, integer: true });
  checkNumber('batchSize', o.batchSize, { min: 1, integer: true });
  checkNumber('maxEpochs', o.maxEpochs, { min: 1, integer: true });
  checkNumber('target', o.target, { min: 0, max: 1, minExclusive: true });
  const optimizer = o.optimizer ?? adam({ learningRate: 1e-3 });
  const sample = sampleOf(data, o.batches * o.batchSize, o.seed);
  const adapter = adaptModel(model);
  const saved = o.restore ? adapter.weights().map(([, t]) => tf.clone(t)) : [];
  const evalOpts = { loss: o.loss, batchSize: 256 };
  try {
    const initialLoss = (await evaluate(adapter, sample, evalOpts)).loss;
    const losses: number[] = [];
    let steps = 0;
    let blewUp: NonFiniteError | undefined;
    const stopper: Callback = {
      onEpochEnd(_epoch, logs, ctx) {
        losses.push(logs.loss);
        steps = ctx.position().step;
        if (logs.accuracy >= o.target) ctx.stop('sample memorised');
      },
    };
    try {
      await fit(model, { train: sample }, {
        optimizer,
        epochs: o.maxEpochs,
        batchSize: o.batchSize,
        loss: o.loss,
        seed: o.seed,
        logEvery: o.batches,
        verbose: 'silent',
        callbacks: [stopper],
      });
    } catch (e) {
      if (!(e instanceof NonFiniteError)) throw e;
      blewUp = e;
      steps = e.step;
    }
    const after = blewUp === undefined ? await evaluate(adapter, sample, evalOpts) : { loss: Number.NaN, accuracy: 0 };
    const ok = blewUp === undefined && after.accuracy >= o.target;
    const causes: string[] = [];
    const pct = (a: number): string => `${(100 * a).toFixed(1)}%`;
    const best = Math.min(...losses.filter(Number.isFinite), after.loss);
    if (blewUp !== undefined) causes.push(`the loss became NaN/infinite at step ${blewUp.step}: learning rate too high (or a numerical bug such as log(0))`);
    else if (!ok) {
      if (!Number.isFinite(after.loss) || after.loss > initialLoss * 1.05 || losses.some((l) => l > 4 * initialLoss))
        causes.push(`the loss rose (${fmt(initialLoss)} → ${fmt(after.loss)}): learning rate too high`);
      else if (best > 0.9 * initialLoss)
        causes.push(`the loss stayed flat (${fmt(initialLoss)} → ${fmt(after.loss)}): learning rate too low, or a bad initialisation (dead units, vanishing gradients)`);
      else
        causes.push(
          `the loss falls (${fmt(initialLoss)} → ${fmt(after.loss)}) but ${pct(after.accuracy)} < ${pct(o.target)} after ${steps} steps: train longer or raise the learning rate; a model that cannot memorise ${sample.size} examples is too small`,
        );
    }
    const verdict = ok
      ? `memorised ${sample.size} examples (${o.batches} batches of ${o.batchSize}) in ${steps} steps: accuracy ${pct(after.accuracy)}, loss ${fmt(initialLoss)} → ${fmt(after.loss)}: OK`
      : `could not overfit ${sample.size} examples: ${causes.join('; ')}`;
    return { ok, accuracy: after.accuracy, initialLoss, finalLoss: after.loss, losses, steps, examples: sample.size, causes, verdict };
  } finally {
    if (o.restore) {
      adapter.setWeights(saved);
      saved.forEach((t) => t.dispose());
    }
  }
}

const fmt = (v: number): string => (+v.toPrecision(4)).toString();
