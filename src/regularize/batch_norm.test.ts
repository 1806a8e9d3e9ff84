import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { batchNormLayers, recomputeBatchNormStatistics } from './batch_norm.js';
import { values } from './layer-fixtures.fixture.js';

await tf.setBackend('cpu');

const allClose = (a: number[], b: number[], tol = 1e-5) =>
  assert.ok(a.length === b.length && a.every((v, i) => Math.abs(v - b[i]) <= tol * (1 + Math.abs(b[i]))), `${a} vs ${b}`);

/** [movingMean, movingVariance] of a BatchNormalization layer, copied. */
const moving = (layer: tfl.layers.Layer): [number[], number[]] => {
  const w = layer.getWeights(); // gamma, beta, moving mean, moving variance
  return [values(w[2]), values(w[3])];
};

// 4 examples, 2 features: means [2, 10], biased variances [1.25, 62.5] (unbiased: [5/3, 250/3])
const X = tf.tensor2d([[0.5, 0], [1.5, 5], [3.5, 20], [2.5, 15]]);
const mean = [2, 10];
const biasedVar = [1.25, 62.5];

test('tfjs-layers behaviour (pinned): without training, BatchNormalization uses the moving statistics and never updates them (predict, evaluate, apply)', () => {
  const model = tfl.sequential({ layers: [tfl.layers.batchNormalization({ inputShape: [2] })] });
  model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
  const out = values(model.predict(X) as tf.Tensor);
  allClose(out, values(tf.div(X, Math.sqrt(1 + 1e-3))), 1e-6); // moving mean 0, variance 1, epsilon 1e-3
  model.apply(X);
  model.apply(X, { training: false });
  tf.dispose(model.evaluate(X, X));
  assert.deepEqual(moving(model.layers[0]), [[0, 0], [1, 1]]);
});

test('tfjs-layers behaviour (pinned): with training: true — also in model.apply outside fit and inside tf.grad — it normalises with the batch mean and biased variance and updates the moving statistics in the same call', () => {
  const model = tfl.sequential({ layers: [tfl.layers.batchNormalization({ inputShape: [2] })] });
  const layer = model.layers[0];
  assert.equal(layer.getConfig().momentum, 0.99);
  assert.equal(layer.getConfig().epsilon, 0.001);
  const out = values(model.apply(X, { training: true }) as tf.Tensor);
  const want = values(tf.div(tf.sub(X, mean), tf.sqrt(tf.add(biasedVar, 1e-3))));
  allClose(out, want);
  // moving ← 0.99·moving + 0.01·batch, with the BIASED variance (PyTorch's running_var is unbiased)
  let [m, v] = [[0, 0], [1, 1]];
  const update = () => {
    m = m.map((a, i) => 0.99 * a + 0.01 * mean[i]);
    v = v.map((a, i) => 0.99 * a + 0.01 * biasedVar[i]);
  };
  update();
  allClose(moving(layer)[0], m);
  allClose(moving(layer)[1], v);
  // a forward pass inside tf.grad updates them too, even though no gradient is ever applied
  const g = tf.grad((t: tf.Tensor) => tf.sum(model.apply(t, { training: true }) as tf.Tensor))(X);
  g.dispose();
  update();
  allClose(moving(layer)[0], m);
  allClose(moving(layer)[1], v);
});

test('tfjs-layers behaviour (pinned): model.fit updates the moving statistics once per batch', async () => {
  const model = tfl.sequential({ layers: [tfl.layers.batchNormalization({ inputShape: [2], momentum: 0.5 })] });
  model.compile({ optimizer: tf.train.sgd(0), loss: 'meanSquaredError' });
  await model.fit(X, X, { epochs: 1, batchSize: 2, shuffle: false, verbose: 0 });
  // batch 1 = rows 0–1: mean [1, 2.5], biased var [0.25, 6.25]; batch 2 = rows 2–3: mean [3, 17.5], var [0.25, 6.25]
  const m = [0, 0].map((a, i) => 0.5 * (0.5 * a + 0.5 * [1, 2.5][i]) + 0.5 * [3, 17.5][i]);
  const v = [1, 1].map((a, i) => 0.5 * (0.5 * a + 0.5 * [0.25, 6.25][i]) + 0.5 * [0.25, 6.25][i]);
  allClose(moving(model.layers[0])[0], m);
  allClose(moving(model.layers[0])[1], v);
});

