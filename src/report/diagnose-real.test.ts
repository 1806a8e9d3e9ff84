/**
 * The diagnosis on real short trainings: small MLPs on Fashion-MNIST test images (the first 1,000
 * or 200 to train, the next 500 to validate), recorded by tuneReport into a memory study and read
 * back with curvesOf, as the dashboard does. Each training takes a few seconds on wasm with one
 * thread. These are among the runs the thresholds of diagnose.ts were checked against.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '../engine/gradients.js';
import { useBackend } from '../engine/backend.js';
import { Rng } from '../engine/rng.js';
import { subset, type ArrayDataset } from '../data/dataset.js';
import { fashionMnist } from '../data/fashion-mnist.js';
import { adam, sgd } from '../optim/index.js';
import { l2Penalty } from '../regularize/penalty.js';
import { fit, type FitOptions } from '../train/fit.js';
import type { FunctionalModel } from '../train/model.js';
import { disposeTree } from '../tree/ops.js';
import { createStudy } from '../tune/create.js';
import { tuneReport } from '../tune/tune-report.js';
import { curvesOf } from './curves.js';
import { diagnose, type Finding } from './diagnose.js';

await useBackend('wasm', { threads: 1 });
const images = await fashionMnist({ split: 'test', layout: 'flat', limit: 1500 });
const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i);
const validation = subset(images, range(1000, 1500));

/** An MLP (ReLU) with N(0, scale²) weights (He's scale by default) and zero biases. */
function mlp(sizes: number[], options: { seed?: number; scale?: number } = {}): FunctionalModel {
  const rng = new Rng(options.seed ?? 1);
  const params: Record<string, tf.Tensor> = {};
  for (let i = 0; i + 1 < sizes.length; i++) {
    const scale = options.scale ?? Math.sqrt(2 / sizes[i]);
    params[`w${i}`] = tf.tensor(Float32Array.from({ length: sizes[i] * sizes[i + 1] }, () => rng.normal(0, scale)), [sizes[i], sizes[i + 1]]);
    params[`b${i}`] = tf.zeros([sizes[i + 1]]);
  }
  const layers = sizes.length - 1;
  return {
    params,
    apply: (p, x) =>
      tf.tidy(() => {
        const q = p as Record<string, tf.Tensor>;
        let h = x;
        for (let i = 0; i < layers; i++) {
          h = tf.add(tf.matMul(h, q[`w${i}`]), q[`b${i}`]);
          if (i < layers - 1) h = tf.relu(h);
        }
        return h;
      }),
  };
}

/** Trains `model` on the first `examples` images with tuneReport recording, and diagnoses what the study holds. */
async function trainAndDiagnose(model: FunctionalModel, examples: number, options: Partial<FitOptions> & Pick<FitOptions, 'optimizer'>): Promise<Finding[]> {
  const study = await createStudy({ name: 'diagnose' });
  const trial = await study.ask();
  const train: ArrayDataset = subset(images, range(0, examples));
  try {
    await fit(model, { train, validation }, { epochs: 8, batchSize: 32, logEvery: 4, verbose: 'silent', ...options, callbacks: [tuneReport(trial)] });
  } finally {
    disposeTree(model.params);
  }
  await study.tell(trial, 0);
  const [t] = await study.trials();
  return diagnose(curvesOf(t.userAttrs));
}

const problems = (findings: Finding[]): string[] => findings.filter((f) => f.level === 'problem').map((f) => f.rule);

test('a healthy run (Adam 1e-3, MLP 784-64-10) has no problem; its validation loss still improves after 8 epochs', async () => {
  const findings = await trainAndDiagnose(mlp([784, 64, 10]), 1000, { optimizer: adam({ learningRate: 1e-3 }) });
  assert.deepEqual(problems(findings), []);
  assert.equal(findings.find((f) => f.rule === 'train-longer')?.level, 'hint');
  assert.equal(findings.find((f) => f.rule === 'update-ratio')?.level, 'ok');
});

test('SGD at a rate of 10 (100× too high): lr-too-high, the units die', async () => {
  const findings = await trainAndDiagnose(mlp([784, 64, 10]), 1000, { optimizer: sgd({ learningRate: 10 }) });
  assert.deepEqual(problems(findings), ['lr-too-high']);
  assert.match(findings[0].message, /died out/);
});

test('Adam at 0.5 (500× too high): lr-too-high', async () => {
  const findings = await trainAndDiagnose(mlp([784, 64, 10]), 1000, { optimizer: adam({ learningRate: 0.5 }) });
  assert.deepEqual(problems(findings), ['lr-too-high']);
});

test('a big MLP (784-128-128-10) on 200 examples for 40 epochs: overfitting', async () => {
  const findings = await trainAndDiagnose(mlp([784, 128, 128, 10]), 200, { optimizer: adam({ learningRate: 1e-3 }), epochs: 40 });
  assert.deepEqual(problems(findings), ['overfitting']);
  assert.ok(findings[0].evidence.valEnd > 1.1 * findings[0].evidence.valMin);
});

test('a linear model with heavy L2 (λ = 3): underfitting', async () => {
  const findings = await trainAndDiagnose(mlp([784, 10]), 1000, { optimizer: adam({ learningRate: 1e-3 }), penalty: l2Penalty({ lambda: 3 }) });
  assert.deepEqual(problems(findings), ['underfitting']);
});

test('SGD at 1e-4: underfitting and a flat start; the update ratio says the rate is ~50× too low', async () => {
  const findings = await trainAndDiagnose(mlp([784, 64, 10]), 1000, { optimizer: sgd({ learningRate: 1e-4 }) });
  assert.deepEqual(problems(findings).sort(), ['flat-start', 'underfitting']);
  const ratio = findings.find((f) => f.rule === 'update-ratio');
  assert.equal(ratio?.level, 'hint');
  assert.ok(ratio.evidence.factor < 1 / 10, `factor ${ratio.evidence.factor}`);
  assert.match(ratio.message, /too low/);
});

test('a deep MLP with weights too small (N(0, 0.03²), 5 layers): the loss sits on a plateau, then drops', async () => {
  const findings = await trainAndDiagnose(mlp([784, 64, 64, 64, 64, 10], { scale: 0.03 }), 1000, { optimizer: sgd({ learningRate: 0.05, momentum: 0.9 }), epochs: 12 });
  assert.deepEqual(problems(findings), ['plateau-then-drop']);
});
