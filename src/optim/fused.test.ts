/**
 * The fused optimizer kernels (engine/kernels/fused_*.ts) against the tf-op route they replace, on
 * cpu and on wasm: every transform that has a fused route is run step by step twice from the same
 * state and gradients, once with the fused kernels registered and once without
 * (`removeFusedKernels()`, which is what a backend without them gets), and every update and state
 * tensor of every step must be the same float32 number on both routes (tolerance: 0 ulps; NaN
 * equals NaN and +0 equals −0). The fused bodies round each intermediate to float32 in the op
 * route's order, which is why the bits agree and not just the values.
 * Also: which route runs, the per-tree fallback for non-float32 leaves, and that the fused route
 * leaks neither tensors nor wasm buffers.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../engine/backend.js';
import { Rng } from '../engine/rng.js';
import { FUSED_KERNELS, fusedAdam, fusedLion, installFusedKernels, removeFusedKernels } from '../engine/kernels/fused_optimizers.js';
import { FLOAT32_MIN_NORMAL } from '../engine/kernels/fused_elementwise.js';
import { TreeMismatchError } from '../errors.js';
import type { ParamTree } from '../tree/tree.js';
import { collectTensors, disposeTree } from '../tree/ops.js';
import { step, type GradientTransformation } from './transform.js';
import { asParams, assertStepsLeakNothing } from './steps.fixture.js';
import { scaleByAdam } from './scale_by_adam.js';
import { trace } from './trace.js';
import { scaleByRms } from './scale_by_rms.js';
import { scaleByRss } from './scale_by_rss.js';
import { scaleByLion } from './scale_by_lion.js';
import { adam } from './adam.js';
import { adamw } from './adamw.js';
import { sgd } from './sgd.js';
import { rmsprop } from './rmsprop.js';
import { adagrad } from './adagrad.js';
import { lion } from './lion.js';
import { addDecayedWeights } from './weight_decay.js';

after(() => installFusedKernels());

const SHAPES: Record<string, number[]> = { w: [13, 7], b: [7], s: [1], big: [1000] };
const STEPS = 6;

/** Gradient generators: step t → values for a leaf of n elements. */
type Grads = (rng: Rng, n: number, t: number) => Float32Array;
const normal: Grads = (rng, n) => Float32Array.from({ length: n }, (_, i) => (i % 11 === 3 ? 0 : rng.normal()));
const scaled = (k: number): Grads => (rng, n) => Float32Array.from({ length: n }, () => k * rng.normal());
const GRADS: Record<string, Grads> = {
  normal,
  zero: (_, n) => new Float32Array(n),
  'tiny (g² underflows to 0)': scaled(1e-23),
  'huge (g² overflows to ∞)': scaled(1e21),
  'NaN and ±∞ among them': (rng, n, t) =>
    Float32Array.from(normal(rng, n, t), (x, i) => [x, NaN, Infinity, -Infinity][(i + t) % 4 === 0 ? 1 + (i % 3) : 0]),
};

const sched = (a: number, b: number) => (t: number) => a + (b - a) * Math.min(1, t / 4);

const CASES: Array<[string, () => GradientTransformation<any>]> = [
  ['scaleByAdam', () => scaleByAdam()],
  ['scaleByAdam with a large eps', () => scaleByAdam({ eps: 10 })],
  ['scaleByAdam without bias correction', () => scaleByAdam({ biasCorrection: false })],
  ['scaleByAdam with scheduled b1, b2, eps', () => scaleByAdam({ b1: sched(0.5, 0.9), b2: sched(0.9, 0.999), eps: sched(1e-3, 1e-8) })],
  ['adam with L2 and a scheduled learning rate', () => adam({ learningRate: sched(0.1, 1e-3), weightDecay: 0.01 })],
  ['adamw', () => adamw({ learningRate: 1e-3 })],
  ['trace', () => trace({ decay: 0.9 })],
  ['trace nesterov with a scheduled decay', () => trace({ decay: sched(0, 0.99), nesterov: true })],
  ['sgd nesterov with weight decay', () => sgd({ learningRate: 0.1, momentum: 0.9, nesterov: true, weightDecay: 1e-4 })],
  ['scaleByRms', () => scaleByRms()],
  ['scaleByRms centered with a scheduled decay and eps', () => scaleByRms({ centered: true, decay: sched(0.5, 0.99), eps: sched(1, 1e-8) })],
  ['rmsprop centered with momentum', () => rmsprop({ learningRate: 1e-2, momentum: 0.9, centered: true })],
  ['scaleByRss from 0.1', () => scaleByRss({ initialAccumulatorValue: 0.1 })],
  ['scaleByRss with a scheduled eps', () => scaleByRss({ eps: sched(1, 1e-10) })],
  ['adagrad', () => adagrad({ learningRate: 0.1 })],
  ['scaleByLion', () => scaleByLion()],
  ['scaleByLion with scheduled betas', () => scaleByLion({ b1: sched(0, 0.9), b2: sched(0.5, 0.99) })],
  ['lion with weight decay', () => lion({ learningRate: 1e-4, weightDecay: 0.1 })],
];

