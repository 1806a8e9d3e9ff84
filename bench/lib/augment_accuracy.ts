/**
 * The accuracy effect of augmentation, in its own process (bench/augment.ts runs it):
 *   node --conditions=trainkit-source --import tsx bench/lib/augment_accuracy.ts
 *        [--train-limit 10000] [--test-limit 10000] [--epochs 4] [--padding 2] [--batch 64] [--peak-lr 1e-3] [--seed 1]
 *        [--crop-only]
 *
 * The Fashion-MNIST CNN of examples/fashion-mnist-cnn.ts (`fashionCnn`, its recipe: AdamW weight
 * decay 1e-4, warmup + cosine to peak 1e-3, batch 64), trained twice from the same initial weights
 * with the same data order (the same seed) and the same number of epochs on the first
 * `train-limit` training images: once plain, once with `flipLeftRight()` then
 * `randomCrop({ size: [28, 28], padding })` on every training batch. Both are scored on the full
 * 10,000-image test set (final weights, no EMA):
 * - plain: one view of each image;
 * - mirror TTA: the mean of the softmax over the image and its mirror image (`tta`, 2 views);
 * - ten-crop TTA (`tenCrop`): each test image zero-padded by `padding` pixels, its four corner
 *   28×28 windows and its centre window (the image itself), and their mirrors — the views the
 *   padded-crop training drew its batches from;
 * - five-crop TTA: the same five windows without the mirrors (`tenCrop({ ..., flips: false })`). (The un-padded `tenCrop({ size: [28, 28] })` of a
 *   28×28 image is the image five times; zoomed crops would show the model scales it never saw.)
 * Every score is given for both models, so the TTA effect on the plain model is the control.
 * `--crop-only` adds a third arm trained with the padded crop alone: Fashion-MNIST's footwear all
 * points the same way (the top half of a sandal, sneaker or ankle boot holds 4–14× more ink on the
 * right than on the left, over the training set), so a mirrored shoe is not a picture the test set
 * holds; this arm separates the crop's effect from the flip's.
 * Prints `BENCH_RESULT {json}`; the seconds are wall-clock on a shared machine (reported, not judged).
 */
import * as tf from '@tensorflow/tfjs-core';
import * as os from 'node:os';
import { parseArgs } from 'node:util';
import type * as tfl from '@tensorflow/tfjs-layers';
import {
  adamw,
  backendInfo,
  compose,
  evaluate,
  fashionMnist,
  fit,
  flipLeftRight,
  randomCrop,
  tenCrop,
  tta,
  useBestBackend,
  warmupCosine,
  type ArrayDataset,
  type View,
} from 'trainkit';
import { fashionCnn } from '../../examples/fashion-mnist-cnn.js';
import { mirrorLeftRight } from '../../src/augment/flip.js';
import { RESULT_MARK } from './spawn.js';
import { peakRssMb } from './rss.js';

const { values } = parseArgs({
  options: {
    'train-limit': { type: 'string', default: '10000' },
    'test-limit': { type: 'string', default: '10000' },
    epochs: { type: 'string', default: '4' },
    padding: { type: 'string', default: '2' },
    batch: { type: 'string', default: '64' },
    'peak-lr': { type: 'string', default: '1e-3' },
    seed: { type: 'string', default: '1' },
    'crop-only': { type: 'boolean', default: false },
  },
});
const a = Object.fromEntries(Object.entries(values).filter(([k]) => k !== 'crop-only').map(([k, v]) => [k, Number(v)])) as Record<keyof typeof values, number>;
for (const [k, v] of Object.entries(a))
  if (!Number.isFinite(v) || v < 0) {
    console.error(`--${k} needs a number >= 0, got ${JSON.stringify(values[k as keyof typeof values])}`);
    process.exit(2);
  }

tf.env().set('PROD', true);
const backend = await useBestBackend();
const train = await fashionMnist({ split: 'train', limit: a['train-limit'] });
const test = await fashionMnist({ split: 'test', limit: a['test-limit'] });
const p = a.padding;

/** Accuracy of mean-softmax predictions over `views`, in batches of 500 test images. */
async function ttaAccuracy(model: tfl.LayersModel, data: ArrayDataset, views: View[]): Promise<number> {
  const per = 28 * 28;
  let correct = 0;
  for (let start = 0; start < data.size; start += 500) {
    const n = Math.min(500, data.size - start);
    const hits = tf.tidy(() => {
      const x = tf.tensor4d(data.x.subarray(start * per, (start + n) * per), [n, 28, 28, 1]);
      const y = tf.tensor1d(data.y.subarray(start, start + n) as Int32Array, 'int32');
      return tf.sum(tf.cast(tf.equal(tf.argMax(tta(model, x, views), 1), y), 'int32'));
    });
    correct += (await hits.data())[0];
    hits.dispose();
  }
  return correct / data.size;
}

