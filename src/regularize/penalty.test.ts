import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '../engine/gradients.js';
import { elasticNetPenalty, l1Penalty, l2Penalty } from './penalty.js';

await tf.setBackend('cpu');

const params = () => ({
  dense: { kernel: tf.tensor2d([[1, -2], [0.5, 3]]), bias: tf.tensor1d([10, -10]) },
  norm: { gamma: tf.tensor1d([4]), beta: tf.tensor1d([5]) },
});
const close = (a: number, b: number): void => assert.ok(Math.abs(a - b) < 1e-5, `${a} vs ${b}`);

test('L2, L1 and the elastic net sum over kernels only by default (biases and norm parameters, rank ≤ 1, left alone)', () => {
  const p = params();
  close(l2Penalty({ lambda: 0.1 })(p).dataSync()[0], 0.1 * (1 + 4 + 0.25 + 9));
  close(l1Penalty({ lambda: 0.1 })(p).dataSync()[0], 0.1 * (1 + 2 + 0.5 + 3));
  close(elasticNetPenalty({ lambda: 0.1, beta: 0.5 })(p).dataSync()[0], 0.1 * (0.5 * 14.25 + 6.5));
  close(l2Penalty({ lambda: 1, mask: () => true })(p).dataSync()[0], 14.25 + 200 + 16 + 25);
  tf.dispose([p.dense.kernel, p.dense.bias, p.norm.gamma, p.norm.beta]);
});

test('the gradients are the closed forms 2λW, λ·sign(W) and λ·(2βW + sign(W)) of the kernel', () => {
  const p = params();
  const w = [1, -2, 0.5, 3];
  const cases: Array<[ReturnType<typeof l2Penalty>, (v: number) => number]> = [
    [l2Penalty({ lambda: 0.3 }), (v) => 0.6 * v],
    [l1Penalty({ lambda: 0.3 }), (v) => 0.3 * Math.sign(v)],
    [elasticNetPenalty({ lambda: 0.3, beta: 2 }), (v) => 0.3 * (4 * v + Math.sign(v))],
  ];
  for (const [penalty, grad] of cases) {
    const g = tf.grad((k: tf.Tensor) => penalty({ dense: { kernel: k, bias: p.dense.bias } }))(p.dense.kernel);
    Array.from(g.dataSync()).forEach((v, i) => close(v, grad(w[i])));
    g.dispose();
  }
  tf.dispose([p.dense.kernel, p.dense.bias, p.norm.gamma, p.norm.beta]);
});

test('a penalty leaks no tensor and refuses a negative λ or β, by name', () => {
  const p = params();
  const count = tf.memory().numTensors;
  l2Penalty({ lambda: 1 })(p).dispose();
  elasticNetPenalty({ lambda: 1 })(p).dispose();
  assert.equal(tf.memory().numTensors, count);
  assert.throws(() => l2Penalty({ lambda: -1 }), /Invalid lambda: -1/);
  assert.throws(() => elasticNetPenalty({ lambda: 1, beta: -0.5 }), /Invalid beta: -0\.5/);
  tf.dispose([p.dense.kernel, p.dense.bias, p.norm.gamma, p.norm.beta]);
});
