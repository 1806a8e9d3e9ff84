/**
 * `adam` / `adamw`'s `fusedStep` (one fused kernel per leaf for the whole step) against their
 * chains, on cpu and wasm: from the same params, state and gradients, every step's params and
 * state must be the same float32 numbers on both routes (0 ulps; NaN equals NaN), through `step`
 * and through `stepVariables`; and against the op route (no fused kernel at all) up to the
 * subnormal flush the fused kernels do. Also: which kernels run, the fallback, and no leaks.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../engine/backend.js';
import { Rng } from '../engine/rng.js';
import { installFusedKernels, removeFusedKernels } from '../engine/kernels/fused_optimizers.js';
import { FLOAT32_MIN_NORMAL } from '../engine/kernels/fused_elementwise.js';
import type { ParamTree } from '../tree/tree.js';
import { collectTensors, disposeTree } from '../tree/ops.js';
import { step, stepVariables, type GradientTransformation } from './transform.js';
import { adam } from './adam.js';
import { adamw } from './adamw.js';
import { decayMask } from './masked.js';
import { learningRateOf } from './learning_rate_of.js';
import { asParams, assertStepsLeakNothing } from './steps.fixture.js';

after(() => installFusedKernels());

const SHAPES: Record<string, number[]> = { w: [13, 7], b: [7], s: [1], big: [1001] };
const STEPS = 5;
const sched = (a: number, b: number) => (t: number) => a + (b - a) * Math.min(1, t / 3);

const CASES: Array<[string, () => GradientTransformation<any>]> = [
  ['adam', () => adam({ learningRate: 1e-3 })],
  ['adam without bias correction, large eps', () => adam({ learningRate: 0.1, eps: 1, biasCorrection: false })],
  ['adam with L2 decay and scheduled rate, betas, eps', () => adam({ learningRate: sched(0.1, 1e-3), weightDecay: 0.05, b1: sched(0.5, 0.9), b2: sched(0.9, 0.999), eps: sched(1e-3, 1e-8) })],
  ['adamw', () => adamw({ learningRate: 1e-3 })],
  ['adamw with a scheduled decay and the kernels-only mask', () => adamw({ learningRate: sched(0.05, 0.01), weightDecay: sched(0.1, 0), mask: decayMask })],
  ['adamw with a tree mask', () => adamw({ learningRate: 1e-2, weightDecay: 0.1, mask: { w: true, b: false, s: true, big: false } })],
  ['adamw without decay', () => adamw({ learningRate: 1e-2, weightDecay: 0 })],
];

type Grads = (rng: Rng, n: number, t: number) => Float32Array;
const normal: Grads = (rng, n) => Float32Array.from({ length: n }, (_, i) => (i % 11 === 3 ? 0 : rng.normal()));
const GRADS: Record<string, Grads> = {
  normal,
  'tiny (moments go subnormal)': (rng, n) => Float32Array.from({ length: n }, () => 1e-20 * rng.normal()),
  'NaN and ±∞ among them': (rng, n, t) =>
    Float32Array.from(normal(rng, n, t), (x, i) => [x, NaN, Infinity, -Infinity][(i + t) % 5 === 0 ? 1 + (i % 3) : 0]),
};

function tree(values: (n: number) => Float32Array): Record<string, tf.Tensor> {
  const out: Record<string, tf.Tensor> = {};
  for (const [k, shape] of Object.entries(SHAPES)) out[k] = tf.tensor(values(shape.reduce((a, b) => a * b, 1)), shape, 'float32');
  return out;
}

/** The chain alone: the same transform without its fused step. */
const chainOnly = (tx: GradientTransformation<any>): GradientTransformation<any> => ({ init: tx.init, update: tx.update });

