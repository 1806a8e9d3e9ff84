/**
 * Time to accuracy with trainkit, in its own process (bench/training.ts runs it):
 *   npx tsx bench/lib/train_tta.ts [--target 0.91] [--cap-s 900] [--epochs 6] [--batch 128]
 *        [--peak-lr 2e-3] [--weight-decay 0.01] [--warmup-steps 200] [--eval-every 235] [--seed 1]
 * The CNN of bench/lib/models.ts on the full Fashion-MNIST training set, trainkit `fit` on
 * `useBestBackend()`, AdamW with `warmupCosine` (the cosine ends after `epochs` epochs), the full
 * 10,000-image test set evaluated every `eval-every` steps (validation batch 1000), stopped at the
 * first evaluation reaching `target` or the first one after `cap-s` seconds. The same recipe as
 * `bench/torch/cnn.py --mode tta`. The clock starts when `fit` is called (data loaded, model built)
 * and includes the evaluations; train and evaluation seconds are reported apart. Prints
 * `BENCH_RESULT {json}` with the peak RSS of the process.
 */
import * as tf from '@tensorflow/tfjs-core';
import { parseArgs } from 'node:util';
import { backendInfo, useBestBackend } from '../../src/engine/index.js';
import { fashionMnist } from '../../src/data/fashion-mnist.js';
import { adamw } from '../../src/optim/index.js';
import { warmupCosine } from '../../src/schedules/index.js';
import { fit } from '../../src/train/fit.js';
import { buildCnn } from './models.js';
import { RESULT_MARK } from './spawn.js';
import { peakRssMb } from './rss.js';

export interface Evaluation { step: number; epoch: number; accuracy: number; seconds: number }

const { values } = parseArgs({
  options: {
    target: { type: 'string', default: '0.91' },
    'cap-s': { type: 'string', default: '900' },
    epochs: { type: 'string', default: '6' },
    batch: { type: 'string', default: '128' },
    'peak-lr': { type: 'string', default: '2e-3' },
    'weight-decay': { type: 'string', default: '0.01' },
    'warmup-steps': { type: 'string', default: '200' },
    'eval-every': { type: 'string', default: '235' },
    seed: { type: 'string', default: '1' },
  },
});
const a = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, Number(v)])) as Record<keyof typeof values, number>;

tf.env().set('PROD', true);
await useBestBackend();
const train = await fashionMnist({ split: 'train' });
const test = await fashionMnist({ split: 'test' });
const stepsPerEpoch = Math.ceil(train.size / a.batch);
const decaySteps = a.epochs * stepsPerEpoch - a['warmup-steps'];
const lr = warmupCosine({ peak: a['peak-lr'], warmupSteps: a['warmup-steps'], decaySteps });
const model = buildCnn(a.seed);

const evaluations: Evaluation[] = [];
let reached: Evaluation | undefined;
let evalMs = 0;
let evalStarted = 0;
const t0 = performance.now();
await fit(model, { train, validation: test }, {
  optimizer: adamw({ learningRate: lr, weightDecay: a['weight-decay'] }),
  learningRate: lr,
  epochs: a.epochs,
  batchSize: a.batch,
  seed: a.seed + 1,
  validateEvery: a['eval-every'],
  validationBatchSize: 1000,
  verbose: 'silent',
  callbacks: [
    {
      onBatchEnd(step) {
        if (step % a['eval-every'] === 0) evalStarted = performance.now();
      },
      onValidationEnd(step, logs, ctx) {
        const now = performance.now();
        evalMs += now - evalStarted;
        const e = { step, epoch: step / stepsPerEpoch, accuracy: logs.val_accuracy, seconds: (now - t0) / 1000 };
        evaluations.push(e);
        console.log(JSON.stringify({ progress: e }));
        if (e.accuracy >= a.target) {
          reached = e;
          ctx.stop(`reached ${a.target}`);
        } else if (e.seconds > a['cap-s']) ctx.stop('time cap');
      },
    },
  ],
});
const wallSeconds = (performance.now() - t0) / 1000;
model.dispose();
console.log(
  RESULT_MARK +
    JSON.stringify({
      backend: backendInfo(),
      tta: {
        target: a.target,
        reached: reached !== undefined,
        seconds: reached?.seconds ?? null,
        steps: evaluations.at(-1)?.step ?? 0,
        epochs: (evaluations.at(-1)?.step ?? 0) / stepsPerEpoch,
        wallSeconds,
        trainSeconds: wallSeconds - evalMs / 1000,
        evalSeconds: evalMs / 1000,
        capSeconds: a['cap-s'],
        bestAccuracy: Math.max(...evaluations.map((e) => e.accuracy)),
        evaluations,
        recipe: {
          optimizer: 'AdamW',
          peakLr: a['peak-lr'],
          weightDecay: a['weight-decay'],
          warmupSteps: a['warmup-steps'],
          decaySteps,
          batch: a.batch,
          scheduleEpochs: a.epochs,
          evalEvery: a['eval-every'],
          seed: a.seed,
        },
      },
      peakRssMb: peakRssMb(),
    }),
);
