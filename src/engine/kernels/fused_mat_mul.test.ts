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

// trainkit's dense layers call the kernel itself with rank-2 operands (fused_activation.ts); the
// shipped kernel reads rank 3, so the fix reshapes them for it.
for (const [tA, tB, activation] of [[false, false, 'relu'], [false, false, 'linear'], [true, false, 'relu'], [false, true, 'linear']] as const) {
  test(`_FusedMatMul on wasm with rank-2 operands matches cpu: transposeA ${tA}, transposeB ${tB}, ${activation}`, async () => {
    const [m, k, n] = [64, 78, 33];
    const inputs = randomInputs(53, { a: tA ? [k, m] : [m, k], b: tB ? [n, k] : [k, n], bias: [n] });
    await assertMatchesCpu('rank 2', inputs, ({ a, b, bias }) =>
      tf.engine().runKernel('_FusedMatMul', { a, b, bias }, { transposeA: tA, transposeB: tB, activation } as never) as tf.Tensor,
    );
  });
}
