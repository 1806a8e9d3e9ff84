/**
 * Training throughput of one or two configurations of bench/training.ts, in one process (backend
 * state is global):
 *   npx tsx bench/lib/train_config.ts <mlp | cnn> <trainkit-fit,layers-fit | trainkit-fit | layers-fit-shipped> [--quick]
 * - trainkit-fit: trainkit's `fit` (Adam lr 1e-3, `verbose: 'silent'`) on `useBestBackend()` (fixed wasm);
 * - layers-fit: tfjs-layers' `model.fit` (tf.train.adam lr 1e-3) on the same backend (trainkit's wasm
 *   fixes are installed, so it gets them too);
 * - layers-fit-shipped: tfjs-layers' `model.fit` on wasm as shipped (no fixes, 1 thread: threads do
 *   not start in Node as shipped).
 * Same model (bench/lib/models.ts), same data (the first N Fashion-MNIST training images, N = the
 * (warmup + steps) × batch, one shuffled epoch per fit call), same batch, softmax cross-entropy on
 * logits, accuracy computed by both loops. Timing: `warmupRounds` untimed fit calls per runner (the
 * JIT's warm-up, see `Plan`), then `rounds` fit calls per runner, interleaved
 * between the runners of the process (A B, B A, ...: load drift on a shared machine hits both
 * alike); in each call, `warmup` untimed steps, then `steps` timed steps, both ends marked after
 * reading the last layer's bias (so the work is done); examples/s is the median over rounds.
 * Prints `BENCH_RESULT [json per runner]` (with the peak RSS of the process), each with `error`
 * when the configuration cannot train.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { backendInfo, useBackend, useBestBackend } from '../../src/engine/index.js';
import { fashionMnist } from '../../src/data/fashion-mnist.js';
import type { ArrayDataset } from '../../src/data/dataset.js';
import { fit } from '../../src/train/fit.js';
import { BATCH, benchFitOptions, buildModel, type ModelName } from './models.js';
import { RESULT_MARK } from './spawn.js';
import { peakRssMb } from './rss.js';
import { median } from './stats.js';

export type Runner = 'trainkit-fit' | 'layers-fit' | 'layers-fit-shipped';
const RUNNERS: readonly Runner[] = ['trainkit-fit', 'layers-fit', 'layers-fit-shipped'];

/**
 * Each round: a fresh `fit` call of `warmup` untimed then `steps` timed steps, per runner; first
 * `warmupRounds` whole rounds untimed. Why those: V8 compiles the hot paths of tfjs and trainkit
 * while they run, so a process's first ~150 MLP steps are slower (the five rounds of one run
 * measured 10.9k, 13.4k, 16.5k, 18.5k, 15.2k ex/s); PyTorch, compiled ahead of time, is at its
 * steady state after its 20 warm-up steps. Both tfjs runners get the same untimed rounds.
 */
export interface Plan { warmup: number; rounds: number; steps: number; warmupRounds: number }

const PLANS: Record<ModelName, { full: Plan; quick: Plan; shipped: Plan }> = {
  mlp: {
    full: { warmup: 5, rounds: 5, steps: 40, warmupRounds: 3 },
    quick: { warmup: 2, rounds: 2, steps: 5, warmupRounds: 0 },
    shipped: { warmup: 2, rounds: 3, steps: 8, warmupRounds: 0 },
  },
  cnn: {
    full: { warmup: 3, rounds: 5, steps: 20, warmupRounds: 1 },
    quick: { warmup: 2, rounds: 2, steps: 3, warmupRounds: 0 },
    shipped: { warmup: 1, rounds: 1, steps: 1, warmupRounds: 0 },
  },
};

/** The plan a runner gets (wasm as shipped is ~10× slower: fewer steps). */
export function planFor(runner: Runner, model: ModelName, quick: boolean): Plan {
  return runner === 'layers-fit-shipped' ? PLANS[model].shipped : quick ? PLANS[model].quick : PLANS[model].full;
}

export interface ThroughputResult {
  runner: Runner;
  model: ModelName;
  backend: ReturnType<typeof backendInfo>;
  batch: number;
  plan: Plan;
  /** The runners measured in the same process, rounds interleaved (A B, B A, ...). */
  sameProcessAs: Runner[];
  examplesPerSecond?: number;
  perRound?: number[];
  /** Live tensors after the last round minus after the first (0: no leak across fit calls). */
  leakedTensors?: number;
  /** Peak RSS of the whole process (all its runners). */
  peakRssMb: number;
  error?: string;
}