function tree(values: (n: number) => Float32Array): Record<string, tf.Tensor> {
  const out: Record<string, tf.Tensor> = {};
  for (const [k, shape] of Object.entries(SHAPES)) out[k] = tf.tensor(values(shape.reduce((a, b) => a * b, 1)), shape, 'float32');
  return out;
}

/** Every update and state tensor of each of STEPS steps, read back as float32 arrays. */
function trajectory(make: () => GradientTransformation<any>, grads: Grads): Float32Array[][] {
  const start = tf.memory().numTensors;
  const rng = new Rng(7);
  const params = tree((n) => Float32Array.from({ length: n }, () => rng.normal()));
  const tx = make();
  let state = tx.init(params);
  const out: Float32Array[][] = [];
  for (let t = 0; t < STEPS; t++) {
    const g = tree((n) => grads(rng, n, t));
    const [updates, next] = tx.update(g, state, params);
    out.push([...collectTensors(updates), ...collectTensors(next)].map((x) => x.dataSync() as Float32Array));
    disposeTree(updates, [next, g, params]);
    disposeTree(state, [next, params]);
    disposeTree(g);
    state = next;
  }
  disposeTree([state, params]);
  assert.equal(tf.memory().numTensors, start, 'no tensor leaked');
  return out;
}

/** Distance in float32 ulps (0 for identical values, NaN vs NaN, +0 vs −0; Infinity for NaN vs a number). */
function ulps(a: number, b: number): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b) ? 0 : Infinity;
  if (a === b) return 0;
  const bits = new Int32Array(Float32Array.of(a, b).buffer);
  const ordered = (i: number) => (bits[i] < 0 ? -0x80000000 - bits[i] : bits[i]);
  return Math.abs(ordered(0) - ordered(1));
}

/**
 * The fused optimizer kernels flush subnormal outputs to +0 (engine/kernels/fused_elementwise.ts);
 * the op route keeps them. Everything else must be the same bits.
 */
const flushedSubnormal = (fused: number, ops: number) => Object.is(fused, 0) && ops !== 0 && Math.abs(ops) < FLOAT32_MIN_NORMAL;

function assertSameBits(fused: Float32Array[][], ops: Float32Array[][], label: string): void {
  assert.equal(fused.length, ops.length);
  fused.forEach((stepValues, t) => {
    assert.equal(stepValues.length, ops[t].length, `${label}: step ${t} has as many tensors on both routes`);
    stepValues.forEach((values, k) => {
      assert.equal(values.length, ops[t][k].length);
      for (let i = 0; i < values.length; i++) {
        const d = ulps(values[i], ops[t][k][i]);
        assert.ok(d === 0 || flushedSubnormal(values[i], ops[t][k][i]), `${label}: step ${t}, tensor ${k}[${i}]: fused ${values[i]} vs ops ${ops[t][k][i]}`);
      }
    });
  });
}

/** Names of the kernels `fn` runs, one entry per call (tf.profile). */
async function kernelsOf(fn: () => tf.TensorContainer): Promise<string[]> {
  const info = await tf.profile(() => {
    const out = fn();
    tf.dispose(out);
  });
  return info.kernels.map((k) => k.name);
}

for (const backend of ['cpu', 'wasm'] as const) {
  for (const [name, make] of CASES) {
    // wasm's Sign kernel returns 0 for |x| < 2⁻²³ (see the test below); the fused Lion follows the
    // documented rule (±1 unless exactly 0), so on wasm Lion is compared with the op route on cpu.
    const referenceBackend = backend === 'wasm' && /lion/i.test(name) ? 'cpu' : backend;
    test(`fused and op routes agree bit for bit on ${backend}: ${name}`, async () => {
      for (const [gradsName, grads] of Object.entries(GRADS)) {
        await useBackend(backend, backend === 'wasm' ? { threads: 1 } : {});
        installFusedKernels();
        const fused = trajectory(make, grads);
        await useBackend(referenceBackend, referenceBackend === 'wasm' ? { threads: 1 } : {});
        removeFusedKernels();
        const ops = trajectory(make, grads);
        installFusedKernels();
        assertSameBits(fused, ops, `${gradsName} grads, op route on ${referenceBackend}`);
      }
    });
  }

  test(`the fused kernels run on ${backend} when registered, the tf ops when not`, async () => {
    await useBackend(backend, backend === 'wasm' ? { threads: 1 } : {});
    const g = tree((n) => new Float32Array(n).fill(0.5));
    const updateOnce = (tx: GradientTransformation<any>) => () => {
      const s = tx.init(g);
      const [u, next] = tx.update(g, s, g);
      return [s, u, next] as unknown as tf.TensorContainer;
    };
    const expected: Array<[string, GradientTransformation<any>]> = [
      ['TrainkitAdamUpdate', scaleByAdam()],
      ['TrainkitMomentumUpdate', trace({ decay: 0.9 })],
      ['TrainkitNesterovUpdate', trace({ decay: 0.9, nesterov: true })],
      ['TrainkitRmsUpdate', scaleByRms()],
      ['TrainkitCenteredRmsUpdate', scaleByRms({ centered: true })],
      ['TrainkitRssUpdate', scaleByRss()],
      ['TrainkitLionUpdate', scaleByLion()],
      ['TrainkitDecayUpdate', addDecayedWeights(0.01)],
    ];
    // The whole-step kernels of adam / adamw (TrainkitAdam*Step) run in a step, not an update: adam_step.test.ts.
    assert.deepEqual(expected.map(([k]) => k).sort(), FUSED_KERNELS.filter((k) => !k.endsWith('Step')).sort());
    for (const [kernel, tx] of expected) {
      installFusedKernels();
      const fused = await kernelsOf(updateOnce(tx));
      assert.equal(fused.filter((k) => k === kernel).length, 4, `${kernel}: one call per leaf`);
      assert.ok(!fused.includes('Sqrt') && !fused.includes('Multiply') && !fused.includes('Add'), `${kernel}: no tf op on the fused route (${fused})`);
      removeFusedKernels();
      const ops = await kernelsOf(updateOnce(tx));
      assert.ok(!ops.some((k) => k.startsWith('Trainkit')), `${kernel}: op route after removeFusedKernels`);
      installFusedKernels();
    }
    disposeTree(g);
  });

  test(`fused steps on ${backend} leak neither tensors nor backend buffers`, async () => {
    await useBackend(backend, backend === 'wasm' ? { threads: 1 } : {});
    installFusedKernels();
    for (const [name, make] of CASES) {
      const rng = new Rng(3);
      const g = tree((n) => normal(rng, n, 0));
      for (const variables of [false, true]) {
        const params = asParams(tree((n) => Float32Array.from({ length: n }, () => rng.normal())), variables);
        assertStepsLeakNothing(make(), params, g, variables, name, 20);
      }
      disposeTree(g);
    }
  });
}

