/**
 * The small CNN of the benchmarks on Fashion-MNIST: 28×28×1 → conv3×3(32) → conv3×3(64) → maxpool 2
 * → dense 128 → dense 10 (ReLU, He initialisation), AdamW with warmup + cosine and an EMA.
 *
 *   npx tsx src/cli/main.ts train examples/fashion-mnist-cnn.ts --epochs 2 --limit 12000
 *
 * On wasm (2 threads) it trains at a few hundred examples per second: a full epoch of 54,000
 * images takes minutes, so use --limit for a quick run.
 */
import * as tfl from '@tensorflow/tfjs-layers';
import { adamw, defineRun, fashionMnist, trainValidationSplit, warmupCosine } from 'trainkit';

/**
 * The CNN, with seeded initialisers. The initialisers' seeds start at seed + 1: tfjs-layers treats a
 * seed of 0 as no seed at all (a different draw in every process).
 */
export function fashionCnn(seed: number): tfl.LayersModel {
  return tfl.sequential({
    layers: [
      tfl.layers.conv2d({ inputShape: [28, 28, 1], filters: 32, kernelSize: 3, activation: 'relu', kernelInitializer: tfl.initializers.heNormal({ seed: seed + 1 }) }),
      tfl.layers.conv2d({ filters: 64, kernelSize: 3, activation: 'relu', kernelInitializer: tfl.initializers.heNormal({ seed: seed + 2 }) }),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 128, activation: 'relu', kernelInitializer: tfl.initializers.heNormal({ seed: seed + 3 }) }),
      // A small last layer: equal scores at initialisation, so the loss starts at log 10.
      tfl.layers.dense({ units: 10, kernelInitializer: tfl.initializers.randomNormal({ stddev: 0.01, seed: seed + 4 }) }),
    ],
  });
}

export default defineRun(async ({ seed, epochs = 3, limit }) => {
  const all = await fashionMnist({ split: 'train', ...(limit === undefined ? {} : { limit }) });
  const test = await fashionMnist({ split: 'test', ...(limit === undefined ? {} : { limit }) });
  const { train, validation } = trainValidationSplit(all, { validationFraction: 0.1, seed, stratify: true });
  const batchSize = 64;
  const stepsPerEpoch = Math.ceil(train.size / batchSize);
  const warm = Math.min(100, stepsPerEpoch);
  return {
    name: 'fashion-mnist-cnn',
    model: fashionCnn(seed),
    data: { train, validation, test },
    // recipe's searches pass each trial's weight decay; train and lr-find use the default.
    optimizer: (lr, { weightDecay = 1e-4 } = {}) => adamw({ learningRate: lr, weightDecay }),
    learningRate: warmupCosine({ peak: 1e-3, warmupSteps: warm, decaySteps: Math.max(1, epochs * stepsPerEpoch - warm) }),
    epochs,
    batchSize,
    ema: { decay: 0.995 },
  };
});
