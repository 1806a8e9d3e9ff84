/**
 * Stochastic weight averaging (Izmailov et al. 2018, "Averaging Weights Leads to Wider Optima and
 * Better Generalization"): from some point of training on, collect the weights every c steps (or
 * every epoch) and keep their equal average, w_swa ← w_swa + (w − w_swa)/(n + 1). The averaged
 * weights were never seen by the batch-norm layers, so their moving statistics are recomputed with
 * one pass over training data at the end (the paper's "recompute BN statistics"; PyTorch's
 * `swa_utils.update_bn`). Kept apart from the trained weights, evaluated and saved on their own.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { batches, type ArrayDataset } from '../data/dataset.js';
import { InvalidArgumentError, TrainkitError, checkNumber } from '../errors.js';
import { batchNormLayers, recomputeBatchNormStatistics } from '../regularize/batch_norm.js';
import type { Callback, Logs, TrainContext } from './callbacks.js';
import { evaluate, type EvaluateOptions } from './evaluate.js';
import { layerRngStates, setLayerRngStates } from './layer-rng.js';
import { adaptModel, type Model } from './model.js';

export interface SwaOptions {
  /** The first epoch whose end (every: 'epoch') or steps (every: N) are collected. Default 0. */
  startEpoch?: number;
  /** Instead of `startEpoch`: the first step (updates done) that may be collected. */
  startStep?: number;
  /**
   * 'epoch' (default): collect at the end of every epoch from `startEpoch` on. A number c: collect
   * after steps start, start + c, start + 2c, ... (start = `startStep`, or `startEpoch` × steps per
   * epoch) — with a cyclic schedule of period c, the cycle ends.
   */
  every?: 'epoch' | number;
  /**
   * Training data for the batch-norm recomputation at the end of training (inference-free passes in
   * training mode, in order, not shuffled). Required when the model has BatchNormalization layers.
   */
  bnData?: ArrayDataset;
  /** Batch size of the recomputation passes. Default 256. */
  bnBatchSize?: number;
}

/** An SWA callback; after training, read, evaluate or install the averaged weights. */
export interface Swa extends Callback {
  /** How many weight sets were averaged. */
  readonly count: number;
  /** True once the batch-norm statistics of the average were recomputed (or the model has none). */
  readonly batchNormRecomputed: boolean;
  /** The averaged weights in model order (owned by the callback); undefined before the first collection. */
  values(): tf.Tensor[] | undefined;
  /** Evaluates `model` with the averaged weights swapped in, then puts its own weights back. */
  evaluate(model: Model, data: ArrayDataset, options?: EvaluateOptions): Promise<Logs>;
  /** Copies the averaged weights into `model` (e.g. a clone to save with model.save()). */
  copyTo(model: Model): void;
  /** Frees the averaged weights. */
  dispose(): void;
}

/**
 * Averages the model's weights (every weight; int32 ones take the latest value) from `startEpoch`
 * (or `startStep`) on, every epoch or every `every` steps, and, at the end of training, recomputes
 * the batch-norm statistics of the average on `bnData` (the model's random layers' generators are
 * put back afterwards, so the trained model's run is unchanged). The average is part of `fit`'s
 * checkpoints (name 'swa'). A functional model has no batch-norm layers to recompute.
 *
 * @example
 * const avg = swa({ startEpoch: 15, bnData: train });  // the last quarter of 20 epochs
 * await fit(model, { train }, { optimizer, epochs: 20, callbacks: [avg] });
 * const { accuracy } = await avg.evaluate(model, test);
 */
