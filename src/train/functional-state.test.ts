import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '../engine/gradients.js';
import { Rng } from '../engine/rng.js';
import { sgd } from '../optim/index.js';
import { treeLeaves } from '../tree/tree.js';
import type { Callback } from './callbacks.js';
import { loadCheckpoint, disposeCheckpoint } from './checkpoint.js';
import { checkpoints } from './checkpoints.js';
import { evaluate } from './evaluate.js';
import { fit, type FitOptions } from './fit.js';
import { adaptModel, type FunctionalModel } from './model.js';
import { blobs } from './toy-fixtures.fixture.js';

await tf.setBackend('cpu');
const dir = await mkdtemp(join(tmpdir(), 'trainkit-fn-state-'));
after(() => rm(dir, { recursive: true, force: true }));

const MOMENTUM = 0.9;
const EPS = 1e-5;

/**
 * Batch norm on the inputs, then a dense layer: in training, the batch's mean and variance
 * normalise it and the running statistics move towards them (PyTorch's rule, momentum 0.1 on the
 * new value; the unbiased variance); in inference, the running statistics normalise.
 */
function bnModel(seed = 3): FunctionalModel {
  const rng = new Rng(seed);
  const w = tf.tensor(Float32Array.from({ length: 8 * 3 }, () => rng.normal(0, 0.5)), [8, 3]);
  return {
    params: { gamma: tf.ones([8]), beta: tf.zeros([8]), w, b: tf.zeros([3]) },
    state: { mean: tf.zeros([8]), variance: tf.ones([8]) },
    apply(params, x, { training, state }) {
      const p = params as Record<string, tf.Tensor>;
      const s = state as Record<string, tf.Tensor>;
      const head = (mean: tf.Tensor, variance: tf.Tensor): tf.Tensor =>
        tf.add(tf.matMul(tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, EPS))), p.gamma), p.beta), p.w), p.b);
      if (!training) return tf.tidy(() => head(s.mean, s.variance));
      const n = x.shape[0];
      const { mean, variance } = tf.moments(x, 0);
      const logits = head(mean, variance);
      const next = tf.tidy(() => ({
        mean: tf.add(tf.mul(s.mean, MOMENTUM), tf.mul(mean, 1 - MOMENTUM)),
        variance: tf.add(tf.mul(s.variance, MOMENTUM), tf.mul(tf.mul(variance, n / (n - 1)), 1 - MOMENTUM)),
      }));
      return { logits, state: next };
    },
  };
}

const train = blobs(50, { seed: 8 });
const options = (): FitOptions => ({ optimizer: sgd({ learningRate: 0.1, momentum: 0.9 }), batchSize: 16, shuffle: false, seed: 2, verbose: 'silent', logEvery: 1 });
const leaves = (m: FunctionalModel): tf.Tensor[] => [...treeLeaves(m.params), ...treeLeaves(m.state ?? [])];
const values = (ts: tf.Tensor[]): number[][] => ts.map((t) => Array.from(t.dataSync()));

test('training updates a functional model\'s state: the running mean is the EMA of the batch means, computed by hand', async () => {
  const model = bnModel();
  const start = tf.memory().numTensors;
  await fit(model, { train }, { ...options(), epochs: 2 });
  assert.equal(tf.memory().numTensors, start); // the old state and params freed as they were replaced

  // Batches in order (no shuffle): 16, 16, 16, 2 examples, twice.
  let running = new Float64Array(8);
  for (let epoch = 0; epoch < 2; epoch++) {
    for (let b = 0; b * 16 < train.size; b++) {
      const rows = Array.from({ length: Math.min(16, train.size - b * 16) }, (_, k) => b * 16 + k);
      const mean = Array.from({ length: 8 }, (_, j) => rows.reduce((a, i) => a + train.x[i * 8 + j], 0) / rows.length);
      running = running.map((r, j) => MOMENTUM * r + (1 - MOMENTUM) * mean[j]);
    }
  }
  const got = (model.state as { mean: tf.Tensor }).mean.dataSync();
  running.forEach((r, j) => assert.ok(Math.abs(got[j] - r) <= 1e-5, `mean[${j}]: ${got[j]} vs ${r}`));
  tf.dispose(leaves(model));
});

test('inference normalises with the running statistics; the optimizer never sees the state; weights() includes it', async () => {
  const model = bnModel();
  const optimizerLeaves: number[] = [];
  const probe: Callback = { onTrainEnd: (_l, ctx) => void optimizerLeaves.push(countTensors(ctx.optimizerState())) };
  await fit(model, { train }, { ...options(), epochs: 1, callbacks: [probe] });
  assert.equal(optimizerLeaves[0], 4); // one momentum buffer per parameter, none for the state
  const adapter = adaptModel(model);
  assert.deepEqual(adapter.weights().map(([name]) => name), ['b', 'beta', 'gamma', 'w', 'state.mean', 'state.variance']);

  // An input equal to the running mean normalises to 0: the logits are beta·W + b.
  const s = model.state as { mean: tf.Tensor };
  const p = model.params as Record<string, tf.Tensor>;
  const logits = adapter.forward(tf.reshape(s.mean, [1, 8]), false, new Rng(0));
  const expected = tf.add(tf.matMul(tf.reshape(p.beta, [1, 8]), p.w), p.b);
  assert.deepEqual(Array.from(logits.dataSync()), Array.from(expected.dataSync()));
  // Evaluation reads the state and leaves it as it was.
  const before = values(treeLeaves(model.state ?? []));
  await evaluate(model, train, { batchSize: 16 });
  assert.deepEqual(values(treeLeaves(model.state ?? [])), before);
  tf.dispose([logits, expected, ...leaves(model)]);
});

test('a functional model\'s state is saved in checkpoints and a resumed run ends bit for bit as an uninterrupted one', async () => {
  const whole = bnModel();
  await fit(whole, { train }, { ...options(), epochs: 3 });

  const first = bnModel();
  const ckpt = checkpoints({ dir: join(dir, 'bn'), every: 5 });
  await fit(first, { train }, { ...options(), epochs: 3, callbacks: [ckpt, { onBatchEnd: (s) => (s === 6 ? 'stop' : undefined) }] });
  const saved = await loadCheckpoint(ckpt.lastPath as string);
  assert.deepEqual(saved.weights.map(([name]) => name).slice(4), ['state.mean', 'state.variance']);
  disposeCheckpoint(saved);

  const resumed = bnModel(99); // other weights and state: everything comes from the checkpoint
  await fit(resumed, { train }, { ...options(), epochs: 3, resumeFrom: ckpt.lastPath });
  assert.deepEqual(values(leaves(resumed)), values(leaves(whole)));
  for (const m of [whole, first, resumed]) tf.dispose(leaves(m));
});

function countTensors(v: unknown): number {
  if (v instanceof tf.Tensor) return 1;
  if (Array.isArray(v)) return v.reduce((a: number, c) => a + countTensors(c), 0);
  if (v !== null && typeof v === 'object') return Object.values(v).reduce((a: number, c) => a + countTensors(c), 0);
  return 0;
}
