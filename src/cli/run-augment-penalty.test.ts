import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { loadParams } from '../io/model-files.js';
import { main } from './main.js';
import { root, tinyRunFile } from './run-fixtures.fixture.js';

function run(args: string[]): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  return main(args, (s) => lines.push(s)).then((code) => ({ code, out: lines.join('\n') }));
}

const tempDir = (prefix: string): string => {
  mkdirSync(join(root, 'out'), { recursive: true });
  return mkdtempSync(join(root, 'out', prefix)); // inside the repository: the run file resolves tfjs
};
const lastLine = (out: string): Record<string, any> => JSON.parse(out.trim().split('\n').at(-1)!);
const readJson = (path: string): any => JSON.parse(readFileSync(path, 'utf8'));
const calls = (key: string): number[] => ((globalThis as any)[key] ?? []) as number[];
const base = ['--backend', 'cpu', '--seed', '3', '--json'];

test("train applies a run file's augment to every training batch and to nothing else", async () => {
  const dir = tempDir('.test-run-augment-');
  const key = `augmentCalls${process.pid}a`;
  try {
    const before = tf.memory().numTensors;
    const augmented = await run(['train', tinyRunFile(dir, { augmentLog: key, name: 'aug.ts' }), '--epochs', '2', '--out', join(dir, 'a'), ...base]);
    assert.equal(augmented.code, 0);
    // 256 training examples in batches of 16: 16 steps per epoch. The 48 validation examples (3
    // batches per epoch) and the 64 test examples are never augmented.
    assert.deepEqual(calls(key), Array(32).fill(16));
    const runJson = readJson(join(dir, 'a', 'run.json'));
    assert.equal(runJson.history.step, 32);
    assert.equal(runJson.history.validations.length, 2, 'validation ran, unaugmented');
    assert.equal(runJson.config.augment, true);
    assert.equal(tf.memory().numTensors, before);

    // The same run without augment trains on other batches, so it ends elsewhere.
    const plain = await run(['train', tinyRunFile(dir), '--epochs', '2', '--out', join(dir, 'p'), ...base]);
    assert.equal(readJson(join(dir, 'p', 'run.json')).config.augment, false);
    assert.notEqual(lastLine(plain.out).loss, lastLine(augmented.out).loss);
  } finally {
    delete (globalThis as any)[key];
    rmSync(dir, { recursive: true, force: true });
  }
});

test("train adds a run file's penalty to the training loss: a higher training loss, smaller weights", async () => {
  const dir = tempDir('.test-run-penalty-');
  try {
    const plain = await run(['train', tinyRunFile(dir), '--epochs', '2', '--out', join(dir, 'p'), ...base]);
    const penalised = await run(['train', tinyRunFile(dir, { penalty: 0.5, name: 'pen.ts' }), '--epochs', '2', '--out', join(dir, 'l2'), ...base]);
    assert.deepEqual([plain.code, penalised.code], [0, 0]);
    const [p, l2] = ['p', 'l2'].map((d) => readJson(join(dir, d, 'run.json')));
    assert.equal(l2.config.penalty, true);
    for (const e of [0, 1]) assert.ok(l2.history.epochs[e].logs.loss > p.history.epochs[e].logs.loss + 0.01, `epoch ${e}`);
    const sq = async (d: string): Promise<number> => {
      const params = (await loadParams(join(dir, d, 'model'))) as { w: tf.Tensor; b: tf.Tensor };
      const v = tf.tidy(() => tf.sum(tf.square(params.w)).dataSync()[0]);
      tf.dispose([params.w, params.b]);
      return v;
    };
    assert.ok((await sq('l2')) < 0.5 * (await sq('p')), 'the penalty shrank the kernel');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("lr-find sweeps with the run's augment and penalty: the first loss is the plain one plus λ·Σw₀²", async () => {
  const dir = tempDir('.test-run-lrfind-');
  const key = `augmentCalls${process.pid}b`;
  try {
    const sweep = ['--steps', '20', '--min-lr', '1e-4', '--max-lr', '1e-2'];
    const before = tf.memory().numTensors;
    const plain = await run(['lr-find', tinyRunFile(dir), ...sweep, '--out', join(dir, 'p'), ...base]);
    const penalised = await run(['lr-find', tinyRunFile(dir, { penalty: 0.5, name: 'pen.ts' }), ...sweep, '--out', join(dir, 'l2'), ...base]);
    const augmented = await run(['lr-find', tinyRunFile(dir, { augmentLog: key, name: 'aug.ts' }), ...sweep, '--out', join(dir, 'a'), ...base]);
    assert.deepEqual([plain.code, penalised.code, augmented.code], [0, 0, 0]);
    assert.equal(tf.memory().numTensors, before);
    const [p, l2, a] = ['p', 'l2', 'a'].map((d) => readJson(join(dir, d, 'lr-find.json')));
    // The kernel at initialisation, as the run file draws it (seed 3); the bias (rank 1) is not penalised.
    const w0 = tf.tidy(() => tf.sum(tf.square(tf.mul(tf.randomNormal([8, 3], 0, 1, 'float32', 3), 0.01))).dataSync()[0]);
    assert.ok(Math.abs(l2.points[0].loss - (p.points[0].loss + 0.5 * w0)) < 1e-6, `${l2.points[0].loss} vs ${p.points[0].loss} + ${0.5 * w0}`);
    assert.deepEqual(calls(key), Array(20).fill(16), 'every step of the sweep is augmented');
    assert.notEqual(a.points[0].loss, p.points[0].loss, 'the augmented batch gives another loss');
  } finally {
    delete (globalThis as any)[key];
    rmSync(dir, { recursive: true, force: true });
  }
});

test("recipe augments its range test and its searches' training, not its first two checks", async () => {
  const dir = tempDir('.test-run-recipe-augment-');
  const key = `augmentCalls${process.pid}c`;
  try {
    const rc = await run(['recipe', tinyRunFile(dir, { augmentLog: key, name: 'aug.ts' }), '--backend', 'cpu', '--seed', '3', '--out', join(dir, 'rc'), '--search-trials', '2', '--storage', 'memory:']);
    assert.equal(rc.code, 0);
    const sweep = readJson(join(dir, 'rc', 'recipe.json')).lrFind.points.length as number;
    // Step 2 (overfitting 80 examples) adds none; the coarse search 2 trials × 1 epoch × 16 steps,
    // the refined one 1 trial × 2 epochs × 16 steps.
    assert.deepEqual(calls(key), Array(sweep + 2 * 16 + 32).fill(16));
  } finally {
    delete (globalThis as any)[key];
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a run file whose augment or penalty is not a function is refused, naming the file and the option', async () => {
  const dir = tempDir('.test-run-bad-augment-');
  try {
    const good = readFileSync(tinyRunFile(dir), 'utf8');
    for (const [option, value] of [['augment', '3'], ['penalty', "'l2'"]] as const) {
      const file = join(dir, `bad-${option}.ts`);
      writeFileSync(file, good.replace('batchSize: 16,', `batchSize: 16, ${option}: ${value},`));
      await assert.rejects(run(['train', file, '--epochs', '1', '--out', join(dir, option), ...base]), new RegExp(`Invalid bad-${option}\\.ts: ${option}: ${value.replace(/'/g, '"')}`));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