test('tfjs-layers behaviour (pinned, 4.22): BatchNormalization with center: false or scale: false cannot run in training mode', () => {
  for (const args of [{ center: false }, { scale: false }]) {
    const layer = tfl.layers.batchNormalization({ ...args, inputShape: [2] });
    layer.apply(X); // inference works
    assert.throws(() => layer.apply(X, { training: true }), TypeError);
  }
});

function bnModel(): tfl.LayersModel {
  // the BN layers sit inside a nested model, to check that they are found there
  const inner = tfl.sequential({
    layers: [tfl.layers.batchNormalization({ inputShape: [3] }), tfl.layers.batchNormalization()],
  });
  return tfl.sequential({ layers: [tfl.layers.dense({ units: 3, inputShape: [2] }), inner] });
}

test('recomputeBatchNormStatistics sets every BN layer to the equal-weight average of its batch statistics', async () => {
  const model = bnModel();
  const [bn1, bn2] = batchNormLayers(model);
  bn1.setWeights([...bn1.getWeights().slice(0, 2), tf.fill([3], 7), tf.fill([3], 9)]); // stale statistics
  const dense = model.layers[0];
  const data = [tf.randomNormal([5, 2], 0, 1, 'float32', 1), tf.randomNormal([8, 2], 3, 2, 'float32', 2), tf.randomNormal([3, 2], -1, 1, 'float32', 3)];
  const stats = data.map((b) =>
    tf.tidy(() => {
      const h = dense.apply(b) as tf.Tensor;
      const m1 = tf.moments(h, 0);
      const n1 = tf.div(tf.sub(h, m1.mean), tf.sqrt(tf.add(m1.variance, 1e-3))); // bn1 in training mode (γ=1, β=0)
      const m2 = tf.moments(n1, 0);
      return [m1.mean, m1.variance, m2.mean, m2.variance].map(values);
    }),
  );
  const avg = (k: number) => stats[0][k].map((_, j) => stats.reduce((s, st) => s + st[k][j], 0) / stats.length);

  const batches = data.map((b) => ({ x: b, y: tf.zeros([b.shape[0], 3]) }));
  const before = tf.memory().numTensors;
  const result = await recomputeBatchNormStatistics(model, batches);
  assert.deepEqual(result, { layers: 2, batches: 3 });
  assert.equal(tf.memory().numTensors, before - 6, "the batches' x and y were disposed, nothing else left behind");
  allClose(moving(bn1)[0], avg(0), 1e-4);
  allClose(moving(bn1)[1], avg(1), 1e-4);
  allClose(moving(bn2)[0], avg(2), 1e-4);
  allClose(moving(bn2)[1], avg(3), 1e-4);
  assert.equal(bn1.getConfig().momentum, 0.99, 'momentum restored');
  assert.equal(bn2.getConfig().momentum, 0.99);
});

test('after recomputing over one batch of all the data, inference matches training-mode normalisation of that data', async () => {
  const model = tfl.sequential({
    layers: [tfl.layers.dense({ units: 4, inputShape: [3] }), tfl.layers.batchNormalization()],
  });
  const data = tf.randomNormal([32, 3], 1, 2, 'float32', 7);
  await recomputeBatchNormStatistics(model, [data], { dispose: false });
  const inference = values(model.predict(data) as tf.Tensor);
  allClose(inference, values(model.apply(data, { training: true }) as tf.Tensor), 1e-4);
  assert.ok(!data.isDisposed, 'dispose: false keeps the caller’s tensors');
});

test('recomputeBatchNormStatistics accepts async iterables, leaves BN-free models alone and refuses no batches', async () => {
  async function* gen() {
    for (let i = 0; i < 2; i++) yield tf.randomNormal([4, 2]);
  }
  assert.deepEqual(await recomputeBatchNormStatistics(bnModel(), gen()), { layers: 2, batches: 2 });
  const plain = tfl.sequential({ layers: [tfl.layers.dense({ units: 1, inputShape: [2] })] });
  assert.deepEqual(await recomputeBatchNormStatistics(plain, [tf.ones([2, 2])]), { layers: 0, batches: 1 });
  await assert.rejects(recomputeBatchNormStatistics(bnModel(), []), /Invalid batches/);
});

test('recomputing restores the momenta even when a batch fails', async () => {
  const model = bnModel();
  await assert.rejects(recomputeBatchNormStatistics(model, [tf.ones([2, 5])]));
  assert.ok(batchNormLayers(model).every((l) => l.getConfig().momentum === 0.99));
});
