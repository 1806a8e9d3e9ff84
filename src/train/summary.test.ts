import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-cpu';
import { summary } from './summary.js';
import { functionalMlp } from './toy-fixtures.fixture.js';

await tf.setBackend('cpu');

test('summary of a LayersModel lists each layer with its class, output shape and hand-counted parameters', () => {
  const model = tfl.sequential({
    layers: [
      tfl.layers.dense({ units: 256, inputShape: [784], name: 'hidden' }), // 784·256 + 256 = 200,960
      tfl.layers.batchNormalization({ name: 'norm' }), // γ, β trainable (512); moving mean, variance not (512)
      tfl.layers.dense({ units: 10, name: 'out' }), // 256·10 + 10 = 2,570
    ],
  });
  const s = summary(model);
  assert.equal(s.kind, 'layers');
  assert.deepEqual(s.rows, [
    { name: 'hidden', kind: 'Dense', shape: [null, 256], params: 200_960, trainable: 200_960 },
    { name: 'norm', kind: 'BatchNormalization', shape: [null, 256], params: 1_024, trainable: 512 },
    { name: 'out', kind: 'Dense', shape: [null, 10], params: 2_570, trainable: 2_570 },
  ]);
  assert.equal(s.totalParams, 204_554);
  assert.equal(s.trainableParams, 204_042);
  assert.equal(s.nonTrainableParams, 512);
  assert.match(s.text, /^hidden \(Dense\) +\[null, 256\] +200,960$/m);
  assert.match(s.text, /^Total params: 204,554$/m);
  assert.match(s.text, /^Non-trainable params: 512$/m);
  model.dispose();
});

test('a frozen layer counts as non-trainable', () => {
  const model = tfl.sequential({ layers: [tfl.layers.dense({ units: 4, inputShape: [3], name: 'a' }), tfl.layers.dense({ units: 2, name: 'b' })] });
  model.layers[0].trainable = false;
  const s = summary(model);
  assert.deepEqual([s.totalParams, s.trainableParams, s.nonTrainableParams], [16 + 10, 10, 16]);
  assert.equal(s.rows[0].trainable, 0);
  model.dispose();
});

test('summary of a functional model lists every parameter leaf by tree path (in tree order: sorted keys), all trainable', () => {
  const model = functionalMlp({ dim: 8, hidden: 16, classes: 3 });
  const s = summary(model);
  assert.deepEqual(
    s.rows.map((r) => [r.name, r.shape, r.params]),
    [
      ['b1', [16], 16],
      ['b2', [3], 3],
      ['w1', [8, 16], 128],
      ['w2', [16, 3], 48],
    ],
  );
  assert.deepEqual([s.totalParams, s.trainableParams, s.nonTrainableParams], [195, 195, 0]);
  assert.match(s.text, /^w1 +\[8, 16\] +128$/m);
  tf.dispose(Object.values(model.params as Record<string, tf.Tensor>));
});

test('summary refuses what is not a model', () => {
  assert.throws(() => summary({} as never), /Invalid model/);
});
