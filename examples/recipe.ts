/**
 * The recipe job (`npm run recipe`; it was `npm start` before the command center): the Fashion-MNIST CNN of examples/fashion-mnist-cnn.ts through the
 * practitioner's recipe, on the fastest backend here —
 *   1. the loss at initialisation (≈ log 10),
 *   2. overfitting 5 minibatches (the model and optimizer can learn at all),
 *   3. the learning-rate range test, which picks the peak rate,
 * then AdamW with a linear warmup into SGDR cosine cycles (one per epoch), an EMA of the weights,
 * early stopping on the validation loss, and a snapshot ensemble of the cycle ends. It prints the
 * test accuracy of the final, the EMA and the ensembled weights, and writes out/recipe/report.html
 * (learning curves), out/recipe/lr-find.html, out/recipe/run.json and the models in LayersModel format.
 *
 * The budget (under ~10 minutes on 2 cores: the CNN trains at a few hundred examples/s on wasm) is
 * set by environment variables: TRAINKIT_RECIPE_TRAIN (training images, default 10000, of which 10%
 * are held out for validation), TRAINKIT_RECIPE_EPOCHS (default 4), TRAINKIT_RECIPE_TEST (test images,
 * default 10000: the whole test set), TRAINKIT_BACKEND (default: the best one here),
 * TRAINKIT_RECIPE_SEED (default 0) and TRAINKIT_RECIPE_MAX_LR (a guard on the range test's suggested
 * rate, default 1e-2; see the README's "Measured" for the runs behind it).
 *
 *   npm run recipe
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import {
  adamw,
  backendInfo,
  earlyStopping,
  ema,
  evaluate,
  fashionMnist,
  fit,
  join as joinSchedules,
  sgdr,
  snapshotEnsemble,
  trainValidationSplit,
  warmupCosine,
  type Schedule,
  type BackendName,
  checkInitialLoss,
  lrRangeTest,
  overfitSmallSample,
  lrFindReport,
  trainingReport,
  saveLayersModel,
  useBackend,
  useBestBackend,
} from 'trainkit';
import { fashionCnn } from './fashion-mnist-cnn.js';

const env = (name: string, fallback: number, valid: { min: number; integer: boolean } = { min: 1, integer: true }): number => {
  const v = process.env[name];
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n < valid.min || (valid.integer && !Number.isInteger(n))) {
    throw new Error(`${name} must be ${valid.integer ? 'an integer' : 'a number'} ≥ ${valid.min}, got ${JSON.stringify(v)}`);
  }
  return n;
};

async function mainJob(): Promise<void> {
  const started = performance.now();
  const elapsed = (): string => `${((performance.now() - started) / 1000).toFixed(0)} s`;
  tf.env().set('PROD', true);
  const out = resolve('out', 'recipe');
  mkdirSync(out, { recursive: true });
  const seed = env('TRAINKIT_RECIPE_SEED', 0, { min: 0, integer: true });
  const maxLr = env('TRAINKIT_RECIPE_MAX_LR', 1e-2, { min: 1e-6, integer: false });
  const trainImages = env('TRAINKIT_RECIPE_TRAIN', 10000);
  const epochs = env('TRAINKIT_RECIPE_EPOCHS', 4);
  const testImages = env('TRAINKIT_RECIPE_TEST', 10000);
  const backendName = process.env.TRAINKIT_BACKEND;
  const backend = backendName ? await useBackend(backendName as BackendName) : await useBestBackend();
  const info = backendInfo();
  const engine = info.native !== undefined && info.native.kernels.length > 0
    ? `${backend}, native kernels on ${info.native.threads ?? 1} threads: ${info.native.kernels.join(', ')}`
    : `${backend} (${info.threads} thread${info.threads === 1 ? '' : 's'})`;
  console.log(`trainkit main job · backend ${engine} · ${trainImages} training images, ${epochs} epochs, ${testImages} test images`);

  const all = await fashionMnist({ split: 'train', limit: trainImages });
  const test = await fashionMnist({ split: 'test', limit: testImages });
  const { train, validation } = trainValidationSplit(all, { validationFraction: 0.1, seed, stratify: true });
  const batchSize = 64;
  const model = fashionCnn(seed);
  const notes: string[] = [];

  // 1–3: the recipe. Weight decay is off for the checks (AdamW with weightDecay 0).
  const initial = await checkInitialLoss(model, train, { seed });
  console.log(`1. loss at initialisation: ${initial.verdict}`);
  const overfit = await overfitSmallSample(model, train, { batches: 5, batchSize: 32, optimizer: adamw({ learningRate: 1e-3, weightDecay: 0 }), maxEpochs: 30, seed });
  console.log(`2. overfit a small sample: ${overfit.verdict}`);
  const lrFind = await lrRangeTest(model, train, { optimizer: (lr) => adamw({ learningRate: lr, weightDecay: 0 }), minLr: 1e-6, maxLr: 1, steps: 100, batchSize, seed });
  const peak = Math.min(maxLr, Math.max(1e-4, lrFind.suggested));
  console.log(`3. learning-rate range test: ${lrFind.verdict}${peak === lrFind.suggested ? '' : ` (clamped to ${peak.toExponential(1)})`}  [${elapsed()}]`);
  notes.push(`1. ${initial.verdict}`, `2. ${overfit.verdict}`, `3. ${lrFind.verdict}; peak learning rate used: ${peak.toExponential(2)}`);
  writeFileSync(join(out, 'lr-find.html'), lrFindReport({ title: 'main job: learning-rate range test (AdamW)', points: lrFind.points, suggested: lrFind.suggested, minimumLr: lrFind.minimumLr, verdict: lrFind.verdict, meta: { backend, batchSize } }));

  // Training: linear warmup inside the first cosine cycle, then SGDR cycles of one epoch each.
  const stepsPerEpoch = Math.ceil(train.size / batchSize);
  const warm = Math.min(100, Math.floor(stepsPerEpoch / 2));
  const learningRate: Schedule = joinSchedules(
    [warmupCosine({ peak, warmupSteps: warm, decaySteps: stepsPerEpoch - warm, end: peak / 100 }), sgdr({ init: peak, period: stepsPerEpoch, min: peak / 100 })],
    [stepsPerEpoch],
  );
  // β = 0.99 rather than the course's 0.995: a run of a few hundred steps would otherwise keep a few
  // percent of the untrained weights in the average (0.995^560 ≈ 6%, 0.99^560 ≈ 0.4%).
  const average = ema({ decay: 0.99 });
  const stopper = earlyStopping({ monitor: 'val_loss', patience: 2, restoreBestWeights: false });
  const snapshots = snapshotEnsemble({ cycles: { period: stepsPerEpoch }, keep: 3 });
  console.log(`training: AdamW (weight decay 5e-4), peak lr ${peak.toExponential(2)}, ${warm} warmup steps, SGDR cycles of ${stepsPerEpoch} steps, EMA 0.99, early stopping (val_loss, patience 2), snapshots at cycle ends`);
  const history = await fit(model, { train, validation }, {
    optimizer: adamw({ learningRate, weightDecay: 5e-4 }),
    learningRate,
    epochs,
    batchSize,
    seed,
    logEvery: 10,
    callbacks: [average, stopper, snapshots],
  });
  if (history.stopReason) notes.push(`stopped: ${history.stopReason}`);
  console.log(`trained ${history.step} steps  [${elapsed()}]`);

  const final = await evaluate(model, test);
  const emaLogs = await average.evaluate(model, test);
  const ensemble = snapshots.snapshots.length > 0 ? await snapshots.evaluate(model, test) : undefined;
  const pct = (a: number): string => `${(100 * a).toFixed(2)}%`;
  const results: Record<string, Record<string, number>> = { final: final, ema: emaLogs };
  if (ensemble) {
    results[`snapshot ensemble (${snapshots.snapshots.length})`] = { loss: ensemble.loss, accuracy: ensemble.accuracy };
    ensemble.members.forEach((m, i) => (results[`  snapshot ${snapshots.snapshots[i].index} (step ${snapshots.snapshots[i].step})`] = { loss: m.loss, accuracy: m.accuracy }));
  }

  const modelPath = await saveLayersModel(model, join(out, 'model'));
  const own = model.weights.map((w) => tf.clone(w.read()));
  average.copyTo(model);
  const emaPath = await saveLayersModel(model, join(out, 'model-ema'));
  model.weights.forEach((w, i) => (w.read() as tf.Variable).assign(own[i]));
  tf.dispose(own);

  const wallSeconds = (performance.now() - started) / 1000;
  const meta = { backend: engine, seed, 'training images': train.size, 'validation images': validation.size, 'test images': test.size, epochs: history.epochs.length, batchSize, 'peak lr': peak, 'wall time (s)': +wallSeconds.toFixed(0) };
  writeFileSync(join(out, 'report.html'), trainingReport({ title: 'trainkit main job: Fashion-MNIST CNN through the recipe', meta, steps: history.steps, epochs: history.epochs, results, notes }));
  writeFileSync(
    join(out, 'run.json'),
    JSON.stringify({ command: 'recipe', seed, backend: { name: backend, threads: info.threads, ...(info.native === undefined ? {} : { native: info.native }) }, config: { trainImages, epochs, testImages, batchSize, peak, warm, stepsPerEpoch }, recipe: { initial, overfit: { ...overfit }, lrFind: { suggested: lrFind.suggested, minimumLr: lrFind.minimumLr, steepestLr: lrFind.steepestLr, diverged: lrFind.diverged, points: lrFind.points } }, history, results, models: { final: modelPath, ema: emaPath }, wallSeconds }, null, 1),
  );

  console.log(`\ntest accuracy on ${test.size} images:`);
  console.log(`  final weights      ${pct(final.accuracy)}  (loss ${final.loss.toFixed(4)})`);
  console.log(`  EMA weights        ${pct(emaLogs.accuracy)}  (loss ${emaLogs.loss.toFixed(4)})`);
  if (ensemble) console.log(`  snapshot ensemble  ${pct(ensemble.accuracy)}  (loss ${ensemble.loss.toFixed(4)}; ${snapshots.snapshots.length} snapshots: ${ensemble.members.map((m) => pct(m.accuracy)).join(', ')})`);
  else console.log('  snapshot ensemble  (no cycle ended: no snapshots)');
  console.log(`report: ${join(out, 'report.html')} · lr range test: ${join(out, 'lr-find.html')} · ${wallSeconds.toFixed(0)} s`);
  average.dispose();
  snapshots.dispose();
  model.dispose();
}

mainJob().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