/** Params and state after each of STEPS steps (read back), and the rate each step reports. */
function trajectory(tx: GradientTransformation<any>, grads: Grads, variables: boolean): { values: Float32Array[][]; rates: (number | undefined)[] } {
  const start = tf.memory().numTensors;
  const rng = new Rng(11);
  let params = asParams(tree((n) => Float32Array.from({ length: n }, () => rng.normal())), variables);
  let state = tx.init(params);
  const values: Float32Array[][] = [];
  const rates: (number | undefined)[] = [];
  for (let t = 0; t < STEPS; t++) {
    const g = tree((n) => grads(rng, n, t));
    if (variables) state = stepVariables(tx, params, g, state);
    else ({ params, state } = step(tx, params, g, state));
    disposeTree(g);
    values.push([...collectTensors(params), ...collectTensors(state)].map((x) => x.dataSync() as Float32Array));
    rates.push(learningRateOf(state));
  }
  disposeTree([params, state]);
  assert.equal(tf.memory().numTensors, start, 'no tensor leaked');
  return { values, rates };
}

function assertSame(a: Float32Array[][], b: Float32Array[][], label: string, allowFlush: boolean): void {
  assert.equal(a.length, b.length);
  a.forEach((tensors, t) => {
    assert.equal(tensors.length, b[t].length, `${label}: step ${t}: as many tensors on both routes`);
    tensors.forEach((x, k) => {
      for (let i = 0; i < x.length; i++) {
        const [u, v] = [x[i], b[t][k][i]];
        const same = Object.is(u, v) || (Number.isNaN(u) && Number.isNaN(v));
        const flushed = allowFlush && Object.is(u, 0) && v !== 0 && Math.abs(v) < FLOAT32_MIN_NORMAL;
        assert.ok(same || flushed, `${label}: step ${t}, tensor ${k}[${i}]: ${u} vs ${v}`);
      }
    });
  });
}

for (const backend of ['cpu', 'wasm'] as const) {
  const use = () => useBackend(backend, backend === 'wasm' ? { threads: 1 } : {});

  for (const [name, make] of CASES) {
    test(`${name} on ${backend}: the fused step gives the chain's bits, through step and stepVariables`, async () => {
      await use();
      installFusedKernels();
      for (const [gradsName, grads] of Object.entries(GRADS)) {
        for (const variables of [false, true]) {
          const label = `${gradsName} grads${variables ? ', variables' : ''}`;
          const fused = trajectory(make(), grads, variables);
          const chained = trajectory(chainOnly(make()), grads, variables);
          assertSame(fused.values, chained.values, `${label}, fused step vs chain`, false);
          assert.deepEqual(fused.rates, chained.rates, `${label}: the rates the state reports`);
          removeFusedKernels();
          const ops = trajectory(make(), grads, variables);
          installFusedKernels();
          assertSame(fused.values, ops.values, `${label}, fused step vs op route`, true);
        }
      }
    });
  }

  test(`on ${backend} a step runs one fused kernel per leaf and no other arithmetic`, async () => {
    await use();
    installFusedKernels();
    const expected: Array<[string, GradientTransformation<any>, string[]]> = [
      ['adam', adam({ learningRate: 1e-3 }), ['TrainkitAdamStep']],
      ['adam with L2', adam({ learningRate: 1e-3, weightDecay: 0.1 }), ['TrainkitAdamL2Step']],
      ['adamw', adamw({ learningRate: 1e-3 }), ['TrainkitAdamWStep']],
      ['adamw with decayMask', adamw({ learningRate: 1e-3, mask: decayMask }), ['TrainkitAdamWStep', 'TrainkitAdamStep']],
    ];
    for (const [name, tx, kernels] of expected) {
      let params: ParamTree = tree((n) => new Float32Array(n).fill(0.5));
      const g = tree((n) => new Float32Array(n).fill(0.25));
      let state = tx.init(params);
      const info = await tf.profile(() => {
        ({ params, state } = step(tx, params, g, state));
      });
      const names = info.kernels.map((k) => k.name);
      assert.equal(names.length, 4, `${name}: ${names}`);
      assert.ok(names.every((k) => kernels.includes(k)), `${name}: ${names}`);
      if (kernels.length === 2) assert.equal(names.filter((k) => k === 'TrainkitAdamWStep').length, 1, `${name}: only the kernel w (rank 2) decays`);
      disposeTree([params, state, g]);
    }
  });

  test(`on ${backend} the fused step leaks neither tensors nor backend buffers`, async () => {
    await use();
    installFusedKernels();
    for (const [name, make] of CASES) {
      for (const variables of [false, true]) {
        const rng = new Rng(5);
        const g = tree((n) => normal(rng, n, 0));
        const params = asParams(tree((n) => Float32Array.from({ length: n }, () => rng.normal())), variables);
        assertStepsLeakNothing(make(), params, g, variables, name, 10);
        disposeTree(g);
      }
    }
  });
}

