import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { Rng } from '../engine/rng.js';
import { sgd, step } from '../optim/index.js';
import { dropConnectDense, dropout, heNormal, leakyRelu, maxout, stochasticDepth, xavierNormal } from './index.js';

await tf.setBackend('cpu');

type Params = tf.Tensor[];
interface ApplyOptions {
  training: boolean;
  rng: Rng;
}

// A functional model in the `{ params, apply(params, x, { training, rng }) }` style, built only from
// this directory's functions: maxout → dropout → residual block with stochastic depth → DropConnect head.
function makeModel(rng: Rng): { params: Params; apply: (p: Params, x: tf.Tensor, o: ApplyOptions) => tf.Tensor } {
  const params = [
    xavierNormal([4, 8 * 2], rng), tf.zeros([8 * 2]), // maxout: 8 units × 2 pieces
    heNormal([8, 8], rng, { negativeSlope: 0.01 }), tf.zeros([8]), // residual branch
    xavierNormal([8, 2], rng), tf.zeros([2]), // head
  ];
  const apply = ([w1, b1, w2, b2, w3, b3]: Params, x: tf.Tensor, { training, rng }: ApplyOptions): tf.Tensor => {
    let h = maxout(x, { kernel: w1, bias: b1 }, 2);
    if (training) h = dropout(h, 0.1, rng);
    const branch = leakyRelu(tf.add(tf.matMul(h, w2), b2));
    h = stochasticDepth(branch, h, { survival: 0.8, training, rng });
    return dropConnectDense(h, { kernel: w3, bias: b3 }, { rate: 0.2, training, rng });
  };
  return { params, apply };
}

function data(): { x: tf.Tensor; y: tf.Tensor } {
  const rng = new Rng(1);
  const n = 64;
  const xs = new Float32Array(n * 4);
  const ys = new Float32Array(n * 2);
  for (let i = 0; i < n; i++) {
    const c = i % 2;
    for (let j = 0; j < 4; j++) xs[i * 4 + j] = rng.normal(c === 0 ? -1 : 1, 0.7);
    ys[i * 2 + c] = 1;
  }
  return { x: tf.tensor2d(xs, [n, 4]), y: tf.tensor2d(ys, [n, 2]) };
}

function train(seed: number, steps: number, onStep?: (i: number) => void): { losses: number[]; params: Params } {
  const rng = new Rng(seed);
  const { params: init, apply } = makeModel(rng.split());
  const dropRng = rng.split();
  const { x, y } = data();
  const opt = sgd({ learningRate: 0.1, momentum: 0.9 });
  let params = init;
  let state = opt.init(params);
  const losses: number[] = [];
  for (let i = 0; i < steps; i++) {
    const { value, grads } = tf.valueAndGrads((...p: tf.Tensor[]) =>
      tf.losses.softmaxCrossEntropy(y, apply(p, x, { training: true, rng: dropRng })) as tf.Scalar,
    )(params);
    losses.push(value.dataSync()[0]);
    value.dispose();
    ({ params, state } = step(opt, params, grads, state) as { params: Params; state: typeof state });
    tf.dispose(grads);
    onStep?.(i);
  }
  tf.dispose([x, y]);
  return { losses, params };
}

test('a functional model built from these functions trains with a trainkit optimizer without leaking tensors', () => {
  const counts: number[] = [];
  const { losses } = train(3, 40, () => counts.push(tf.memory().numTensors));
  assert.ok(counts.slice(2).every((c) => c === counts[1]), `numTensors per step: ${counts}`);
  const first = losses[0];
  const last = losses.slice(-5).reduce((a, b) => a + b) / 5;
  assert.ok(last < 0.5 * first, `loss fell from ${first} to ${last}`);
});

test('the same seed gives the same training run bit for bit', () => {
  const a = train(5, 10);
  const b = train(5, 10);
  assert.deepEqual(a.losses, b.losses);
  a.params.forEach((p, i) => assert.deepEqual(Array.from(p.dataSync()), Array.from(b.params[i].dataSync())));
  const c = train(6, 10);
  assert.notDeepEqual(a.losses, c.losses);
});
