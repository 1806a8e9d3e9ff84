import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '../engine/gradients.js';
import { InvalidArgumentError } from '../errors.js';
import { adamw, chain, clipByGlobalNorm, type GradientTransformation } from '../optim/index.js';
import { treeMap } from '../tree/tree.js';
import { warmupCosine } from '../schedules/index.js';
import { fit, type FitOptions } from './fit.js';
import type { FunctionalModel } from './model.js';
import { trainer } from './trainer.js';
import { blobs, functionalMlp, layersMlp, weightValues } from './toy-fixtures.fixture.js';

await tf.setBackend('cpu');

const train = blobs(70, { seed: 5 });
const validation = blobs(30, { seed: 6 });
// 70 examples in batches of 16: 5 steps an epoch, the last one of 6 examples.
const lr = warmupCosine({ peak: 0.02, warmupSteps: 7, decaySteps: 18 });
const options = (): FitOptions => ({
  optimizer: chain(clipByGlobalNorm(1), adamw({ learningRate: lr, weightDecay: 0.05 })),
  batchSize: 16,
  seed: 11,
  logEvery: 2,
  verbose: 'silent',
});
const free = (...ms: FunctionalModel[]): void => ms.forEach((m) => tf.dispose(params(m).map(([, w]) => w)));
const params = (m: FunctionalModel): Array<[string, tf.Tensor]> => Object.entries(m.params as Record<string, tf.Tensor>);

test('a trainer fit for 2 epochs then 3 more gives the weights of one 5-epoch fit, bit for bit (functional model with dropout)', async () => {
  const whole = functionalMlp({ dropout: 0.3 });
  const h = await fit(whole, { train, validation }, { ...options(), epochs: 5 });

  const continued = functionalMlp({ dropout: 0.3 });
  const start = tf.memory().numTensors;
  const t = trainer(continued, options());
  const h1 = await t.fit({ train, validation }, { epochs: 2 });
  assert.deepEqual(t.position, { step: 10, epoch: 2, batch: 0 });
  const h2 = await t.fit({ train, validation }, { epochs: 3 });
  t.dispose();
  assert.equal(tf.memory().numTensors, start); // the model's params replaced, the optimizer state freed

  assert.deepEqual(weightValues(params(continued)), weightValues(params(whole)));
  assert.deepEqual([h1.step, h2.step], [10, 25]);
  assert.deepEqual([...h1.epochs, ...h2.epochs], h.epochs);
  assert.deepEqual([...h1.steps, ...h2.steps], h.steps); // the schedule continued: same logged rates
  tf.dispose(params(whole).map(([, w]) => w));
  tf.dispose(params(continued).map(([, w]) => w));
});

test('a trainer continues a LayersModel bit for bit too', async () => {
  const whole = layersMlp();
  await fit(whole, { train }, { ...options(), epochs: 5 });
  const continued = layersMlp();
  const t = trainer(continued, options());
  await t.fit({ train }, { epochs: 2 });
  await t.fit({ train }, { epochs: 3 });
  t.dispose();
  const values = (m: typeof whole): number[][] => weightValues(m.weights.map((w) => [w.name, w.read()]));
  assert.deepEqual(values(continued), values(whole));
  whole.dispose();
  continued.dispose();
});

test('fit logs the rate the optimizer used, from its state, without a learningRate option (schedule inside clipByGlobalNorm + adamw)', async () => {
  const model = functionalMlp();
  const h = await fit(model, { train }, { ...options(), epochs: 3 });
  assert.deepEqual(h.steps.map((s) => s.step), [2, 4, 6, 8, 10, 12, 14]);
  assert.deepEqual(h.steps.map((s) => s.lr), h.steps.map((s) => lr(s.step - 1)));
  tf.dispose(params(model).map(([, w]) => w));
});

test('fit accepts a learningRate equal to the optimizer\'s, and throws InvalidArgumentError naming both when they differ', async () => {
  const model = functionalMlp();
  const ok = await fit(model, { train }, { ...options(), epochs: 1, learningRate: lr });
  assert.deepEqual(ok.steps.map((s) => s.lr), [lr(1), lr(3)]);
  const start = tf.memory().numTensors;
  await assert.rejects(
    fit(model, { train }, { ...options(), epochs: 1, learningRate: 0.5 }),
    (e: unknown) => e instanceof InvalidArgumentError && /learningRate: 0\.5/.test(e.message) && e.message.includes(String(lr(1))),
  );
  assert.equal(tf.memory().numTensors, start);
  tf.dispose(params(model).map(([, w]) => w));
});

test('a hand-written optimizer that reports no rate logs fit\'s learningRate, and none without it', async () => {
  const model = functionalMlp();
  // Plain SGD by hand: no learningRate in its state.
  const handWritten: GradientTransformation<Record<string, never>> = {
    init: () => ({}),
    update: (grads, state) => [treeMap((g) => tf.mul(g, -0.1), grads), state],
  };
  const withOption = await fit(model, { train }, { ...options(), optimizer: handWritten, epochs: 1, learningRate: 0.1 });
  assert.deepEqual(withOption.steps.map((s) => s.lr), [0.1, 0.1]);
  const without = await fit(model, { train }, { ...options(), optimizer: handWritten, epochs: 1 });
  assert.deepEqual(without.steps.map((s) => s.lr), [undefined, undefined]);
  tf.dispose(params(model).map(([, w]) => w));
});

test('a trainer restored from a checkpoint of an interrupted fit continues it bit for bit', async () => {
  const { mkdtemp, rm } = await import('node:fs/promises');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { checkpoints } = await import('./checkpoints.js');
  const dir = await mkdtemp(join(tmpdir(), 'trainkit-trainer-'));
  try {
    const whole = functionalMlp({ dropout: 0.3 });
    await fit(whole, { train }, { ...options(), epochs: 4 });
    const first = functionalMlp({ dropout: 0.3 });
    const ckpt = checkpoints({ dir, every: 'epoch' });
    await fit(first, { train }, { ...options(), epochs: 1, callbacks: [ckpt] });
    const resumed = functionalMlp({ dropout: 0.3, seed: 30 });
    const t = trainer(resumed, options());
    await t.restore(ckpt.lastPath as string);
    assert.deepEqual(t.position, { step: 5, epoch: 1, batch: 0 });
    await t.fit({ train }, { epochs: 3 });
    t.dispose();
    assert.deepEqual(weightValues(params(resumed)), weightValues(params(whole)));
    free(whole, first, resumed);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a disposed trainer refuses to train, and a bad epochs is named', async () => {
  const model = functionalMlp();
  const t = trainer(model, options());
  await assert.rejects(t.fit({ train }, { epochs: -1 }), /Invalid epochs: -1/);
  t.dispose();
  await assert.rejects(t.fit({ train }), /disposed/);
  tf.dispose(params(model).map(([, w]) => w));
});
