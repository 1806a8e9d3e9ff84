/**
 * Batch normalisation (Ioffe & Szegedy 2015) as tfjs-layers 4.22's `BatchNormalization` does it —
 * measured in batch_norm.test.ts; this matters to any custom training loop and to SWA:
 *
 * - Mode comes only from `kwargs.training`; absent means inference. `model.predict`,
 *   `model.evaluate` and `model.apply(x)` normalise with the MOVING statistics and leave them alone;
 *   `model.fit` calls layers with `training: true`.
 * - With `training: true` — in `fit`, and equally in `model.apply(x, { training: true })` outside
 *   fit, inside `tf.grad` / `tf.variableGrads`, or in a forward pass whose gradient is never applied —
 *   the layer normalises with the batch mean and the BIASED batch variance (`tf.moments`) and, in the
 *   same call, updates its moving statistics at once:
 *   moving ← momentum·moving + (1 − momentum)·batch statistic, the variance term biased too
 *   (PyTorch's running_var uses the unbiased n/(n − 1) variance). So every training-mode call is one
 *   update: a loop must call the model once per step in training mode, and must never evaluate in
 *   training mode.
 * - Defaults: momentum 0.99 (PyTorch's momentum = 0.1 is momentum 0.9 here), epsilon 1e-3
 *   (PyTorch: 1e-5). The moving mean starts at 0, the moving variance at 1.
 * - Trap: with `center: false` or `scale: false` a training-mode call throws a TypeError (the
 *   training path reads the missing beta/gamma); only the default center = scale = true trains.
 *
 * `recomputeBatchNormStatistics` re-estimates the moving statistics after the weights changed behind
 * the layers' backs (SWA's averaged weights, Izmailov et al. 2018: "recompute BN statistics"; or
 * weights loaded or edited by hand), as PyTorch's `torch.optim.swa_utils.update_bn` does.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { InvalidArgumentError } from '../errors.js';

/** A batch as `batches()` in data/ yields it, or a bare input tensor. */
export type BatchNormBatch = tf.Tensor | { x: tf.Tensor; y?: tf.Tensor };

/** Options of `recomputeBatchNormStatistics`. */
export interface RecomputeOptions {
  /** Dispose each batch's tensors after use (the consumer's duty under data/'s `batches()` contract). Default true. */
  dispose?: boolean;
}

type BatchNormLayer = tfl.layers.Layer & { momentum: number };

/** Every BatchNormalization layer of `model`, nested models included, in order. */
export function batchNormLayers(model: tfl.LayersModel | tfl.layers.Layer): tfl.layers.Layer[] {
  const found: tfl.layers.Layer[] = [];
  const visit = (layer: tfl.layers.Layer): void => {
    if (layer.getClassName() === 'BatchNormalization') found.push(layer);
    const inner = (layer as unknown as { layers?: tfl.layers.Layer[] }).layers;
    if (Array.isArray(inner)) inner.forEach(visit);
  };
  visit(model as tfl.layers.Layer);
  return found;
}

/**
 * Resets and re-estimates the moving mean and variance of every BatchNormalization layer of `model`
 * as the cumulative (equal-weight) average of the batch statistics over `batches`: batch n is given
 * weight 1/n by setting each layer's momentum to 1 − 1/n for one training-mode forward pass
 * (PyTorch's `update_bn`, momentum = None). The layers' momenta are restored afterwards, even on
 * error. Other layers also run in training mode during these passes (dropout drops, trainkit's
 * random layers advance their Rng), as in PyTorch; weights are not changed.
 *
 * @returns how many BN layers were updated and how many batches were used (a model without BN
 *   layers is left alone; its batches are still consumed)
 * @example
 * // after averaging weights into `swaModel`:
 * await recomputeBatchNormStatistics(swaModel, batches(train, { batchSize: 256, shuffle: false }));
 */
export async function recomputeBatchNormStatistics(
  model: tfl.LayersModel,
  batches: Iterable<BatchNormBatch> | AsyncIterable<BatchNormBatch>,
  options: RecomputeOptions = {},
): Promise<{ layers: number; batches: number }> {
  const { dispose } = { dispose: true, ...options };
  const layers = batchNormLayers(model) as BatchNormLayer[];
  const momenta = layers.map((l) => l.momentum);
  let n = 0;
  try {
    for await (const batch of batches) {
      const x = batch instanceof tf.Tensor ? batch : batch.x;
      n += 1;
      if (layers.length > 0) {
        for (const l of layers) l.momentum = 1 - 1 / n;
        tf.dispose(tf.tidy(() => model.apply(x, { training: true }) as tf.Tensor | tf.Tensor[]));
      }
      if (dispose) tf.dispose(batch instanceof tf.Tensor ? batch : [batch.x, ...(batch.y ? [batch.y] : [])]);
    }
  } finally {
    layers.forEach((l, i) => (l.momentum = momenta[i]));
  }
  if (n === 0) throw new InvalidArgumentError('batches', 'none', 'at least one batch');
  return { layers: layers.length, batches: n };
}
