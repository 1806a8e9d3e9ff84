import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '../engine/gradients.js';
import { adam, sgd } from '../optim/index.js';
import { cosineDecay } from '../schedules/index.js';
import { InvalidArgumentError } from '../errors.js';
import { fit } from './fit.js';
import { evaluate } from './evaluate.js';
import type { Callback } from './callbacks.js';
import { NonFiniteError } from './errors.js';
import { blobs, functionalMlp, layersMlp } from './toy-fixtures.fixture.js';

await tf.setBackend('cpu');

const train = blobs(240, { seed: 1 });
const validation = blobs(90, { seed: 11 });

test('fit trains a functional MLP: training and validation loss fall, accuracy rises', async () => {
  const model = functionalMlp();
  const before = await evaluate(model, validation);
  const history = await fit(model, { train, validation }, { optimizer: adam({ learningRate: 0.01 }), epochs: 5, batchSize: 32, verbose: 'silent' });
  assert.equal(history.epochs.length, 5);
  const first = history.epochs[0].logs;
  const last = history.epochs[4].logs;
  assert.ok(last.loss < first.loss, `${last.loss} < ${first.loss}`);
  assert.ok(last.val_loss < before.loss);
  assert.ok(last.val_accuracy > 0.9, `val_accuracy ${last.val_accuracy}`);
  assert.equal(history.step, 5 * 8);
  assert.deepEqual(Object.keys(last).sort(), ['accuracy', 'loss', 'val_accuracy', 'val_loss']);
  tf.dispose(Object.values(model.params as Record<string, tf.Tensor>));
});

test('fit trains a tf.LayersModel in place', async () => {
  const model = layersMlp();
  const history = await fit(model, { train, validation }, { optimizer: sgd({ learningRate: 0.1, momentum: 0.9 }), epochs: 4, batchSize: 32, verbose: 'silent' });
  assert.ok(history.epochs[3].logs.loss < history.epochs[0].logs.loss);
  assert.ok(history.epochs[3].logs.val_accuracy > 0.9);
  // fit validates in batches of its batchSize: evaluate the same batches, the same numbers.
  const again = await evaluate(model, validation, { batchSize: 32 });
  assert.equal(again.loss, history.epochs[3].logs.val_loss);
  model.dispose();
});

test('no tensor leaks: numTensors is the same after every epoch and after fit, for both model kinds', async () => {
  for (const make of [() => functionalMlp(), () => layersMlp()]) {
    const model = make();
    const counts: number[] = [];
    const start = tf.memory().numTensors;
    const counter: Callback = { onEpochEnd: () => void counts.push(tf.memory().numTensors) };
    await fit(model, { train, validation }, {
      optimizer: adam({ learningRate: 0.01 }),
      epochs: 4,
      batchSize: 32,
      logEvery: 3,
      verbose: 'silent',
      callbacks: [counter],
    });
    assert.equal(new Set(counts).size, 1, `numTensors per epoch: ${counts}`);
    assert.equal(tf.memory().numTensors, start);
    if ('dispose' in model) (model as { dispose(): unknown }).dispose();
    else tf.dispose(Object.values(model.params as Record<string, tf.Tensor>));
  }
});

