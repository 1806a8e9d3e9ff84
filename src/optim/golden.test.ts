/**
 * Fidelity to PyTorch 1.13: trainkit's named optimizers replay the trajectories recorded by
 * tools/golden/optimizers.py (fixtures/optimizers.json) step by step. Every parameter after every
 * step must satisfy |ours − torch| ≤ 1e-5·|torch| + atol (float32 on both sides), with
 * - atol = 1e-7 on the "random" gradients (the same float32 grads on both sides: the update rule);
 * - atol = 1e-6 on the "loss" gradients. There tfjs and PyTorch compute the gradient with different
 *   float32 kernels (summation order of matMul and mean): at the initial params they differ by
 *   ~1e-7 of the gradient's size (and 2.8e-6 relative on a component that is itself a cancellation,
 *   -4.0e-4 among components of ~0.5). Those last-bit differences compound, and a parameter that
 *   walks from 1.2 to -0.0009 through zero keeps an absolute error of a few float32 ulps of its
 *   starting size (measured: 1.4e-7), which no relative bound on its final value can hold.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-layers'; // registers the gradients tf.grads needs
import { chain, step, type GradientTransformation } from './transform.js';
import { disposeTree } from '../tree/ops.js';
import type { ParamTree } from '../tree/tree.js';
import { sgd } from './sgd.js';
import { adagrad } from './adagrad.js';
import { rmsprop } from './rmsprop.js';
import { adam } from './adam.js';
import { adamw } from './adamw.js';
import { clipByGlobalNorm, clipByValue } from './clip.js';

await tf.setBackend('cpu');

const RTOL = 1e-5;
const ATOL = { random: 1e-7, loss: 1e-6 };

type Nested = number | Nested[];
type Leaves = { w: Nested; b: Nested; s: Nested };
interface ScheduleSpec {
  kind: 'step' | 'warmupCosine';
  stepSize?: number;
  gamma?: number;
  warmup?: number;
  total?: number;
}
interface GoldenCase {
  name: string;
  optimizer: 'sgd' | 'adagrad' | 'rmsprop' | 'adam' | 'adamw';
  options: Record<string, number | boolean>;
  grads: 'random' | 'loss';
  schedules?: Record<string, ScheduleSpec>;
  clip?: { kind: 'globalNorm'; maxNorm: number } | { kind: 'value'; limit: number };
  trajectory: Leaves[];
}
interface Golden {
  steps: number;
  params0: Leaves;
  randomGrads: Leaves[];
  loss: { formula: string; X: Nested; Y: Nested };
  cases: GoldenCase[];
}

const golden: Golden = JSON.parse(readFileSync(new URL('./fixtures/optimizers.json', import.meta.url), 'utf8'));

/** The schedules of tools/golden/optimizers.py, as trainkit schedule functions. */
function schedule(spec: ScheduleSpec, base: number): (t: number) => number {
  if (spec.kind === 'step') return (t) => base * spec.gamma! ** Math.floor(t / spec.stepSize!);
  return (t) => base * Math.min(1, (t + 1) / spec.warmup!) * 0.5 * (1 + Math.cos((Math.PI * t) / spec.total!));
}

const NAMED = { sgd, adagrad, rmsprop, adam, adamw } as Record<string, (o: any) => GradientTransformation>;

function build(c: GoldenCase): GradientTransformation {
  const options: Record<string, unknown> = { ...c.options };
  for (const [h, spec] of Object.entries(c.schedules ?? {})) options[h] = schedule(spec, c.options[h] as number);
  const opt = NAMED[c.optimizer](options);
  if (!c.clip) return opt;
  return chain(c.clip.kind === 'globalNorm' ? clipByGlobalNorm(c.clip.maxNorm) : clipByValue(c.clip.limit), opt);
}

const toTree = (l: Leaves): ParamTree => ({ w: tf.tensor(l.w as number[]), b: tf.tensor(l.b as number[]), s: tf.tensor(l.s as number[]) });

// The loss of the "loss" cases, as in the fixture: mean(square((matMul(X, w) + b) * s - Y)).
const X = tf.tensor(golden.loss.X as number[][]);
const Y = tf.tensor(golden.loss.Y as number[][]);
const lossGrads = tf.grads((w: tf.Tensor, b: tf.Tensor, s: tf.Tensor) =>
  tf.mean(tf.square(tf.sub(tf.mul(tf.add(tf.matMul(X, w), b), s), Y))),
);

function gradsAt(c: GoldenCase, t: number, params: ParamTree): ParamTree {
  if (c.grads === 'random') return toTree(golden.randomGrads[t]);
  const p = params as Record<'w' | 'b' | 's', tf.Tensor>;
  const [w, b, s] = lossGrads([p.w, p.b, p.s]);
  return { w, b, s };
}

test('the fixture covers every PyTorch optimizer on both gradient sources', () => {
  assert.equal(golden.loss.formula, 'mean(square((matMul(X, w) + b) * s - Y))');
  assert.ok(golden.steps >= 30);
  for (const name of Object.keys(NAMED))
    for (const source of ['random', 'loss'])
      assert.ok(golden.cases.some((c) => c.optimizer === name && c.grads === source), `${name} on ${source}`);
});

for (const c of golden.cases) {
  test(`matches PyTorch step by step: ${c.name}`, () => {
    const before = tf.memory().numTensors;
    const opt = build(c);
    let params = toTree(golden.params0);
    let state = opt.init(params);
    const atol = ATOL[c.grads];
    for (let t = 0; t < golden.steps; t++) {
      const grads = gradsAt(c, t, params);
      ({ params, state } = step(opt, params, grads, state));
      disposeTree(grads);
      const p = params as Record<string, tf.Tensor>;
      for (const key of ['w', 'b', 's'] as const) {
        const ours = p[key].dataSync();
        const theirs = (c.trajectory[t][key] as Nested[]).flat(2) as number[];
        assert.equal(ours.length, theirs.length);
        theirs.forEach((b, i) => {
          const err = Math.abs(ours[i] - b);
          assert.ok(err <= RTOL * Math.abs(b) + atol, `step ${t}, ${key}[${i}]: ours ${ours[i]} vs torch ${b}`);
        });
      }
    }
    disposeTree([params, state]);
    assert.equal(tf.memory().numTensors, before);
  });
}
