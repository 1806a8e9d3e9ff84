/**
 * trainkit's side of the paired throughput benchmark (bench/lib/paired.ts):
 *   npx tsx bench/lib/train_rounds.ts <mlp | cnn> [--warmup-steps 1000] [--settle 10] [--steps 150]
 * One `fit` call (Adam lr 1e-3, the model's benchmark batch, shuffled Fashion-MNIST training
 * images, `useBestBackend()`, fit's defaults otherwise: a logging step every 50 steps included)
 * that runs `warmup-steps` untimed steps, prints `READY {json}` and then serves commands read from
 * stdin, one per line, between two steps: `round` runs `settle` untimed steps, then `steps` timed
 * ones (both ends marked after reading the last layer's bias back, so the work is done) and prints
 * `ROUND {"examplesPerSecond", "peakRssMb"}` (the process's peak RSS so far); `quit` (or the end of stdin) stops the fit.
 * The same protocol as bench/torch/common.py's `serve_rounds`.
 */
import * as tf from '@tensorflow/tfjs-core';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { backendInfo, useBestBackend } from '../../src/engine/index.js';
import { fashionMnist } from '../../src/data/fashion-mnist.js';
import { fit } from '../../src/train/fit.js';
import { BATCH, benchFitOptions, buildModel, type ModelName } from './models.js';
import { peakRssMb } from './rss.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    'warmup-steps': { type: 'string', default: '1000' },
    settle: { type: 'string', default: '10' },
    steps: { type: 'string', default: '150' },
  },
});
const name = positionals[0] as ModelName;
if (name !== 'mlp' && name !== 'cnn') throw new Error(`model must be mlp or cnn, got ${JSON.stringify(positionals[0])}`);
const [warmup, settle, steps] = [values['warmup-steps'], values.settle, values.steps].map(Number);

tf.env().set('PROD', true);
await useBestBackend();
const batch = BATCH[name];
const train = await fashionMnist({ split: 'train', layout: name === 'mlp' ? 'flat' : 'image' });
const model = buildModel(name, 1);
const commands = createInterface({ input: process.stdin })[Symbol.asyncIterator]();

async function nextCommand(): Promise<'round' | 'quit'> {
  const { value, done } = await commands.next();
  const command = done ? 'quit' : String(value).trim();
  if (command !== 'round' && command !== 'quit') throw new Error(`unknown command ${JSON.stringify(command)} (round or quit)`);
  return command;
}

const synced = async (): Promise<number> => {
  await model.weights[model.weights.length - 1].read().data();
  return performance.now();
};

// The step at which the current round's timing starts and ends; -1: between rounds.
let timedFrom = -1;
let timedTo = -1;
let started = 0;
async function onBatchEnd(step: number): Promise<'stop' | undefined> {
  if (step === timedFrom) started = await synced();
  if (step === timedTo) {
    const seconds = ((await synced()) - started) / 1000;
    console.log(`ROUND ${JSON.stringify({ examplesPerSecond: (batch * steps) / seconds, peakRssMb: peakRssMb() })}`);
  }
  if (step !== warmup && step !== timedTo) return undefined;
  if (step === warmup) console.log(`READY ${JSON.stringify({ backend: backendInfo(), batch, warmupSteps: warmup, settle, steps })}`);
  if ((await nextCommand()) === 'quit') return 'stop';
  timedFrom = step + settle;
  timedTo = timedFrom + steps;
  if (settle === 0) started = await synced(); // timed from this step's end on
  return undefined;
}

await fit(model, { train }, benchFitOptions(name, 100_000, onBatchEnd));
commands.return?.();
process.exit(0);