export function swa(options: SwaOptions = {}): Swa {
  const o = { startEpoch: 0, every: 'epoch' as 'epoch' | number, bnBatchSize: 256, ...options };
  checkNumber('startEpoch', o.startEpoch, { min: 0, integer: true });
  if (o.startStep !== undefined) checkNumber('startStep', o.startStep, { min: 0, integer: true });
  if (o.every !== 'epoch') checkNumber('every', o.every, { min: 1, integer: true });
  checkNumber('bnBatchSize', o.bnBatchSize, { min: 1, integer: true });
  if (o.bnData !== undefined && (o.bnData === null || typeof o.bnData !== 'object' || !(o.bnData.x instanceof Float32Array)))
    throw new InvalidArgumentError('bnData', o.bnData, 'an ArrayDataset');
  let avg: tf.Tensor[] | undefined;
  let count = 0;
  let recomputed = false;
  const drop = (): void => {
    tf.dispose(avg ?? []);
    avg = undefined;
  };
  const need = (): tf.Tensor[] => {
    if (avg === undefined) throw new TrainkitError('swa: no averaged weights yet (train with the callback past its start first)');
    return avg;
  };
  const collect = (ctx: TrainContext): void => {
    const weights = ctx.model.weights().map(([, t]) => t);
    const prev = avg;
    const n = count;
    avg = tf.tidy(() =>
      weights.map((w, i) => (prev === undefined || w.dtype !== 'float32' ? tf.clone(w) : tf.add(prev[i], tf.div(tf.sub(w, prev[i]), n + 1)))),
    );
    tf.dispose(prev ?? []);
    count = n + 1;
    recomputed = false;
  };
  const startStep = (ctx: TrainContext): number => {
    if (o.startStep !== undefined) return o.startStep;
    if (ctx.stepsPerEpoch === undefined)
      throw new InvalidArgumentError('startEpoch', o.startEpoch, 'startStep instead: a stream of unknown length has no steps per epoch');
    return o.startEpoch * ctx.stepsPerEpoch;
  };
  return {
    name: 'swa',
    get count() {
      return count;
    },
    get batchNormRecomputed() {
      return recomputed;
    },
    values: () => avg,
    onTrainBegin(ctx) {
      drop();
      count = 0;
      recomputed = false;
      const source = ctx.model.source;
      if (ctx.model.kind === 'layers' && o.bnData === undefined && batchNormLayers(source as LayersModel).length > 0)
        throw new InvalidArgumentError('bnData', undefined, 'training data to recompute the batch-norm statistics of the average (the model has BatchNormalization layers)');
    },
    onBatchEnd(step, _logs, ctx) {
      if (o.every === 'epoch') return;
      const start = startStep(ctx);
      if (step >= start && (step - start) % o.every === 0) collect(ctx);
    },
    onEpochEnd(epoch, _logs, ctx) {
      if (o.every !== 'epoch') return;
      if (o.startStep === undefined ? epoch >= o.startEpoch : ctx.position().step >= o.startStep) collect(ctx);
    },
    async onTrainEnd(_logs, ctx) {
      if (avg === undefined) return;
      if (ctx.model.kind !== 'layers' || o.bnData === undefined || batchNormLayers(ctx.model.source as LayersModel).length === 0) {
        recomputed = true;
        return;
      }
      const model = ctx.model.source as LayersModel;
      const adapter = ctx.model;
      const own = adapter.weights().map(([, t]) => tf.clone(t));
      const rngs = layerRngStates(model);
      try {
        adapter.setWeights(avg);
        await recomputeBatchNormStatistics(model, batches(o.bnData, { batchSize: o.bnBatchSize, shuffle: false }));
        const next = adapter.weights().map(([, t]) => tf.clone(t));
        drop();
        avg = next;
        recomputed = true;
      } finally {
        adapter.setWeights(own);
        tf.dispose(own);
        setLayerRngStates(model, rngs);
      }
    },
    saveState: () => ({ count, average: avg ?? null }),
    loadState(state) {
      const s = state as { count: number; average: tf.Tensor[] | null };
      drop();
      avg = s.average ?? undefined;
      count = s.count;
      recomputed = false;
    },
    async evaluate(model, data, evalOptions) {
      const adapter = adaptModel(model);
      const values = need();
      const own = adapter.weights().map(([, t]) => tf.clone(t));
      adapter.setWeights(values);
      try {
        return await evaluate(adapter, data, evalOptions);
      } finally {
        adapter.setWeights(own);
        tf.dispose(own);
      }
    },
    copyTo(model) {
      adaptModel(model).setWeights(need());
    },
    dispose: drop,
  };
}