test('a tree with a leaf that is not float32 takes the chain, and without fused kernels the step is the chain too', async () => {
  await useBackend('cpu');
  installFusedKernels();
  const tx = adamw({ learningRate: 0.1 });
  const params = { a: tf.ones([3]), n: tf.ones([2], 'int32') };
  const grads = { a: tf.ones([3]), n: tf.ones([2], 'int32') };
  const state = tx.init(params);
  const before = tf.memory().numTensors;
  assert.equal(tx.fusedStep!(params, grads, state), undefined);
  assert.equal(tf.memory().numTensors, before, 'nothing allocated');
  const floats = { a: params.a };
  const floatGrads = { a: grads.a };
  const s2 = tx.init(floats);
  removeFusedKernels();
  assert.equal(tx.fusedStep!(floats, floatGrads, s2), undefined);
  installFusedKernels();
  const out = tx.fusedStep!(floats, floatGrads, s2)!;
  assert.ok(out !== undefined);
  // The first Adam update is ±1 (bias-corrected): θ' = 1 − 0.1·(1 + 0.01·1).
  assert.deepEqual(Array.from((out[0] as { a: tf.Tensor }).a.dataSync()).map((x) => Math.round(x * 1e6) / 1e6), [0.899, 0.899, 0.899]);
  disposeTree([params, grads, state, s2, out]);
});

test('wrappers drop the fused step: what they add is never bypassed', async () => {
  const { multiSteps } = await import('./multi_steps.js');
  const { chain } = await import('./transform.js');
  const tx = adam({ learningRate: 1e-3 });
  assert.equal(typeof tx.fusedStep, 'function');
  assert.equal(multiSteps(tx, 2).fusedStep, undefined);
  assert.equal(chain(tx).fusedStep, undefined);
});

test("fit's learning-rate scale keeps the fused step at scale 1 and runs the chain at any other", async () => {
  await useBackend('cpu');
  installFusedKernels();
  const { withLearningRateScale, scaleLearningRate } = await import('./learning_rate_scale.js');
  const tx = withLearningRateScale(adam({ learningRate: 0.1 }));
  const params = { a: tf.ones([4]) };
  const grads = { a: tf.fill([4], 2) };
  const state = tx.init(params);
  const fused = tx.fusedStep!(params, grads, state)!;
  assert.ok(fused !== undefined, 'scale 1: fused');
  assert.equal(fused[1].lrScale, 1);
  assert.deepEqual(Array.from((fused[0] as { a: tf.Tensor }).a.dataSync()), Array(4).fill(Math.fround(1 - Math.fround(0.1))));
  const halved = scaleLearningRate(state, 0.5);
  assert.equal(tx.fusedStep!(params, grads, halved), undefined, 'scale 0.5: the chain');
  const { params: stepped, state: next } = step(tx, { a: tf.clone(params.a) }, grads, halved);
  assert.deepEqual(Array.from((stepped as { a: tf.Tensor }).a.dataSync()), Array(4).fill(Math.fround(1 - Math.fround(0.05))));
  disposeTree([params, grads, state, fused, stepped, next]);
});