async function syncOn(model: tfl.LayersModel): Promise<void> {
  await model.weights[model.weights.length - 1].read().data();
}

/** One runner: a model and a function that runs one fit call and returns its timed examples/s. */
function makeRunner(runner: Runner, name: ModelName, plan: Plan, train: ArrayDataset) {
  const batch = BATCH[name];
  const model = buildModel(name, 1);
  // Timestamps after the warm-up steps and after the last step of a call, each after a sync.
  let marks: number[] = [];
  const onStep = async (step: number): Promise<void> => {
    if (step !== plan.warmup && step !== plan.warmup + plan.steps) return;
    await syncOn(model);
    marks.push(performance.now());
  };
  const rate = () => (batch * plan.steps) / ((marks[1] - marks[0]) / 1000);
  if (runner === 'trainkit-fit') {
    return {
      model,
      async round(): Promise<number> {
        marks = [];
        await fit(model, { train }, benchFitOptions(name, 1, onStep));
        return rate();
      },
      dispose: () => model.dispose(),
    };
  }
  model.compile({
    optimizer: tf.train.adam(1e-3),
    loss: (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.losses.softmaxCrossEntropy(yTrue, yPred),
    metrics: ['accuracy'],
  });
  const x = tf.tensor(train.x, [train.size, ...train.xShape]);
  const y = tf.tidy(() => tf.oneHot(tf.tensor1d(train.y as Int32Array, 'int32'), 10));
  return {
    model,
    async round(): Promise<number> {
      marks = [];
      // tfjs-layers counts batches from 0 within the epoch: batch b ends step b + 1.
      await model.fit(x, y, { batchSize: batch, epochs: 1, shuffle: true, verbose: 0, callbacks: { onBatchEnd: (b: number) => onStep(b + 1) } });
      return rate();
    },
    dispose: () => {
      tf.dispose([x, y]);
      model.dispose();
    },
  };
}

async function main(): Promise<void> {
  const [name, list] = process.argv.slice(2) as [ModelName, string];
  const runners = (list ?? '').split(',') as Runner[];
  const quick = process.argv.includes('--quick');
  const shipped = runners.includes('layers-fit-shipped');
  if (!['mlp', 'cnn'].includes(name) || runners.some((r) => !RUNNERS.includes(r)) || (shipped && runners.length > 1)) {
    console.error('usage: tsx bench/lib/train_config.ts <mlp | cnn> <trainkit-fit[,layers-fit] | layers-fit | layers-fit-shipped> [--quick]');
    process.exit(2);
  }
  tf.env().set('PROD', true); // no "install tfjs-node" banner
  if (shipped) await useBackend('wasm', { fixes: false, threads: 1 });
  else await useBestBackend();
  const plan = planFor(runners[0], name, quick);
  const batch = BATCH[name];
  const train = await fashionMnist({ split: 'train', layout: name === 'mlp' ? 'flat' : 'image', limit: (plan.warmup + plan.steps) * batch });
  const results: ThroughputResult[] = runners.map((runner) => ({ runner, model: name, backend: backendInfo(), batch, plan, sameProcessAs: runners, peakRssMb: 0 }));
  try {
    const made = runners.map((r) => makeRunner(r, name, plan, train));
    const rates: number[][] = runners.map(() => []);
    let tensorsAfterFirst = 0;
    for (let k = 0; k < plan.warmupRounds; k++) for (const m of made) await m.round();
    for (let k = 0; k < plan.rounds; k++) {
      const order = k % 2 === 0 ? runners.map((_, i) => i) : runners.map((_, i) => runners.length - 1 - i);
      for (const i of order) rates[i].push(await made[i].round());
      if (k === 0) tensorsAfterFirst = tf.memory().numTensors;
    }
    const leaked = tf.memory().numTensors - tensorsAfterFirst;
    results.forEach((r, i) => {
      r.examplesPerSecond = median(rates[i]);
      r.perRound = rates[i];
      r.leakedTensors = leaked;
    });
    made.forEach((m) => m.dispose());
  } catch (e) {
    for (const r of results) r.error = (e as Error).message.split('\n')[0];
  }
  for (const r of results) r.peakRssMb = peakRssMb();
  console.log(RESULT_MARK + JSON.stringify(results));
}

await main();