const padded = (view: View): View => (x) => tf.tidy(() => view(tf.pad(x, [[0, 0], [p, p], [p, p], [0, 0]])));
const views = {
  mirror: [(x) => x, (x) => mirrorLeftRight(x)] as View[],
  tenCrop: tenCrop({ size: [28, 28] }).map(padded),
  fiveCrop: tenCrop({ size: [28, 28], flips: false }).map(padded),
};

interface Arm {
  augment: string;
  trainSeconds: number;
  finalTrainLoss: number;
  testAccuracy: number;
  mirrorTtaAccuracy: number;
  tenCropTtaAccuracy: number;
  fiveCropTtaAccuracy: number;
  evalSeconds: number;
}

type ArmKind = 'none' | 'flip+crop' | 'crop';

async function arm(kind: ArmKind): Promise<Arm> {
  const stepsPerEpoch = Math.ceil(train.size / a.batch);
  const warm = Math.min(100, stepsPerEpoch);
  const lr = warmupCosine({ peak: a['peak-lr'], warmupSteps: warm, decaySteps: Math.max(1, a.epochs * stepsPerEpoch - warm) });
  const model = fashionCnn(a.seed);
  const crop = randomCrop({ size: [28, 28], padding: p });
  const augment = kind === 'flip+crop' ? compose(flipLeftRight(), crop) : kind === 'crop' ? crop : undefined;
  const t0 = performance.now();
  const history = await fit(model, { train }, {
    optimizer: adamw({ learningRate: lr, weightDecay: 1e-4 }),
    learningRate: lr,
    epochs: a.epochs,
    batchSize: a.batch,
    seed: a.seed,
    verbose: 'silent',
    ...(augment ? { augment } : {}),
    callbacks: [{ onEpochEnd: (epoch, logs) => console.log(JSON.stringify({ arm: kind, epoch, ...logs, seconds: (performance.now() - t0) / 1000 })) }],
  });
  const trainSeconds = (performance.now() - t0) / 1000;
  const t1 = performance.now();
  const { accuracy } = await evaluate(model, test, { batchSize: 500 });
  const result: Arm = {
    augment: { none: 'none', 'flip+crop': `flipLeftRight() then randomCrop({ size: [28, 28], padding: ${p} })`, crop: `randomCrop({ size: [28, 28], padding: ${p} })` }[kind],
    trainSeconds,
    finalTrainLoss: history.epochs.at(-1)?.logs.loss ?? NaN,
    testAccuracy: accuracy,
    mirrorTtaAccuracy: await ttaAccuracy(model, test, views.mirror),
    tenCropTtaAccuracy: await ttaAccuracy(model, test, views.tenCrop),
    fiveCropTtaAccuracy: await ttaAccuracy(model, test, views.fiveCrop),
    evalSeconds: (performance.now() - t1) / 1000,
  };
  console.log(JSON.stringify({ arm: result }));
  model.dispose();
  return result;
}

const started = new Date();
const load0 = os.loadavg();
const plain = await arm('none');
const augmented = await arm('flip+crop');
const cropOnly = values['crop-only'] ? await arm('crop') : undefined;
console.log(
  RESULT_MARK +
    JSON.stringify({
      backend: backend,
      backendInfo: backendInfo(),
      started: started.toISOString(),
      finished: new Date().toISOString(),
      loadAverage: { start: load0, end: os.loadavg() },
      config: {
        model: 'examples/fashion-mnist-cnn.ts fashionCnn',
        trainImages: train.size,
        testImages: test.size,
        epochs: a.epochs,
        batch: a.batch,
        optimizer: 'AdamW weight decay 1e-4',
        peakLr: a['peak-lr'],
        schedule: 'warmupCosine (warmup min(100, steps per epoch))',
        padding: p,
        seed: a.seed,
        tenCrop: `test images zero-padded by ${p}; 4 corner + centre 28×28 windows and their mirrors`,
      },
      plain,
      augmented,
      ...(cropOnly ? { cropOnly } : {}),
      peakRssMb: peakRssMb(),
    }),
);
