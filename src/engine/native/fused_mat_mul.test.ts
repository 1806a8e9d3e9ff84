import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers'; // registers gradients
import { assertMatchesCpu, randomInputs } from '../kernels/oracle.fixture.js';
import { nativeProducts } from './blas.js';
import { NATIVE_WASM, NO_NATIVE } from './native.fixture.js';

type Activation = 'linear' | 'relu' | 'relu6' | 'elu' | 'sigmoid' | 'leakyrelu' | 'prelu';

const cases: { label: string; a: number[]; b: number[]; tA: boolean; tB: boolean; bias?: number[]; activation: Activation }[] = [
  { label: 'a dense layer: bias and relu', a: [128, 78], b: [78, 51], tA: false, tB: false, bias: [51], activation: 'relu' },
  { label: 'no bias, linear', a: [37, 53], b: [53, 29], tA: false, tB: false, activation: 'linear' },
  { label: 'transposeA, bias [1, n], sigmoid', a: [53, 37], b: [53, 29], tA: true, tB: false, bias: [1, 29], activation: 'sigmoid' },
  { label: 'transposeB, relu6', a: [37, 53], b: [29, 53], tA: false, tB: true, bias: [29], activation: 'relu6' },
  { label: 'both transposed, elu', a: [53, 37], b: [29, 53], tA: true, tB: true, bias: [29], activation: 'elu' },
  { label: 'leaky relu', a: [20, 30], b: [30, 17], tA: false, tB: false, bias: [17], activation: 'leakyrelu' },
  { label: 'prelu', a: [20, 30], b: [30, 17], tA: false, tB: false, bias: [17], activation: 'prelu' },
  { label: 'batch of a against one b', a: [3, 21, 30], b: [30, 17], tA: false, tB: false, bias: [17], activation: 'relu' },
  { label: 'batched both, transposeA', a: [3, 30, 21], b: [3, 30, 17], tA: true, tB: false, bias: [17], activation: 'linear' },
];

for (const c of cases) {
  test(`_FusedMatMul on the native BLAS matches cpu: ${c.label}`, { skip: NO_NATIVE }, async () => {
    const n = c.b[c.b.length - (c.tB ? 2 : 1)];
    const shapes: Record<string, number[]> = { a: c.a, b: c.b, ...(c.bias ? { bias: c.bias } : {}), alpha: [n] };
    const before = nativeProducts();
    await assertMatchesCpu(
      c.label,
      randomInputs(7, shapes),
      ({ a, b, bias, alpha }) =>
        tf.fused.matMul({
          a,
          b,
          transposeA: c.tA,
          transposeB: c.tB,
          bias,
          activation: c.activation,
          preluActivationWeights: c.activation === 'prelu' ? alpha : undefined,
          leakyreluAlpha: 0.3,
        }),
      NATIVE_WASM,
    );
    assert.ok(nativeProducts() > before, 'the product ran on the native BLAS');
  });
}

test('gradients of a fused dense layer through native products match cpu and leak nothing', { skip: NO_NATIVE }, async () => {
  const inputs = randomInputs(9, { x: [32, 40], w: [40, 24], bias: [24] });
  await assertMatchesCpu(
    'dense grads',
    inputs,
    ({ x, w, bias }) => tf.grads((w: tf.Tensor, bias: tf.Tensor) => tf.sum(tf.square(tf.fused.matMul({ a: x, b: w, bias, activation: 'relu' }))))([w, bias]),
    NATIVE_WASM,
  );
});
