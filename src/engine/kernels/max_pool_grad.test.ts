import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers'; // registers gradients
import { assertMatchesCpu, randomInputs } from './oracle.fixture.js';

const pools: { label: string; x: number[]; size: [number, number]; strides: [number, number]; pad: 'same' | 'valid' }[] = [
  { label: '2x2 stride 2 valid', x: [2, 8, 8, 3], size: [2, 2], strides: [2, 2], pad: 'valid' },
  { label: '2x2 stride 2 valid, odd size', x: [2, 9, 7, 3], size: [2, 2], strides: [2, 2], pad: 'valid' },
  { label: '3x3 stride 2 same', x: [2, 9, 9, 4], size: [3, 3], strides: [2, 2], pad: 'same' },
  { label: '3x3 stride 1 same (overlapping windows)', x: [1, 6, 7, 5], size: [3, 3], strides: [1, 1], pad: 'same' },
  { label: '2x3 window, strides [1, 2]', x: [3, 7, 8, 2], size: [2, 3], strides: [1, 2], pad: 'valid' },
  { label: '2x2 stride 2 valid, channels a multiple of 4 (SIMD route)', x: [2, 8, 6, 8], size: [2, 2], strides: [2, 2], pad: 'valid' },
  { label: '2x2 stride 2 valid, SIMD route, odd sizes (uncovered last row/column)', x: [2, 9, 7, 4], size: [2, 2], strides: [2, 2], pad: 'valid' },
  { label: '2x2 stride 2 same, odd sizes (windows cut by padding)', x: [2, 9, 7, 4], size: [2, 2], strides: [2, 2], pad: 'same' },
];

for (const p of pools) {
  test(`MaxPoolGrad on wasm matches cpu: ${p.label}`, async () => {
    const inputs = randomInputs(41, { x: p.x });
    await assertMatchesCpu(p.label, inputs, ({ x }) => {
      // Weight each output differently so a gradient sent to the wrong position shows.
      const f = (v: tf.Tensor) => {
        const y = tf.maxPool(v as tf.Tensor4D, p.size, p.strides, p.pad);
        return tf.sum(tf.mul(y, tf.reshape(tf.range(1, 1 + y.size), y.shape)));
      };
      return tf.grad(f)(x);
    });
  });
}

test('MaxPoolGrad on wasm sends a tied window\'s gradient to its first maximum, like cpu', async () => {
  const inputs = randomInputs(42, { x: [2, 6, 6, 3] });
  for (let i = 0; i < inputs.x.values.length; i++) inputs.x.values[i] = Math.round(inputs.x.values[i]); // many ties
  await assertMatchesCpu('ties', inputs, ({ x }) => {
    const y = tf.maxPool(x as tf.Tensor4D, 3, 1, 'same');
    return tf.engine().runKernel('MaxPoolGrad', { dy: tf.onesLike(y), input: x, output: y }, {
      filterSize: [3, 3],
      strides: [1, 1],
      pad: 'same',
    } as never) as tf.Tensor;
  });
});

test('MaxPoolGrad on wasm, 2x2 SIMD route: ties go to the first maximum, −∞ windows and NaN get nothing, like cpu', async () => {
  const inputs = randomInputs(43, { x: [2, 6, 6, 8] });
  const v = inputs.x.values;
  for (let i = 0; i < v.length; i++) v[i] = Math.round(v[i]); // many ties
  // One all −∞ window (channel 0 of window (0, 0) of batch 0), and NaNs in a few others.
  for (const [r, c] of [[0, 0], [0, 1], [1, 0], [1, 1]]) v[(r * 6 + c) * 8] = -Infinity;
  for (const i of [9, 100, 333, 501]) v[i] = NaN;
  await assertMatchesCpu('ties and NaN', inputs, ({ x }) => {
    const y = tf.maxPool(x as tf.Tensor4D, 2, 2, 'valid');
    const dy = tf.reshape(tf.range(1, 1 + y.size), y.shape);
    return tf.engine().runKernel('MaxPoolGrad', { dy, input: x, output: y }, {
      filterSize: [2, 2],
      strides: [2, 2],
      pad: 'valid',
    } as never) as tf.Tensor;
  });
});