test("wasm's own Sign kernel rounds |x| < 2⁻²³ to 0, which the fused Lion does not copy", async () => {
  await useBackend('wasm', { threads: 1 });
  const x = tf.tensor([1e-24, -1e-10, 2 ** -23, -(2 ** -23), 0, NaN]);
  assert.deepEqual(Array.from(tf.sign(x).dataSync()), [0, 0, 1, -1, 0, 0], 'if this fails, tfjs fixed Sign on wasm');
  const m = tf.zeros([6]);
  const [u, m1] = fusedLionOf(x, m);
  assert.deepEqual(Array.from(u.dataSync()), [1, -1, 1, -1, 0, 0]);
  tf.dispose([x, m, u, m1]);
});

function fusedLionOf(g: tf.Tensor, m: tf.Tensor): tf.Tensor[] {
  return fusedLion(g, m, { b1: 0, b2: 0.99 })! as tf.Tensor[];
}

test('a tree with a leaf that is not float32 takes the op route as a whole', async () => {
  await useBackend('cpu');
  installFusedKernels();
  const g = { a: tf.ones([3]), n: tf.ones([2], 'int32') };
  const m = { a: tf.zeros([3]), n: tf.zeros([2], 'int32') };
  const before = tf.memory().numTensors;
  assert.equal(fusedAdam(g, m, m, { b1: 0.9, b2: 0.999, c1: 1, c2: 1e-8 }), undefined);
  assert.equal(tf.memory().numTensors, before, 'nothing allocated');
  const tx = scaleByAdam();
  const s = tx.init(g);
  const kernels = await kernelsOf(() => tx.update(g, s)[0] as unknown as tf.TensorContainer);
  assert.ok(!kernels.includes('TrainkitAdamUpdate') && kernels.includes('Sqrt'), `${kernels}`);
  disposeTree([g, m, s]);
});

test('mismatched trees throw TreeMismatchError on the fused route before allocating', async () => {
  await useBackend('cpu');
  installFusedKernels();
  const g = { a: tf.ones([3]), b: tf.ones([2]) };
  const m = { a: tf.zeros([3]), b: tf.zeros([4]) };
  const before = tf.memory().numTensors;
  assert.throws(() => fusedAdam(g, m, m, { b1: 0.9, b2: 0.999, c1: 1, c2: 1e-8 }), TreeMismatchError);
  assert.equal(tf.memory().numTensors, before);
  disposeTree([g, m]);
});

test('a first adam step on the fused route moves each weight by the learning rate against the gradient', async () => {
  await useBackend('cpu');
  installFusedKernels();
  const p = { w: tf.tensor([1, -2, 3]) };
  const g = { w: tf.tensor([0.5, 0, -4]) };
  const opt = adam({ learningRate: 0.1 });
  const { params, state } = step(opt, p, g, opt.init(p));
  // First step: m̂ = g, v̂ = g², so θ − α·g/(|g| + ε) = θ − 0.1·sign(g) (a zero gradient leaves θ).
  const got = (params as { w: tf.Tensor }).w.dataSync();
  [0.9, -2, 3.1].forEach((x, i) => assert.ok(Math.abs(got[i] - x) < 1e-6, `${got[i]} vs ${x}`));
  disposeTree([params, state, g]);
});
