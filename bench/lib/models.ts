/**
 * The training benchmark's two models as tfjs-layers `LayersModel`s that output logits (the loss
 * applies the softmax), initialised with PyTorch's default distributions so that they match
 * bench/torch/mlp.py and bench/torch/cnn.py: weights U(±1/√fanIn) (PyTorch's
 * kaiming_uniform(a=√5) = tfjs varianceScaling(scale 1/3, fanIn, uniform)), biases U(±1/√fanIn).
 * - MLP: 784-512-512-10, ReLU.
 * - CNN: 28×28×1 → conv3×3(32) ReLU → conv3×3(64) ReLU → maxpool 2 → dense 128 ReLU → dense 10
 *   (valid padding, channels last).
 */
import * as tfl from '@tensorflow/tfjs-layers';
import { adam } from '../../src/optim/index.js';
import type { FitOptions } from '../../src/train/fit.js';
import type { Callback } from '../../src/train/callbacks.js';

export type ModelName = 'mlp' | 'cnn';

/** PyTorch-default initialisers for a layer with `fanIn` inputs per output. */
function torchInit(fanIn: number, seed: number) {
  const bound = 1 / Math.sqrt(fanIn);
  return {
    kernelInitializer: tfl.initializers.varianceScaling({ scale: 1 / 3, mode: 'fanIn', distribution: 'uniform', seed }),
    biasInitializer: tfl.initializers.randomUniform({ minval: -bound, maxval: bound, seed: seed + 1 }),
  };
}

/** The MLP 784-512-512-10 on flat [784] inputs. */
export function buildMlp(seed: number): tfl.LayersModel {
  return tfl.sequential({
    layers: [
      tfl.layers.dense({ inputShape: [784], units: 512, activation: 'relu', ...torchInit(784, seed) }),
      tfl.layers.dense({ units: 512, activation: 'relu', ...torchInit(512, seed + 10) }),
      tfl.layers.dense({ units: 10, ...torchInit(512, seed + 20) }),
    ],
  });
}

/** The CNN on [28, 28, 1] images. */
export function buildCnn(seed: number): tfl.LayersModel {
  return tfl.sequential({
    layers: [
      tfl.layers.conv2d({ inputShape: [28, 28, 1], filters: 32, kernelSize: 3, activation: 'relu', ...torchInit(9, seed) }),
      tfl.layers.conv2d({ filters: 64, kernelSize: 3, activation: 'relu', ...torchInit(9 * 32, seed + 10) }),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 128, activation: 'relu', ...torchInit(12 * 12 * 64, seed + 20) }),
      tfl.layers.dense({ units: 10, ...torchInit(128, seed + 30) }),
    ],
  });
}

/** The model by name. */
export function buildModel(name: ModelName, seed: number): tfl.LayersModel {
  return name === 'mlp' ? buildMlp(seed) : buildCnn(seed);
}

/** Batch size of each model's throughput measurement (the project's targets are stated at this batch size). */
export const BATCH: Record<ModelName, number> = { mlp: 128, cnn: 64 };

/**
 * trainkit `fit`'s options in every throughput benchmark (train_config.ts, train_rounds.ts): Adam
 * lr 1e-3, the model's batch, seed 2, silent, fit's defaults otherwise; the caller's epochs and
 * batch-end hook (its timing marks).
 */
export function benchFitOptions(name: ModelName, epochs: number, onBatchEnd: (step: number) => ReturnType<NonNullable<Callback['onBatchEnd']>>): FitOptions {
  return {
    optimizer: adam({ learningRate: 1e-3 }),
    epochs,
    batchSize: BATCH[name],
    seed: 2,
    verbose: 'silent',
    callbacks: [{ onBatchEnd: (step) => onBatchEnd(step) }],
  };
}