test('logging steps record loss, lr, gradient norm and per-weight update ratios; other steps read nothing', async () => {
  const model = functionalMlp();
  const lr = cosineDecay({ init: 0.05, decaySteps: 40 });
  // Each weight's norm before the update of every logging step (onBatchBegin gets the steps done).
  const normsBefore = new Map<number, Record<string, number>>();
  const recordNorms = {
    onBatchBegin: (done: number) => {
      if ((done + 1) % 5 !== 0) return;
      const params = model.params as Record<string, tf.Tensor>;
      normsBefore.set(done + 1, Object.fromEntries(Object.entries(params).map(([k, t]) => [k, Math.hypot(...t.dataSync())])));
    },
  };
  const history = await fit(model, { train }, { optimizer: sgd({ learningRate: lr }), learningRate: lr, epochs: 2, batchSize: 32, logEvery: 5, verbose: 'silent', callbacks: [recordNorms] });
  assert.deepEqual(history.steps.map((s) => s.step), [5, 10, 15]);
  for (const s of history.steps) {
    assert.equal(s.logged, true);
    assert.equal(s.lr, lr(s.step - 1));
    assert.ok(Number.isFinite(s.loss) && s.loss! > 0);
    assert.ok(s.gradNorm! > 0);
    assert.deepEqual(Object.keys(s.updateRatio!).sort(), ['b1', 'b2', 'w1', 'w2']);
    // Plain SGD: Δw = −lr·g_w, so ‖Δw‖ = lr·‖g_w‖ ≤ lr·‖g‖ and each ratio ‖Δw‖/‖w‖ is at most
    // lr·gradNorm/‖w‖ (and positive); summed over the weights, Σ (ratio·‖w‖)² = (lr·gradNorm)².
    // The ratios are computed in float32 from w before and after (‖after − before‖), hence a relative 1e-5
    // (measured: at most 2.8e-7 off).
    const norms = normsBefore.get(s.step)!;
    const bound = (name: string): number => (s.lr! * s.gradNorm!) / norms[name];
    for (const name of ['w1', 'w2', 'b1', 'b2']) {
      const ratio = s.updateRatio![name];
      assert.ok(ratio > 0 && ratio <= bound(name) * (1 + 1e-5), `step ${s.step} ${name}: ratio ${ratio}, bound ${bound(name)}`);
    }
    const squares = Object.entries(s.updateRatio!).reduce((sum, [name, r]) => sum + (r * norms[name]) ** 2, 0);
    const want = (s.lr! * s.gradNorm!) ** 2;
    assert.ok(Math.abs(squares - want) <= 1e-5 * want, `step ${s.step}: Σ (ratio·‖w‖)² = ${squares}, (lr·gradNorm)² = ${want}`);
  }
  tf.dispose(Object.values(model.params as Record<string, tf.Tensor>));
});

test('only logging steps and epoch ends read from the device', async () => {
  const model = functionalMlp();
  const proto = tf.Tensor.prototype as unknown as Record<string, (...a: unknown[]) => unknown>;
  const names = ['data', 'dataSync', 'array', 'arraySync', 'bufferSync', 'buffer'];
  const saved = names.map((n) => proto[n]);
  let reads = 0;
  names.forEach((n, i) => {
    proto[n] = function (this: unknown, ...a: unknown[]) {
      reads++;
      return saved[i].apply(this, a);
    };
  });
  try {
    // 240 examples / 32 = 8 steps per epoch, 3 epochs = 24 steps, logEvery 10: steps 10 and 20.
    await fit(model, { train }, { optimizer: adam({ learningRate: 0.01 }), epochs: 3, batchSize: 32, logEvery: 10, verbose: 'silent' });
  } finally {
    names.forEach((n, i) => (proto[n] = saved[i]));
  }
  // 2 logging steps + per epoch: the NaN check and the metric sums.
  assert.equal(reads, 2 + 3 * 2);
  tf.dispose(Object.values(model.params as Record<string, tf.Tensor>));
});

test('callbacks run in order, and a stop asked in onBatchEnd ends the run after that batch', async () => {
  const model = functionalMlp();
  const events: string[] = [];
  const tracer = (name: string): Callback => ({
    onTrainBegin: () => void events.push(`${name}:trainBegin`),
    onEpochBegin: (e) => void events.push(`${name}:epochBegin ${e}`),
    onBatchBegin: (s) => void events.push(`${name}:batchBegin ${s}`),
    onBatchEnd: async (s) => {
      await new Promise((r) => setTimeout(r, 1));
      events.push(`${name}:batchEnd ${s}`);
    },
    onValidationEnd: (s) => void events.push(`${name}:validation ${s}`),
    onEpochEnd: (e) => void events.push(`${name}:epochEnd ${e}`),
    onTrainEnd: () => void events.push(`${name}:trainEnd`),
  });
  const stopper: Callback = { onBatchEnd: (s) => (s === 10 ? 'stop' : undefined) };
  const small = blobs(64, { seed: 3 });
  const history = await fit(model, { train: small, validation }, {
    optimizer: sgd({ learningRate: 0.05 }),
    epochs: 5,
    batchSize: 16,
    verbose: 'silent',
    callbacks: [tracer('a'), stopper, tracer('b')],
  });
  const epoch0 = [0, 1, 2, 3].flatMap((s) => [`a:batchBegin ${s}`, `b:batchBegin ${s}`, `a:batchEnd ${s + 1}`, `b:batchEnd ${s + 1}`]);
  assert.deepEqual(events.slice(0, 4 + epoch0.length + 4), [
    'a:trainBegin',
    'b:trainBegin',
    'a:epochBegin 0',
    'b:epochBegin 0',
    ...epoch0,
    'a:validation 4',
    'b:validation 4',
    'a:epochEnd 0',
    'b:epochEnd 0',
  ]);
  // Stopped after step 10 (epoch 2, batch 1): b still sees that batch end, then training ends.
  assert.deepEqual(events.slice(-4), ['a:batchEnd 10', 'b:batchEnd 10', 'a:trainEnd', 'b:trainEnd']);
  assert.equal(history.step, 10);
  assert.equal(history.stopped, true);
  assert.equal(history.epochs.length, 2);
  tf.dispose(Object.values(model.params as Record<string, tf.Tensor>));
});

