import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import '../engine/gradients.js';
import { sgd } from '../optim/index.js';
import { SeededDropout } from '../regularize/dropout.js';
import type { Callback, TrainContext } from './callbacks.js';
import { checkpoints } from './checkpoints.js';
import { loadCheckpoint, disposeCheckpoint } from './checkpoint.js';
import { earlyStopping } from './early-stopping.js';
import { ema } from './ema.js';
import { fit, type FitOptions } from './fit.js';
import { layerRngStates } from './layer-rng.js';
import { reduceLROnPlateau } from './plateau.js';
import { snapshotEnsemble } from './snapshot-ensemble.js';
import { swa } from './swa.js';
import { updateRatioMonitor } from './update-ratio-monitor.js';
import { blobs, functionalMlp, weightValues } from './toy-fixtures.fixture.js';
import type { FunctionalModel } from './model.js';

await tf.setBackend('cpu');

const dir = await mkdtemp(join(tmpdir(), 'trainkit-resume-cb-'));
process.on('exit', () => void rm(dir, { recursive: true, force: true }));

// 100 examples, batch 16: 7 steps per epoch, 4 epochs = 28 steps.
const train = blobs(100, { seed: 1 });
const validation = blobs(30, { seed: 2 });
const stopAt = (step: number): Callback => ({ onBatchEnd: (s) => (s === step ? 'stop' : undefined) });
const values = (ts: readonly tf.Tensor[] | undefined): number[][] => (ts ?? []).map((t) => Array.from(t.dataSync()));

/** dense(16, relu) → batch norm → seeded dropout → dense(3); `dropoutSeed` changes only the masks. */
const bnModel = (options: { init?: number; dropoutSeed?: number } = {}): tfl.LayersModel => {
  const { init, dropoutSeed } = { init: 1, dropoutSeed: 3, ...options };
  return tfl.sequential({
    layers: [
      tfl.layers.dense({ units: 16, activation: 'relu', inputShape: [8], kernelInitializer: tfl.initializers.heNormal({ seed: init }) }),
      tfl.layers.batchNormalization({}),
      new SeededDropout({ rate: 0.3, seed: dropoutSeed }),
      tfl.layers.dense({ units: 3, kernelInitializer: tfl.initializers.glorotUniform({ seed: init + 1 }) }),
    ],
  });
};

/** Every stateful callback of train/, fresh. */
const setup = (snapshotDir: string) => {
  const lr = { scale: NaN };
  const c = {
    lr,
    // The learning-rate scale in the optimizer state when training ends.
    lrScale: { onTrainEnd: (_l: unknown, ctx: TrainContext) => void (lr.scale = ctx.learningRateScale) } as Callback,
    ema: ema({ decay: 0.9 }),
    stopper: earlyStopping({ monitor: 'val_loss', patience: 10 }),
    // 'loss' in mode max never improves after epoch 0: a reduction at every later epoch end.
    reduce: reduceLROnPlateau({ monitor: 'loss', mode: 'max', patience: 0, factor: 0.5 }),
    swa: swa({ startEpoch: 1, every: 3, bnData: train, bnBatchSize: 50 }),
    snaps: snapshotEnsemble({ cycles: { period: 5 }, dir: snapshotDir }),
    ratios: updateRatioMonitor({ patience: 2, logger: () => undefined }),
    ckpt: checkpoints({ dir: join(snapshotDir, 'ckpt'), every: 4, best: { monitor: 'val_loss' } }),
  };
  const options: FitOptions = {
    optimizer: sgd({ learningRate: 0.05, momentum: 0.9 }),
    epochs: 4,
    batchSize: 16,
    seed: 9,
    logEvery: 3,
    verbose: 'silent',
    // The checkpoint writer first in the list: being `late`, it still runs after the others.
    callbacks: [c.ckpt, c.ema, c.stopper, c.reduce, c.swa, c.snaps, c.ratios, c.lrScale],
  };
  return { c, options };
};

