import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '../engine/gradients.js';
import { Rng } from '../engine/rng.js';
import { adamw, chain, clipByGlobalNorm, sgd } from '../optim/index.js';
import { disposeTree } from '../tree/ops.js';
import { saveCheckpoint, loadCheckpoint, disposeCheckpoint } from './checkpoint.js';
import { checkStateStructure } from '../train/checkpoint.js';
import { CheckpointError, NonFiniteError } from '../errors.js';

await tf.setBackend('cpu');

const dir = await mkdtemp(join(tmpdir(), 'trainkit-ckpt-'));
process.on('exit', () => void rm(dir, { recursive: true, force: true }));

test('a checkpoint round-trips weights, optimizer state, position, seed and RNG state exactly', async () => {
  const params = { w: tf.tensor2d([[1.5, -2.25e-8], [3, 4]]), b: tf.tensor1d([0.1, 0.2]), n: tf.tensor1d([3, 7], 'int32') };
  const opt = chain(clipByGlobalNorm(1), adamw({ learningRate: 1e-3 }));
  const state0 = opt.init({ w: params.w, b: params.b });
  const [u, state] = opt.update({ w: tf.onesLike(params.w), b: tf.onesLike(params.b) } as never, state0, { w: params.w, b: params.b });
  const rng = new Rng(5);
  rng.next();
  const path = join(dir, 'a.tkpt');
  await saveCheckpoint(path, {
    position: { step: 17, epoch: 2, batch: 3 },
    seed: 42,
    rng: rng.getState(),
    weights: Object.entries(params),
    optimizerState: [...(state as unknown[]), { weird: [NaN, Infinity, null, 'text', true, undefined] }],
    extra: { note: 'hi' },
  });
  const back = await loadCheckpoint(path);
  assert.deepEqual(back.position, { step: 17, epoch: 2, batch: 3 });
  assert.equal(back.seed, 42);
  assert.deepEqual(back.rng, rng.getState());
  assert.deepEqual(back.extra, { note: 'hi' });
  assert.deepEqual(back.weights.map(([n]) => n), ['w', 'b', 'n']);
  back.weights.forEach(([name, t]) => {
    const orig = params[name as keyof typeof params];
    assert.equal(t.dtype, orig.dtype);
    assert.deepEqual(Array.from(t.dataSync()), Array.from(orig.dataSync()));
  });
  const loaded = back.optimizerState as unknown[];
  checkStateStructure(loaded.slice(0, 2), state);
  const flat = (v: unknown): unknown => JSON.parse(JSON.stringify(v, (_k, x) => (x instanceof tf.Tensor ? Array.from(x.dataSync()) : x === undefined ? 'undef' : typeof x === 'number' && !Number.isFinite(x) ? String(x) : x)));
  assert.deepEqual(flat(loaded.slice(0, 2)), flat(state));
  assert.deepEqual(flat(loaded[2]), { weird: ['NaN', 'Infinity', null, 'text', true, 'undef'] });
  disposeCheckpoint(back);
  disposeTree([params, state0, state, u]);
});

test('a NaN weight is never written: the old checkpoint stays and no temporary file is left', async () => {
  const path = join(dir, 'nan.tkpt');
  const good = tf.tensor1d([1, 2]);
  const bad = tf.tensor1d([1, NaN]);
  const base = { position: { step: 3, epoch: 0, batch: 3 }, seed: 0, rng: new Rng(0).getState(), optimizerState: [] };
  await saveCheckpoint(path, { ...base, weights: [['w', good]] });
  const before = await readFile(path);
  await assert.rejects(saveCheckpoint(path, { ...base, weights: [['w', bad]] }), (e: unknown) => e instanceof NonFiniteError && /weight w \(element 1\)/.test(e.message));
  assert.deepEqual(await readFile(path), before);
  assert.deepEqual((await readdir(dir)).filter((f) => f.includes('nan')), ['nan.tkpt']);
  tf.dispose([good, bad]);
});

test('a file that is not a checkpoint, or a truncated one, is refused with a CheckpointError', async () => {
  const junk = join(dir, 'junk.tkpt');
  await writeFile(junk, 'hello world, not a checkpoint');
  await assert.rejects(loadCheckpoint(junk), CheckpointError);
  const path = join(dir, 'trunc.tkpt');
  const w = tf.ones([64]);
  await saveCheckpoint(path, { position: { step: 0, epoch: 0, batch: 0 }, seed: 0, rng: new Rng(0).getState(), weights: [['w', w]], optimizerState: {} });
  const bytes = await readFile(path);
  await writeFile(path, bytes.subarray(0, bytes.byteLength - 10));
  const start = tf.memory().numTensors;
  await assert.rejects(loadCheckpoint(path), /truncated/);
  assert.equal(tf.memory().numTensors, start);
  w.dispose();
});

test('a loaded optimizer state that does not fit the optimizer is named at its first difference', () => {
  const p = { w: tf.zeros([2, 2]) };
  const adamState = adamw({ learningRate: 1e-3 }).init(p);
  const sgdState = sgd({ learningRate: 0.1, momentum: 0.9 }).init(p);
  assert.throws(() => checkStateStructure(sgdState, adamState), CheckpointError);
  const other = adamw({ learningRate: 1e-3 }).init({ w: tf.zeros([3, 2]) });
  assert.throws(() => checkStateStructure(other, adamState), /shape \[3,2\] vs \[2,2\]/);
  disposeTree([p, adamState, sgdState, other]);
});
