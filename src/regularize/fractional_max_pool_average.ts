/**
 * Fractional max pooling's test-time model averaging (Graham 2014, "Fractional max-pooling", §3):
 * each draw of the pooling regions is a different network of one shared set of weights, so instead
 * of the one fixed set of regions a model can be run several times with random regions and its
 * predictions averaged — "training: add random noise; testing: marginalise over the noise". The paper
 * reports its test errors for 1 and 12 such repetitions; 12 is the default here.
 *
 * Decisions:
 * - The noise lives inside the model, so this is not a `tta` view (views transform the input):
 *   `fmpAverage` turns on `randomAtInference` on every FractionalMaxPooling2D layer of the model
 *   (nested models included) for the duration of its draws, and nothing else: dropout and batch
 *   norm stay in inference mode, unlike a `training: true` pass.
 * - Deterministic by seed, independent of training: each layer's generator is set, for the
 *   duration, to one `split()` of `new Rng(seed)` (in layer order), then its own flag and generator
 *   position are put back, so averaging never shifts the masks a resumed training run draws.
 * - A draw is one `predict` of the whole input (one set of regions per layer shared by every image,
 *   as in training) unless `batchSize` splits it, when each batch draws its own regions.
 * - The mean is of softmax probabilities, as `tta` averages (`output: 'probabilities'` for a model
 *   whose last layer already applies the softmax).
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { InvalidArgumentError, checkNumber } from '../errors.js';
import { Rng } from '../engine/rng.js';
import { FractionalMaxPooling2D } from './fractional_max_pool.js';

export interface FmpAverageOptions {
  /** Number of random region draws averaged, an integer >= 1. Default 12 (Graham 2014). */
  draws?: number;
  /** Seeds the draws (a safe integer): the same seed gives the same average. Default 0. */
  seed?: number;
  /** `predict`'s batch size. Default: the whole input, so one draw is one set of regions per layer. */
  batchSize?: number;
  /** What the model outputs: 'logits' (softmax applied before averaging, default) or 'probabilities'. */
  output?: 'logits' | 'probabilities';
}

/** Every FractionalMaxPooling2D layer of `model`, nested models included, in order. */
function fmpLayers(model: tfl.LayersModel | tfl.layers.Layer): FractionalMaxPooling2D[] {
  const found: FractionalMaxPooling2D[] = [];
  const visit = (layer: tfl.layers.Layer): void => {
    if (layer instanceof FractionalMaxPooling2D) found.push(layer);
    const inner = (layer as unknown as { layers?: tfl.layers.Layer[] }).layers;
    if (Array.isArray(inner)) inner.forEach(visit);
  };
  visit(model as tfl.layers.Layer);
  return found;
}

/**
 * The mean over `draws` random draws of the pooling regions of the model's softmax output:
 * probabilities of the same shape as `model.predict(x)`. See the file's comment for the seeding.
 *
 * @example
 * const probs = fmpAverage(model, xTest, { draws: 12, seed: 1 }); // vs model.predict(xTest): the fixed regions
 */
export function fmpAverage(model: tfl.LayersModel, x: tf.Tensor, options: FmpAverageOptions = {}): tf.Tensor {
  const o = { draws: 12, seed: 0, output: 'logits' as 'logits' | 'probabilities', ...options };
  checkNumber('draws', o.draws, { min: 1, integer: true });
  if (!Number.isSafeInteger(o.seed)) throw new InvalidArgumentError('seed', o.seed, 'a safe integer');
  if (o.output !== 'logits' && o.output !== 'probabilities') throw new InvalidArgumentError('output', o.output, "'logits' or 'probabilities'");
  if (!(x instanceof tf.Tensor)) throw new InvalidArgumentError('x', x, 'a tf.Tensor of inputs');
  if (model === null || typeof model !== 'object' || typeof (model as { predict?: unknown }).predict !== 'function')
    throw new InvalidArgumentError('model', model, 'a tf.LayersModel');
  const batchSize = o.batchSize ?? Math.max(1, x.shape[0] ?? 1);
  checkNumber('batchSize', batchSize, { min: 1, integer: true });
  const layers = fmpLayers(model);
  if (layers.length === 0)
    throw new InvalidArgumentError('model', `${model.name ?? 'a model'} without FractionalMaxPooling2D layers`, 'a model with at least one FractionalMaxPooling2D layer (its regions are what the draws vary)');

  const saved = layers.map((l) => ({ random: l.randomAtInference, state: l.getRngState() }));
  const master = new Rng(o.seed);
  for (const l of layers) {
    l.randomAtInference = true;
    l.setRngState(master.split().getState());
  }
  try {
    return tf.tidy(() => {
      let sum: tf.Tensor | undefined;
      for (let k = 0; k < o.draws; k++) {
        const out = model.predict(x, { batchSize });
        if (Array.isArray(out)) throw new InvalidArgumentError('model', `a model of ${out.length} outputs`, 'a model of one output');
        const p = o.output === 'logits' ? tf.softmax(out) : out;
        sum = sum === undefined ? p : tf.add(sum, p);
      }
      return tf.div(sum as tf.Tensor, o.draws);
    });
  } finally {
    layers.forEach((l, i) => {
      l.randomAtInference = saved[i].random;
      l.setRngState(saved[i].state);
    });
  }
}