test('a LayersModel with dropout, batch norm and every stateful callback, stopped mid-epoch and resumed, ends bit for bit as an uninterrupted run', async () => {
  const whole = bnModel();
  const w = setup(join(dir, 'whole'));
  await fit(whole, { train, validation }, w.options);

  const first = bnModel();
  const f = setup(join(dir, 'first'));
  await fit(first, { train, validation }, { ...f.options, callbacks: [...(f.options.callbacks ?? []), stopAt(17)] });
  const saved = await loadCheckpoint(f.c.ckpt.lastPath);
  assert.deepEqual(saved.position, { step: 16, epoch: 2, batch: 2 });
  assert.deepEqual(Object.keys(saved.callbacks ?? {}).sort(), ['checkpoints', 'earlyStopping', 'ema', 'reduceLROnPlateau', 'snapshotEnsemble', 'swa', 'updateRatioMonitor']);
  assert.equal(saved.layerRng?.length, 1);
  disposeCheckpoint(saved);

  // Other initial weights and another dropout seed: everything must come from the checkpoint.
  const resumed = bnModel({ init: 7, dropoutSeed: 99 });
  const r = setup(join(dir, 'first'));
  const start = tf.memory().numTensors;
  await fit(resumed, { train, validation }, { ...r.options, resumeFrom: f.c.ckpt.lastPath });

  const modelValues = (m: tfl.LayersModel): number[][] => weightValues(m.weights.map((x) => [x.name, x.read()]));
  assert.deepEqual(modelValues(resumed), modelValues(whole)); // the restored best epoch's weights
  assert.deepEqual(layerRngStates(resumed).map(([, s]) => s), layerRngStates(whole).map(([, s]) => s));
  assert.deepEqual(values(r.c.ema.values()), values(w.c.ema.values()));
  assert.deepEqual(values(r.c.swa.values()), values(w.c.swa.values()));
  assert.equal(r.c.swa.count, w.c.swa.count);
  assert.deepEqual(r.c.snaps.snapshots.map((s) => [s.index, s.step]), [[1, 5], [2, 10], [3, 15], [4, 20], [5, 25]]);
  assert.deepEqual(r.c.snaps.snapshots.map((s) => values(s.weights)), w.c.snaps.snapshots.map((s) => values(s.weights)));
  assert.deepEqual([r.c.stopper.bestEpoch, r.c.stopper.bestValue], [w.c.stopper.bestEpoch, w.c.stopper.bestValue]);
  assert.equal(r.c.ckpt.bestEpoch, w.c.ckpt.bestEpoch);
  // Reductions at the ends of epochs 1 (before the resume point, step 16), 2 and 3 (after): the
  // scale lives in the optimizer state, so the resumed run starts from the first reduction.
  assert.equal(w.c.lr.scale, 0.125);
  assert.equal(r.c.lr.scale, w.c.lr.scale);
  assert.deepEqual(r.c.ratios.warnings.map((x) => [x.weight, x.step]), w.c.ratios.warnings.filter((x) => x.step > 16).map((x) => [x.weight, x.step]));

  // The resumed fit leaks nothing beyond what the callbacks hold.
  for (const cb of [r.c.ema, r.c.swa, r.c.snaps]) cb.dispose();
  assert.equal(tf.memory().numTensors, start);
  for (const cb of [w.c.ema, w.c.swa, w.c.snaps, f.c.ema, f.c.swa, f.c.snaps]) cb.dispose();
  for (const m of [whole, first, resumed]) m.dispose();
});

test('a functional model keeps its EMA and in-memory snapshots across a resume', async () => {
  const run = () => {
    const e = ema({ decay: 0.8 });
    const s = snapshotEnsemble({ cycles: [6, 13, 20] });
    return { e, s, callbacks: [e, s] as Callback[] };
  };
  const options = (): FitOptions => ({ optimizer: sgd({ learningRate: 0.1 }), epochs: 3, batchSize: 16, seed: 4, verbose: 'silent' });
  const params = (m: FunctionalModel): tf.Tensor[] => Object.values(m.params as Record<string, tf.Tensor>);

  const whole = functionalMlp({ dropout: 0.2 });
  const w = run();
  await fit(whole, { train }, { ...options(), callbacks: w.callbacks });

  const first = functionalMlp({ dropout: 0.2 });
  const f = run();
  const ckpt = checkpoints({ dir: join(dir, 'fn'), every: 9 });
  await fit(first, { train }, { ...options(), callbacks: [...f.callbacks, ckpt, stopAt(11)] });
  const resumed = functionalMlp({ dropout: 0.2, seed: 50 });
  const r = run();
  await fit(resumed, { train }, { ...options(), callbacks: [...r.callbacks, checkpoints({ dir: join(dir, 'fn2') })], resumeFrom: ckpt.lastPath });

  assert.deepEqual(values(params(resumed)), values(params(whole)));
  assert.deepEqual(values(r.e.values()), values(w.e.values()));
  assert.deepEqual(r.s.snapshots.map((x) => x.step), [6, 13, 20]);
  assert.deepEqual(r.s.snapshots.map((x) => values(x.weights)), w.s.snapshots.map((x) => values(x.weights)));
  for (const x of [w, f, r]) {
    x.e.dispose();
    x.s.dispose();
  }
  for (const m of [whole, first, resumed]) tf.dispose(params(m));
});
