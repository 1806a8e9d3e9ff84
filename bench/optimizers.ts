/**
 * Benchmark (a): time per optimizer step on a 10-million-parameter tree, trainkit against
 * TensorFlow.js's own optimizers, on the same backend, both updating tf.Variables in place
 * (trainkit: `stepVariables`; tfjs: `optimizer.applyGradients`). Backends are started with trainkit's
 * `useBackend` (wasm with its kernel fixes and threads).
 *
 *   npx tsx bench/optimizers.ts [--backends cpu,wasm] [--steps N (default 10 on cpu, 40 on wasm)] [--warmup 2]
 *
 * Pairs: trainkit `adam` vs `tf.train.adam` (same ε, given explicitly: tfjs's default is 1e-7), and
 * trainkit `sgd` with momentum vs `tf.train.momentum`. tf.train.momentum keeps PyTorch's form,
 * a ← ρa + g; θ ← θ − α·a (not the lecture's v ← ρv − αg; θ ← θ + v), so both sides do the same
 * arithmetic (4 kernels per tensor on each side; Adam: 13 on trainkit's side, 14 on tfjs's). The
 * two sides alternate step by step (same machine state for both, the side that goes first
 * alternating too); each timed step ends with `await data()` of one parameter so queued work is
 * included; the median and the minimum after the warm-up are reported (on a shared machine the
 * minimum is the steadier of the two). At the end the two sides' parameters are compared, to show
 * they did the same work. Prints a markdown table and writes bench/results/optimizers.json.
 */
import * as tf from '@tensorflow/tfjs-core';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { adam } from '../src/optim/adam.js';
import { sgd } from '../src/optim/sgd.js';
import { stepVariables, type GradientTransformation } from '../src/optim/transform.js';
import type { ParamTree } from '../src/tree/tree.js';
import { disposeTree } from '../src/tree/ops.js';
import { backendInfo, useBackend, type BackendName } from '../src/engine/backend.js';

const { values: args } = parseArgs({
  options: {
    backends: { type: 'string', default: 'cpu,wasm' },
    steps: { type: 'string' },
    warmup: { type: 'string', default: '2' },
  },
});
/** Timed steps per pair: --steps, else 10 on cpu (seconds a step) and 40 elsewhere. */
const stepsFor = (backend: string) => (args.steps === undefined ? (backend === 'cpu' ? 10 : 40) : Number(args.steps));
const WARMUP = Number(args.warmup);

/** Shapes of a ~10M-parameter network (an MLP with an embedding), several tensors like a real net. */
const SHAPES: Record<string, number[]> = {
  embedding: [1000, 32],
  'l1.kernel': [1024, 4096],
  'l1.bias': [4096],
  'l2.kernel': [4096, 1024],
  'l2.bias': [1024],
  'l3.kernel': [1024, 1536],
  'l3.bias': [1536],
};

interface Pair {
  name: string;
  trainkit: () => GradientTransformation;
  tfjs: () => tf.Optimizer;
}
const LR = 1e-3;
const PAIRS: Pair[] = [
  {
    name: 'adam',
    trainkit: () => adam({ learningRate: LR, b1: 0.9, b2: 0.999, eps: 1e-8 }),
    tfjs: () => tf.train.adam(LR, 0.9, 0.999, 1e-8),
  },
  {
    name: 'sgd momentum 0.9',
    trainkit: () => sgd({ learningRate: LR, momentum: 0.9 }),
    tfjs: () => tf.train.momentum(LR, 0.9),
  },
];

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Variables named `${prefix}/${key}`, all with the same seeded initial values for both sides. */
function makeVariables(prefix: string): Record<string, tf.Variable> {
  const out: Record<string, tf.Variable> = {};
  Object.entries(SHAPES).forEach(([key, shape], i) => {
    out[key] = tf.tidy(() => tf.variable(tf.randomNormal(shape, 0, 0.05, 'float32', 100 + i), true, `${prefix}/${key}`));
  });
  return out;
}

