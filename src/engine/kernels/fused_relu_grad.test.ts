import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '../gradients.js';
import { useBackend } from '../backend.js';
import { Rng } from '../rng.js';
import { RELU_GRAD } from './fused_relu_grad.js';

/** x and dy with every special case: ±0, ±Inf, NaN, negatives, on both sides; n not a multiple of 4. */
function inputs(n: number): { x: Float32Array; dy: Float32Array } {
  const rng = new Rng(3);
  const special = [0, -0, Infinity, -Infinity, NaN, -1, 1, 1e-40];
  const x = Float32Array.from({ length: n }, (_, i) => (i < special.length ? special[i] : rng.normal()));
  const dy = Float32Array.from({ length: n }, (_, i) => (i >= special.length && i < 2 * special.length ? special[i - special.length] : rng.normal()));
  return { x, dy };
}

for (const backend of ['cpu', 'wasm'] as const) {
  test(`ReLU's gradient on ${backend}: the fused kernel gives the op route's bits (step(x)·dy, NaN and ±Inf included)`, async () => {
    await useBackend(backend, backend === 'wasm' ? { threads: 1 } : {});
    assert.ok(tf.getKernel(RELU_GRAD.name, backend), 'fused kernel registered');
    const { x, dy } = inputs(1031);
    const xt = tf.tensor(x);
    const dyt = tf.tensor(dy);
    const before = tf.memory().numTensors;
    const viaGrad = tf.grad((v: tf.Tensor) => tf.relu(v))(xt, dyt);
    const opRoute = tf.tidy(() => tf.mul(dyt, tf.cast(tf.step(xt), 'float32')));
    const a = new Uint32Array((viaGrad.dataSync() as Float32Array).buffer.slice(0));
    const b = new Uint32Array((opRoute.dataSync() as Float32Array).buffer.slice(0));
    assert.deepEqual(a, b, 'bit for bit, including the sign of zeros and NaN');
    tf.dispose([viaGrad, opRoute]);
    assert.equal(tf.memory().numTensors, before);
    tf.dispose([xt, dyt]);
  });
}
