/**
 * Where the time of a trainkit `fit` step on the CNN (or the MLP) goes, by TensorFlow.js kernel, in
 * its own process (bench/training.ts runs it for the CNN):
 *   npx tsx bench/lib/profile_cnn.ts [--steps 4] [--model cnn | mlp]
 * Runs `fit` (Adam, the model's benchmark batch: CNN 64, MLP 128, `useBestBackend()`) for a few
 * warm-up steps, then for `steps` steps
 * inside `tf.profile`, and sums each kernel's time (wasm kernels run synchronously, so a kernel's
 * time is its wall time). Kernels that trainkit's fixes implement by calling other kernels are
 * counted once, under their own name. Prints `BENCH_RESULT {json}`: per kernel name, ms per step,
 * share of the profiled kernel time, calls per step, and the input shapes of its first call.
 */
import * as tf from '@tensorflow/tfjs-core';
import { parseArgs } from 'node:util';
import { backendInfo, useBestBackend } from '../../src/engine/index.js';
import { fashionMnist } from '../../src/data/fashion-mnist.js';
import { adam } from '../../src/optim/index.js';
import { fit } from '../../src/train/fit.js';
import { BATCH, buildModel, type ModelName } from './models.js';
import { RESULT_MARK } from './spawn.js';

const { values } = parseArgs({ options: { steps: { type: 'string', default: '4' }, model: { type: 'string', default: 'cnn' } } });
const steps = Number(values.steps);
if (values.model !== 'cnn' && values.model !== 'mlp') throw new Error(`--model must be cnn or mlp, got ${JSON.stringify(values.model)}`);
const name = values.model as ModelName;
const batch = BATCH[name];

tf.env().set('PROD', true);
await useBestBackend();
const data = await fashionMnist({ split: 'train', layout: name === 'mlp' ? 'flat' : 'image', limit: batch * Math.max(steps, 3) });
const model = buildModel(name, 1);
const run = () => fit(model, { train: data }, { optimizer: adam({ learningRate: 1e-3 }), batchSize: batch, epochs: 1, verbose: 'silent', shuffle: false });
await run(); // warm-up: kernels compiled, XNNPACK operators created
const t0 = performance.now();
const profile = await tf.profile(async () => {
  await run();
});
const wallMs = performance.now() - t0;
const stepsRun = Math.ceil(data.size / batch);

const byName = new Map<string, { ms: number; calls: number; shapes: number[][] }>();
for (const k of profile.kernels) {
  const e = byName.get(k.name) ?? { ms: 0, calls: 0, shapes: k.inputShapes };
  e.ms += typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
  e.calls += 1;
  byName.set(k.name, e);
}
const total = [...byName.values()].reduce((s, e) => s + e.ms, 0);
const kernels = [...byName.entries()]
  .map(([name, e]) => ({ name, msPerStep: e.ms / stepsRun, share: e.ms / total, callsPerStep: e.calls / stepsRun, firstInputShapes: e.shapes }))
  .sort((a, b) => b.msPerStep - a.msPerStep);
model.dispose();
console.log(
  RESULT_MARK +
    JSON.stringify({ backend: backendInfo(), model: name, batch, steps: stepsRun, wallMsPerStep: wallMs / stepsRun, kernelMsPerStep: total / stepsRun, kernels }),
);
