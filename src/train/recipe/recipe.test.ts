import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-cpu';
import '../../engine/gradients.js';
import { adam, sgd } from '../../optim/index.js';
import { InvalidArgumentError } from '../../errors.js';
import { adaptModel, type FunctionalModel, type Model } from '../model.js';
import { fit } from '../fit.js';
import { blobs, functionalMlp, layersMlp, weightValues } from '../toy-fixtures.fixture.js';
import { checkInitialLoss, lrRangeTest, overfitSmallSample } from './index.js';

await tf.setBackend('cpu');

const data = blobs(320, { seed: 1 });

/** A linear classifier 8 → 3 whose weights are `scale` × a fixed pattern (0: all zero). */
function linear(scale: number): FunctionalModel {
  const w = tf.mul(tf.tensor2d(Array.from({ length: 24 }, (_, i) => Math.sin(i + 1)), [8, 3]), scale);
  return { params: { w, b: tf.zeros([3]) }, apply: (p, x) => tf.add(tf.matMul(x, (p as any).w), (p as any).b) };
}
const free = (m: Model): void => {
  if ('dispose' in m) (m as tfl.LayersModel).dispose();
  else tf.dispose(adaptModel(m).weights().map(([, t]) => t));
};

test('checkInitialLoss finds log C for equal scores, in both model kinds, and leaves the model unchanged', async () => {
  const zero = tfl.sequential({ layers: [tfl.layers.dense({ units: 3, inputShape: [8], kernelInitializer: 'zeros' })] });
  for (const model of [linear(0), zero] as Model[]) {
    const before = weightValues(adaptModel(model).weights());
    const n = tf.memory().numTensors;
    const r = await checkInitialLoss(model, data, { examples: 200 });
    assert.equal(tf.memory().numTensors, n);
    assert.equal(r.ok, true);
    assert.equal(r.expected, Math.log(3));
    assert.ok(Math.abs(r.measured - Math.log(3)) < 1e-6, `${r.measured}`);
    assert.match(r.verdict, /≈ log 3 = 1\.099.*OK/);
    assert.deepEqual(weightValues(adaptModel(model).weights()), before);
    free(model);
  }
});

test('checkInitialLoss blames large initial scores when the loss is far above log C', async () => {
  const model = linear(10);
  const r = await checkInitialLoss(model, data);
  assert.equal(r.ok, false);
  assert.ok(r.measured > 2 * Math.log(3));
  assert.match(r.verdict, /above log 3.*too large/);
  free(model);
});

test('checkInitialLoss flags a loss below chance (a trained model) and knows the hinge loss starts at C − 1', async () => {
  const model = functionalMlp();
  await fit(model, { train: data }, { optimizer: adam({ learningRate: 0.02 }), epochs: 3, verbose: 'silent' });
  const r = await checkInitialLoss(model, data);
  assert.equal(r.ok, false);
  assert.match(r.verdict, /below log 3.*label leak/);
  free(model);
  const zero = linear(0);
  const h = await checkInitialLoss(zero, data, { loss: 'hinge' });
  assert.equal(h.expected, 2);
  assert.ok(Math.abs(h.measured - 2) < 1e-6 && h.ok);
  free(zero);
  await assert.rejects(checkInitialLoss(zero, data, { loss: 'mse' }), InvalidArgumentError);
});

test('overfitSmallSample memorises 5 batches with a sane optimizer, for both model kinds, and restores the weights', async () => {
  for (const model of [functionalMlp({ hidden: 32 }), layersMlp({ hidden: 32 })] as Model[]) {
    const before = weightValues(adaptModel(model).weights());
    const n = tf.memory().numTensors;
    const r = await overfitSmallSample(model, blobs(400, { seed: 3, noise: 1.5 }), { batches: 5, batchSize: 16, optimizer: adam({ learningRate: 0.02 }), maxEpochs: 200 });
    assert.equal(tf.memory().numTensors, n);
    assert.equal(r.ok, true, r.verdict);
    assert.equal(r.accuracy, 1);
    assert.equal(r.examples, 80);
    assert.ok(r.finalLoss < r.initialLoss);
    assert.deepEqual(r.causes, []);
    assert.match(r.verdict, /memorised 80 examples .* OK/);
    assert.deepEqual(weightValues(adaptModel(model).weights()), before);
    free(model);
  }
});

