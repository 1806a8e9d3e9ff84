import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers'; // registers gradients
import { assertMatchesCpu, randomInputs } from './oracle.fixture.js';

const cases: { label: string; a: number[]; b: number[]; tA: boolean; tB: boolean; activation: 'linear' | 'relu' | 'elu' }[] = [
  { label: 'plain, relu (a dense layer)', a: [64, 78], b: [78, 33], tA: false, tB: false, activation: 'relu' },
  { label: 'transposeA, linear', a: [78, 64], b: [78, 33], tA: true, tB: false, activation: 'linear' },
  { label: 'transposeB, relu', a: [64, 78], b: [33, 78], tA: false, tB: true, activation: 'relu' },
  { label: 'both transposed, elu', a: [78, 64], b: [33, 78], tA: true, tB: true, activation: 'elu' },
  { label: 'batch of a, shared b, transposeB', a: [3, 20, 40], b: [30, 40], tA: false, tB: true, activation: 'relu' },
];

for (const c of cases) {
  test(`_FusedMatMul on wasm matches cpu: ${c.label}`, async () => {
    const n = c.tB ? c.b[0] : c.b[c.b.length - 1];
    const inputs = randomInputs(51, { a: c.a, b: c.b, bias: [n] });
    await assertMatchesCpu(c.label, inputs, ({ a, b, bias }) =>
      tf.fused.matMul({ a, b, transposeA: c.tA, transposeB: c.tB, bias, activation: c.activation }),
    );
  });
}

test('the gradients of a fused dense layer match cpu and leak nothing', async () => {
  const inputs = randomInputs(52, { x: [32, 40], w: [40, 24], bias: [24], dy: [32, 24] });
  await assertMatchesCpu('fused grads', inputs, ({ x, w, bias, dy }) => {
    const f = (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) =>
      tf.fused.matMul({ a: a as tf.Tensor2D, b: b as tf.Tensor2D, bias: c, activation: 'relu' });
    return tf.grads(f)([x, w, bias], dy);
  });
});