async function benchPair(pair: Pair, backend: string, steps: number) {
  const grads: Record<string, tf.Tensor> = {};
  Object.entries(SHAPES).forEach(([key, shape], i) => (grads[key] = tf.randomNormal(shape, 0, 1, 'float32', 200 + i)));
  const ours = makeVariables(`trainkit-${pair.name}-${backend}`);
  const theirs = makeVariables(`tfjs-${pair.name}-${backend}`);
  const theirGrads: Record<string, tf.Tensor> = {};
  for (const key of Object.keys(SHAPES)) theirGrads[theirs[key].name] = grads[key];
  const probeOurs = ours['l3.bias'];
  const probeTheirs = theirs['l3.bias'];

  const tx = pair.trainkit();
  let state = tx.init(ours as ParamTree);
  const opt = pair.tfjs();
  const timesOurs: number[] = [];
  const timesTheirs: number[] = [];
  const stepTheirs = async () => {
    const t0 = performance.now();
    opt.applyGradients(theirGrads);
    await probeTheirs.data();
    return performance.now() - t0;
  };
  const stepOurs = async () => {
    const t0 = performance.now();
    state = stepVariables(tx, ours as ParamTree, grads, state);
    await probeOurs.data();
    return performance.now() - t0;
  };
  for (let i = 0; i < WARMUP + steps; i++) {
    // Alternate which side goes first, so neither always inherits the other's cache or allocator state.
    const [tOurs, tTheirs] =
      i % 2 === 0 ? [await stepOurs(), await stepTheirs()] : [await stepTheirs(), await stepOurs()].reverse();
    if (i >= WARMUP) {
      timesOurs.push(tOurs);
      timesTheirs.push(tTheirs);
    }
  }
  // Same work? The largest difference between the two sides' parameters after the same steps.
  const maxDiff = Math.max(
    ...Object.keys(SHAPES).map((k) => tf.tidy(() => tf.max(tf.abs(tf.sub(ours[k], theirs[k]))).dataSync()[0])),
  );
  const tensorsBefore = tf.memory().numTensors;
  state = stepVariables(tx, ours as ParamTree, grads, state);
  const tensorDelta = tf.memory().numTensors - tensorsBefore;
  opt.dispose();
  disposeTree([state, grads, ours, theirs]);
  return {
    optimizer: pair.name,
    backend,
    trainkitMs: median(timesOurs),
    tfjsMs: median(timesTheirs),
    ratio: median(timesOurs) / median(timesTheirs),
    trainkitMinMs: Math.min(...timesOurs),
    tfjsMinMs: Math.min(...timesTheirs),
    ratioOfMins: Math.min(...timesOurs) / Math.min(...timesTheirs),
    steps,
    trainkitAllMs: timesOurs.map((x) => +x.toFixed(2)),
    tfjsAllMs: timesTheirs.map((x) => +x.toFixed(2)),
    maxParamDifference: maxDiff,
    tensorsLeakedPerStep: tensorDelta,
  };
}

async function main() {
  const started = new Date().toISOString();
  const load0 = loadavg();
  const nParams = Object.values(SHAPES).reduce((n, s) => n + s.reduce((a, b) => a * b, 1), 0);
  const results = [];
  const engines: ReturnType<typeof backendInfo>[] = [];
  for (const backend of args.backends!.split(',')) {
    await useBackend(backend as BackendName); // wasm: with trainkit's kernel fixes and threads, as trainkit runs it
    const info = backendInfo();
    engines.push(info);
    for (const pair of PAIRS) {
      const label = `${info.name}${info.threads > 1 ? ` (${info.threads} threads)` : ''}`;
      const r = await benchPair(pair, label, stepsFor(info.name));
      results.push(r);
      console.error(`${r.backend} ${r.optimizer}: trainkit ${r.trainkitMs.toFixed(1)} ms, tfjs ${r.tfjsMs.toFixed(1)} ms`);
    }
  }
  console.log(`\nOptimizer step, ${(nParams / 1e6).toFixed(2)}M parameters in ${Object.keys(SHAPES).length} tensors, ` +
    `median (and min) of the timed steps after ${WARMUP} warm-up, ${cpus()[0]?.model ?? 'unknown CPU'} x${cpus().length}, Node ${process.version}\n`);
  console.log('| backend | optimizer | steps | trainkit ms/step median (min) | tf.train ms/step median (min) | ratio of medians | ratio of mins | max param diff |');
  console.log('|---|---|---:|---:|---:|---:|---:|---:|');
  for (const r of results)
    console.log(
      `| ${r.backend} | ${r.optimizer} | ${r.steps} | ${r.trainkitMs.toFixed(1)} (${r.trainkitMinMs.toFixed(1)}) | ` +
        `${r.tfjsMs.toFixed(1)} (${r.tfjsMinMs.toFixed(1)}) | ${r.ratio.toFixed(3)} | ${r.ratioOfMins.toFixed(3)} | ` +
        `${r.maxParamDifference.toExponential(1)} |`,
    );
  mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
  const out = new URL('./results/optimizers.json', import.meta.url);
  writeFileSync(
    out,
    JSON.stringify({ benchmark: 'optimizers', started, finished: new Date().toISOString(),
      command: `npx tsx bench/optimizers.ts ${process.argv.slice(2).join(' ')}`.trim(),
      machine: { cpu: cpus()[0]?.model, logicalCores: cpus().length, node: process.version, loadAverage: { start: load0, end: loadavg() } },
      tfjs: tf.version_core, engines, parameters: nParams, shapes: SHAPES, warmup: WARMUP, results }, null, 2) + '\n',
  );
  console.log(`\nwrote ${out.pathname}`);
}

await main();