test('ctx.stop() in onEpochEnd ends training before the next epoch', async () => {
  const model = functionalMlp();
  const history = await fit(model, { train }, {
    optimizer: sgd({ learningRate: 0.05 }),
    epochs: 5,
    batchSize: 64,
    verbose: 'silent',
    callbacks: [{ onEpochEnd: (e, _l, ctx) => (e === 1 ? ctx.stop('enough') : undefined) }],
  });
  assert.equal(history.epochs.length, 2);
  assert.equal(history.stopReason, 'enough');
  tf.dispose(Object.values(model.params as Record<string, tf.Tensor>));
});

test('validateEvery N steps validates after every N-th step', async () => {
  const model = functionalMlp();
  const history = await fit(model, { train, validation }, { optimizer: sgd({ learningRate: 0.05 }), epochs: 2, batchSize: 32, validateEvery: 6, verbose: 'silent' });
  assert.deepEqual(history.validations.map((v) => v.step), [6, 12]);
  assert.equal(history.epochs[1].logs.val_loss, history.validations[1].logs.val_loss);
  tf.dispose(Object.values(model.params as Record<string, tf.Tensor>));
});

test('a loss that turns NaN stops fit with a NonFiniteError naming the step', async () => {
  const model = functionalMlp();
  const start = tf.memory().numTensors;
  // Step 1 computes its loss with the initial weights (finite); its update, 1e30 × a gradient of
  // norm ~3, leaves weights of ~1e30 (still finite in float32, whose limit is ~3.4e38). Step 2's
  // logits are then ~1e30 · 1e30, which overflows to ±Infinity, so step 2's loss is the first NaN.
  // (Measured: the largest weight after step 1 is 9.08e29.)
  const largestAfter: number[] = [];
  const weights = (): tf.Tensor[] => Object.values(model.params as Record<string, tf.Tensor>);
  const afterStep = { onBatchEnd: () => void largestAfter.push(Math.max(...weights().flatMap((t) => Array.from(t.dataSync(), Math.abs)))) };
  const err = await fit(model, { train }, { optimizer: sgd({ learningRate: 1e30 }), epochs: 3, batchSize: 32, logEvery: 1000, verbose: 'silent', callbacks: [afterStep] }).then(
    () => assert.fail('expected a NonFiniteError'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof NonFiniteError, String(err));
  assert.equal(err.step, 2);
  assert.ok(Number.isFinite(largestAfter[0]) && largestAfter[0] > 1e29, `largest weight after step 1: ${largestAfter[0]}`);
  assert.match(err.message, /at step 2\b/);
  assert.match(err.message, /No checkpoint was written/);
  tf.dispose(weights());
  assert.equal(tf.memory().numTensors, start - 4);
});

test('bad fit options are refused at once, naming the value', async () => {
  const model = functionalMlp();
  const opt = sgd({ learningRate: 0.1 });
  await assert.rejects(fit(model, { train }, { optimizer: opt, epochs: -1 }), /Invalid epochs: -1/);
  await assert.rejects(fit(model, { train }, { optimizer: opt, batchSize: 0 }), /Invalid batchSize: 0/);
  await assert.rejects(fit(model, { train }, { optimizer: opt, verbose: 'loud' as never }), InvalidArgumentError);
  await assert.rejects(fit(model, { train }, { optimizer: {} as never }), /Invalid optimizer/);
  await assert.rejects(fit({} as never, { train }, { optimizer: opt }), /Invalid model/);
  tf.dispose(Object.values(model.params as Record<string, tf.Tensor>));
});