test('overfitSmallSample reports a flat loss as a learning rate too low and a blow-up as one too high', async () => {
  const model = functionalMlp();
  const low = await overfitSmallSample(model, data, { optimizer: sgd({ learningRate: 1e-7 }), maxEpochs: 5 });
  assert.equal(low.ok, false);
  assert.match(low.causes[0], /flat.*learning rate too low/);
  const n = tf.memory().numTensors;
  const high = await overfitSmallSample(model, data, { optimizer: sgd({ learningRate: 1e8 }), maxEpochs: 5 });
  assert.equal(tf.memory().numTensors, n);
  assert.equal(high.ok, false);
  assert.match(high.causes[0], /learning rate too high/);
  free(model);
});

test('lrRangeTest sweeps the rate exponentially, smooths with bias correction, stops on divergence and restores the weights', async () => {
  // Measured on cpu (deterministic): Adam's smoothed loss is lowest at sweep point 84 (lr 0.873) for
  // the functional MLP and at point 87 (lr 1.31) for the layers one, so the suggestions are 0.0873
  // and 0.131. The points are a factor 10^(7/119) = 1.145 apart; the tolerance, a factor 1.5 (three
  // points either way), admits a minimum moved to a neighbouring point (the next-lowest smoothed
  // losses lie within points 83-87) and nothing further.
  const measured = [0.08733, 0.13111];
  for (const [k, model] of ([functionalMlp(), layersMlp()] as Model[]).entries()) {
    const before = weightValues(adaptModel(model).weights());
    const n = tf.memory().numTensors;
    const r = await lrRangeTest(model, data, { minLr: 1e-5, maxLr: 100, steps: 120, batchSize: 32 });
    assert.equal(tf.memory().numTensors, n);
    assert.deepEqual(weightValues(adaptModel(model).weights()), before);
    assert.equal(r.diverged, true, r.verdict);
    assert.ok(r.points.length < 120);
    // lr_i = minLr · (maxLr/minLr)^(i/(steps−1))
    r.points.forEach((p, i) => assert.ok(Math.abs(p.lr / (1e-5 * 1e7 ** (i / 119)) - 1) < 1e-12));
    // s_i = a_i / (1 − β^(i+1)), a_i = β a_{i−1} + (1 − β) loss_i, with the default β = 1 − 10/steps
    assert.ok(Math.abs(r.beta - (1 - 10 / 120)) < 1e-15);
    let a = 0;
    r.points.forEach((p, i) => {
      a = r.beta * a + (1 - r.beta) * p.loss;
      assert.ok(Math.abs(p.smoothed - a / (1 - r.beta ** (i + 1))) < 1e-9);
    });
    assert.equal(r.points[0].smoothed, r.points[0].loss);
    // stopped at the first point above 4 × the best before it
    const last = r.points[r.points.length - 1];
    const bestBefore = Math.min(...r.points.slice(0, -1).map((p) => p.smoothed));
    assert.ok(!(last.smoothed <= 4 * bestBefore));
    assert.equal(r.bestLoss, bestBefore);
    assert.equal(r.suggested, r.minimumLr / 10);
    assert.ok(r.steepestLr <= r.minimumLr);
    assert.ok(Math.abs(Math.log(r.suggested / measured[k])) <= Math.log(1.5), `suggested ${r.suggested}, measured ${measured[k]}`);
    assert.match(r.verdict, /suggested lr .* diverged at lr/);
    free(model);
  }
});

test('a model trained at the suggested rate learns', async () => {
  const model = functionalMlp();
  const r = await lrRangeTest(model, data, { optimizer: (lr) => sgd({ learningRate: lr, momentum: 0.9 }), minLr: 1e-4, maxLr: 10, steps: 100 });
  // Measured on cpu: SGD with momentum suggests 0.221 (the minimum at lr 2.21), which takes the
  // training accuracy from 0.72 in epoch 1 to 0.991 (317 of 320) in epoch 3. Tolerance as above:
  // a factor 1.5 on the rate (points here are 10^(5/99) = 1.12 apart), 3 points of 320 on accuracy.
  assert.ok(Math.abs(Math.log(r.suggested / 0.2205)) <= Math.log(1.5), `suggested ${r.suggested}`);
  const h = await fit(model, { train: data }, { optimizer: sgd({ learningRate: r.suggested, momentum: 0.9 }), epochs: 3, verbose: 'silent' });
  assert.ok(h.epochs[2].logs.accuracy >= 314 / 320, `accuracy ${h.epochs[2].logs.accuracy} at lr ${r.suggested}`);
  free(model);
});

test('lrRangeTest refuses a range that is not increasing', async () => {
  const model = linear(0);
  await assert.rejects(lrRangeTest(model, data, { minLr: 1, maxLr: 0.1 }), /maxLr/);
  await assert.rejects(lrRangeTest(model, data, { steps: 1 }), /steps/);
  free(model);
});
