/**
 * The fused softmax cross-entropy (loss and gradient) against the op route it replaces
 * (`−Σ y·logSoftmax(s)` with `tf.oneHot`), on cpu and wasm.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '../gradients.js';
import { useBackend } from '../backend.js';
import { Rng } from '../rng.js';
import { fusedSoftmaxCrossEntropy, MAX_FUSED_ELEMENTS, SOFTMAX_CROSS_ENTROPY } from './softmax_cross_entropy.js';

function opRoute(logits: tf.Tensor, labels: tf.Tensor, smoothing: number): tf.Tensor {
  const c = logits.shape[1]!;
  let y = tf.cast(tf.oneHot(labels, c), 'float32');
  if (smoothing > 0) y = tf.add(tf.mul(y, 1 - smoothing), smoothing / c);
  return tf.neg(tf.sum(tf.mul(y, tf.logSoftmax(logits)), -1));
}

/** Loss [b] and d(Σ w_i·loss_i)/ds through `route`, for fixed weights w (so dy is not all ones). */
function lossAndGrad(route: (s: tf.Tensor) => tf.Tensor, logits: tf.Tensor, w: tf.Tensor): [Float32Array, Float32Array] {
  return tf.tidy(() => {
    const loss = route(logits);
    const g = tf.grad((s: tf.Tensor) => tf.sum(tf.mul(route(s), w)))(logits);
    return [loss.dataSync() as Float32Array, g.dataSync() as Float32Array];
  });
}

function assertClose(got: Float32Array, want: Float32Array, label: string): void {
  assert.equal(got.length, want.length);
  for (let i = 0; i < got.length; i++) {
    if (Number.isNaN(want[i])) {
      assert.ok(Number.isNaN(got[i]), `${label}[${i}]: ${got[i]} vs NaN`);
      continue;
    }
    const tol = 2e-6 * Math.max(1, Math.abs(want[i]));
    assert.ok(Math.abs(got[i] - want[i]) <= tol, `${label}[${i}]: ${got[i]} vs ${want[i]}`);
  }
}

for (const backend of ['cpu', 'wasm'] as const) {
  test(`fused softmax cross-entropy equals the op route on ${backend}: losses and gradients`, async () => {
    await useBackend(backend, backend === 'wasm' ? { threads: 1 } : {});
    const rng = new Rng(3);
    const cases: Array<[string, number, number, (i: number) => number, (i: number) => number]> = [
      ['128 × 10, normal logits', 128, 10, () => 3 * rng.normal(), (i) => i % 10],
      ['7 × 3, huge logits (no overflow)', 7, 3, () => 1000 * rng.normal(), (i) => i % 3],
      ['5 × 1000 classes', 5, 1000, () => rng.normal(), (i) => 997 * i % 1000],
      ['labels outside [0, C) give zero rows, as tf.oneHot', 6, 4, () => rng.normal(), (i) => [-1, 4, 0, 3, 100, 2][i]],
      ['NaN and +∞ logits (NaN rows both ways)', 3, 3, (i) => [NaN, 1, 2, Infinity, 0, 0, 0, 0, 1][i], () => 1],
    ];
    for (const [name, b, c, logit, label] of cases) {
      for (const smoothing of [0, 0.1]) {
        const logits = tf.tensor2d(Float32Array.from({ length: b * c }, (_, i) => logit(i)), [b, c]);
        const labels = tf.tensor1d(Int32Array.from({ length: b }, (_, i) => label(i)), 'int32');
        const w = tf.tensor1d(Float32Array.from({ length: b }, () => rng.uniform()));
        const before = tf.memory().numTensors;
        const fused = lossAndGrad((s) => fusedSoftmaxCrossEntropy(s, labels, smoothing)!, logits, w);
        assert.equal(tf.memory().numTensors, before, `${name}: no tensor leaked`);
        const ops = lossAndGrad((s) => opRoute(s, labels, smoothing), logits, w);
        assertClose(fused[0], ops[0], `${name}, ε ${smoothing}: loss`);
        assertClose(fused[1], ops[1], `${name}, ε ${smoothing}: gradient`);
        tf.dispose([logits, labels, w]);
      }
    }
  });

  test(`on ${backend} the fused route is one kernel forward and one backward, and steps aside where it does not apply`, async () => {
    await useBackend(backend, backend === 'wasm' ? { threads: 1 } : {});
    const logits = tf.randomNormal([8, 5]);
    const labels = tf.tensor1d([0, 1, 2, 3, 4, 0, 1, 2], 'int32');
    const info = await tf.profile(() => tf.grad((s: tf.Tensor) => tf.sum(fusedSoftmaxCrossEntropy(s, labels)!))(logits));
    const names = info.kernels.map((k) => k.name);
    assert.equal(names.filter((k) => k.startsWith('TrainkitSoftmaxCrossEntropy')).length, 2, `${names}`);
    assert.ok(!names.includes('Exp') && !names.includes('OneHot'), `${names}`);
    const wide = tf.zeros([2, MAX_FUSED_ELEMENTS / 2 + 1]);
    assert.equal(fusedSoftmaxCrossEntropy(wide, tf.tensor1d([0, 1], 'int32')), undefined, 'more logits than MAX_FUSED_ELEMENTS');
    assert.equal(fusedSoftmaxCrossEntropy(tf.zeros([2, 3, 4]), tf.zeros([2, 3], 'int32')), undefined, 'rank 3');
    assert.equal(fusedSoftmaxCrossEntropy(logits, tf.cast(labels, 'float32')), undefined, 'float labels');
    tf.dispose([logits, labels, wide]);
  });
}

test('a −∞ logit of a class that is not the label gives the finite loss (as torch.nn.CrossEntropyLoss), where 0·(−∞) makes the op route NaN', async () => {
  await useBackend('cpu');
  const logits = tf.tensor2d([[-Infinity, 1, 0]]);
  const labels = tf.tensor1d([1], 'int32');
  const [loss, grad] = lossAndGrad((s) => fusedSoftmaxCrossEntropy(s, labels)!, logits, tf.ones([1]));
  const p1 = Math.exp(1) / (Math.exp(1) + 1);
  assert.ok(Math.abs(loss[0] - -Math.log(p1)) < 1e-6, `${loss[0]}`);
  assert.deepEqual(Array.from(grad).map((x) => Math.round(x * 1e6) / 1e6), [0, Math.round((p1 - 1) * 1e6) / 1e6, Math.round((1 - p1) * 1e6) / 1e6]);
  assert.ok(Number.isNaN(opRoute(logits, labels, 0).dataSync()[0]), 'if this fails, tfjs changed the op route');
  tf.dispose([logits, labels]);
});

test('the kernel names bad inputs', async () => {
  await useBackend('cpu');
  const logits = tf.zeros([3, 4]);
  assert.throws(
    () => tf.engine().runKernel(SOFTMAX_CROSS_ENTROPY, { logits, labels: tf.zeros([2], 'int32') }, { smoothing: 0 }),
    /labels must be int32 \[3\], got int32 \[2\]/,
  );
  assert.throws(
    () => tf.engine().runKernel(SOFTMAX_CROSS_ENTROPY, { logits: tf.zeros([12]), labels: tf.zeros([3], 'int32') }, { smoothing: 0 }),
    /logits must be float32 \[batch, classes\], got float32 \[12\]/,
  );
  logits.dispose();
});
