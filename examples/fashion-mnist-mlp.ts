/**
 * An MLP on Fashion-MNIST (784-256-10, ReLU, He initialisation), AdamW with warmup + cosine and an
 * EMA of the weights.
 *
 *   npx tsx src/cli/main.ts train examples/fashion-mnist-mlp.ts --epochs 5
 *   (after `npm run build`: trainkit train examples/fashion-mnist-mlp.ts)
 *
 * `--limit N` uses the first N training and N test images (for quick tries and tests).
 */
import * as tfl from '@tensorflow/tfjs-layers';
import { adamw, defineRun, fashionMnist, trainValidationSplit, warmupCosine } from 'trainkit';

export default defineRun(async ({ seed, epochs = 5, limit }) => {
  const all = await fashionMnist({ split: 'train', layout: 'flat', ...(limit === undefined ? {} : { limit }) });
  const test = await fashionMnist({ split: 'test', layout: 'flat', ...(limit === undefined ? {} : { limit }) });
  const { train, validation } = trainValidationSplit(all, { validationFraction: 0.1, seed, stratify: true });
  const batchSize = 128;
  const stepsPerEpoch = Math.ceil(train.size / batchSize);
  const learningRate = warmupCosine({ peak: 2e-3, warmupSteps: Math.min(200, stepsPerEpoch), decaySteps: Math.max(1, epochs * stepsPerEpoch - Math.min(200, stepsPerEpoch)) });
  const model = tfl.sequential({
    layers: [
      tfl.layers.dense({ units: 256, activation: 'relu', inputShape: [784], kernelInitializer: tfl.initializers.heNormal({ seed: seed + 1 }) }), // seed 0 would mean unseeded in tfjs-layers
      // A small last layer: equal scores at initialisation, so the loss starts at log 10.
      tfl.layers.dense({ units: 10, kernelInitializer: tfl.initializers.randomNormal({ stddev: 0.01, seed: seed + 2 }) }),
    ],
  });
  return {
    name: 'fashion-mnist-mlp',
    model,
    data: { train, validation, test },
    // recipe's searches pass each trial's weight decay; train and lr-find use the default.
    optimizer: (lr, { weightDecay = 1e-4 } = {}) => adamw({ learningRate: lr, weightDecay }),
    learningRate,
    epochs,
    batchSize,
    ema: { decay: 0.99 },
  };
});
