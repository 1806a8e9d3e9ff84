import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { Rng } from '../engine/rng.js';
import { predict } from './predict.js';
import { blobs, functionalMlp, layersMlp } from './toy-fixtures.fixture.js';

await tf.setBackend('cpu');

const data = blobs(23, { seed: 5 });

test('predict gives, batch by batch, the outputs of one inference pass over all examples, for both model kinds', async () => {
  const functional = functionalMlp({ dropout: 0.5 }); // dropout must be off in inference
  const layers = layersMlp();
  const x = tf.tensor2d(data.x, [data.size, 8]);
  const expectedF = functional.apply(functional.params, x, { training: false, rng: new Rng(0) }) as tf.Tensor;
  const expectedL = layers.predict(x) as tf.Tensor;
  const before = tf.memory().numTensors;
  for (const [model, expected] of [[functional, expectedF], [layers, expectedL]] as const) {
    for (const input of [x, data]) {
      const out = await predict(model, input, { batchSize: 5 });
      assert.deepEqual(out.shape, [23, 3]);
      assert.deepEqual(Array.from(out.dataSync()), Array.from(expected.dataSync()));
      out.dispose();
    }
  }
  assert.equal(tf.memory().numTensors, before, 'only the returned tensor is left, and the caller disposed it');
  tf.dispose([x, expectedF, expectedL, ...Object.values(functional.params as Record<string, tf.Tensor>)]);
  layers.dispose();
});

test('predict refuses a scalar, an empty input and a bad batch size', async () => {
  const model = functionalMlp();
  const s = tf.scalar(1);
  const empty = tf.zeros([0, 8]);
  const before = tf.memory().numTensors;
  await assert.rejects(predict(model, s), /Invalid x: "a scalar tensor"/);
  await assert.rejects(predict(model, empty), /Invalid x: "no examples"/);
  await assert.rejects(predict(model, {} as never), /Invalid data: \{\} \(expected an ArrayDataset, a BatchSource or an \(async\) iterable/);
  await assert.rejects(predict(model, data, { batchSize: 0 }), /Invalid batchSize: 0/);
  await assert.rejects(predict(model, [1, 2] as never), /Invalid batch: 1 \(expected \{ x: tf\.Tensor, \.\.\. \}\)/);
  assert.equal(tf.memory().numTensors, before);
  tf.dispose([s, empty, ...Object.values(model.params as Record<string, tf.Tensor>)]);
});
