/**
 * `trainkit evaluate` and `trainkit predict` on a run `trainkit train` wrote: the MLP example (a
 * LayersModel, images of Fashion-MNIST) and the tiny functional run.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-cpu';
import jpeg from 'jpeg-js';
import pngjs from 'pngjs';
import { fashionMnist } from '../data/index.js';
import { classScores } from '../train/confusion.js';
import { evaluate } from '../train/evaluate.js';
import { predict } from '../train/predict.js';
import { main } from './main.js';
import { fileLoader, loadParams } from '../io/model-files.js';
import { parseNpy } from './input-files.js';
import { root, tinyRunFile } from './run-fixtures.fixture.js';

function run(args: string[]): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  return main(args, (s) => lines.push(s)).then((code) => ({ code, out: lines.join('\n') }));
}

/** A .npy file (format 1.0) of float32 values in C order. */
function npy(values: Float32Array, shape: number[]): Buffer {
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  header += ' '.repeat(63 - ((10 + header.length) % 64)) + '\n'; // the header ends on a 64-byte boundary
  const head = Buffer.alloc(10);
  Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]).copy(head);
  head.writeUInt16LE(header.length, 8);
  return Buffer.concat([head, Buffer.from(header, 'latin1'), Buffer.from(values.buffer, values.byteOffset, values.byteLength)]);
}

/** Fashion-MNIST test image k as 28 × 28 RGBA (grey). */
function rgba(x: Float32Array, k: number): Buffer {
  const data = Buffer.alloc(784 * 4);
  for (let i = 0; i < 784; i++) {
    const v = Math.round(x[k * 784 + i] * 255);
    data.set([v, v, v, 255], 4 * i);
  }
  return data;
}

const LIMIT = 200;
const dir = mkdtempSync(join(tmpdir(), 'trainkit-eval-'));
const runDir = join(dir, 'mlp');
const trained = await run(['train', join(root, 'examples/fashion-mnist-mlp.ts'), '--epochs', '1', '--limit', String(LIMIT), '--backend', 'cpu', '--seed', '1', '--out', runDir, '--json']);
const testLine = JSON.parse(trained.out.trim().split('\n').at(-1)!);
const test_ = await fashionMnist({ split: 'test', layout: 'flat', limit: LIMIT });
test.after(() => rmSync(dir, { recursive: true, force: true }));

test('evaluate scores the saved LayersModel as train did, with macro scores and the confusion matrix', async () => {
  assert.equal(trained.code, 0);
  const before = tf.memory().numTensors;
  const { code, out } = await run(['evaluate', runDir, '--json']);
  assert.equal(code, 0);
  assert.equal(tf.memory().numTensors, before, 'the command frees the model');
  const line = JSON.parse(out);
  assert.equal(line.event, 'evaluate');
  assert.equal(line.split, 'test');
  assert.equal(line.examples, LIMIT);
  assert.equal(line.accuracy, testLine.accuracy);
  assert.ok(Math.abs(line.loss - testLine.loss) < 1e-6);
  const m = line.confusionMatrix as number[][];
  assert.equal(m.flat().reduce((s, v) => s + v, 0), LIMIT);
  assert.ok(Math.abs(m.reduce((s, row, i) => s + row[i], 0) / LIMIT - line.accuracy) < 1e-6, 'the diagonal holds the correct ones');
  const scores = classScores(m);
  assert.deepEqual([line.precision, line.recall, line.f1], [scores.macroPrecision, scores.macroRecall, scores.macroF1]);
  // Each true class's row sums to its count in the test split.
  const counts = Array.from({ length: 10 }, (_, c) => test_.y.filter((y) => y === c).length);
  assert.deepEqual(m.map((row) => row.reduce((s, v) => s + v, 0)), counts);

  const text = await run(['evaluate', runDir, '--ema']);
  assert.match(text.out, new RegExp(`^test \\(${LIMIT} examples\\): loss [0-9.]+ · accuracy ${(100 * testLine.ema.accuracy).toFixed(2)}% · precision`, 'm'));
  assert.match(text.out, /^9 Ankle boot +(\d+ +){9}\d+$/m);
});

test('predict gives the class and probabilities of the saved model for png, jpg, npy and json inputs', async () => {
  const files = { png: join(dir, 'a.png'), jpg: join(dir, 'b.jpg'), npy: join(dir, 'two.npy'), json: join(dir, 'one.json') };
  const png = new pngjs.PNG({ width: 28, height: 28 });
  rgba(test_.x, 0).copy(png.data);
  writeFileSync(files.png, pngjs.PNG.sync.write(png));
  writeFileSync(files.jpg, jpeg.encode({ width: 28, height: 28, data: rgba(test_.x, 1) }, 100).data);
  writeFileSync(files.npy, npy(test_.x.subarray(0, 2 * 784), [2, 28, 28]));
  writeFileSync(files.json, JSON.stringify(Array.from(test_.x.subarray(784, 2 * 784))));
  assert.deepEqual(Array.from(parseNpy(readFileSync(files.npy))), Array.from(test_.x.subarray(0, 2 * 784)));

  const { code, out } = await run(['predict', runDir, files.png, files.jpg, files.npy, files.json, '--json']);
  assert.equal(code, 0);
  const rows = out.split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(rows.map((r) => [r.file, r.index]), [[files.png, 0], [files.jpg, 0], [files.npy, 0], [files.npy, 1], [files.json, 0]]);
  // The reference: the saved model's softmax on the same two test images.
  const model = await tfl.loadLayersModel(fileLoader(join(runDir, 'model', 'model.json')));
  const x = tf.tensor2d(test_.x.subarray(0, 2 * 784), [2, 784]);
  const logits = await predict(model, x);
  const expected = tf.softmax(logits).arraySync() as number[][];
  tf.dispose([x, logits]);
  model.dispose();
  const close = (a: number[], b: number[], tol: number): boolean => a.every((v, i) => Math.abs(v - b[i]) <= tol);
  for (const [row, k, tol] of [[rows[0], 0, 1e-6], [rows[2], 0, 1e-6], [rows[3], 1, 1e-6], [rows[4], 1, 1e-6], [rows[1], 1, 0.05]] as const) {
    assert.ok(close(row.probabilities, expected[k], tol), `${row.file}[${row.index}] vs image ${k}`);
    assert.equal(row.class, expected[k].indexOf(Math.max(...expected[k])));
  }
  assert.equal(rows[0].className, test_.classNames![rows[0].class]);
  const text = await run(['predict', runDir, files.png]);
  assert.match(text.out, new RegExp(`^${files.png.replace(/[.]/g, '\\.')}: class ${rows[0].class} \\(${rows[0].className}\\), p = [0-9.]+ · probabilities( [0-9.]+){10}$`));
});

test('evaluate and predict read a functional run (its parameter tree) through the run file', async () => {
  mkdirSync(join(root, 'out'), { recursive: true });
  const fdir = mkdtempSync(join(root, 'out', '.test-evaluate-'));
  try {
    const file = tinyRunFile(fdir);
    const out = join(fdir, 'run');
    const trainedTiny = await run(['train', file, '--epochs', '2', '--backend', 'cpu', '--out', out, '--json']);
    const last = JSON.parse(trainedTiny.out.trim().split('\n').at(-1)!);
    const line = JSON.parse((await run(['evaluate', out, '--json'])).out);
    assert.equal(line.accuracy, last.accuracy);
    writeFileSync(join(fdir, 'x.json'), JSON.stringify([[0, 0, 0, 0, 0, 0, 0, 0]]));
    const p = JSON.parse((await run(['predict', out, join(fdir, 'x.json'), '--json'])).out);
    assert.equal(p.probabilities.length, 3);
    assert.ok(Math.abs(p.probabilities.reduce((s: number, v: number) => s + v, 0) - 1) < 1e-6);
    // An image for a run whose examples are not images is refused, naming the shape.
    writeFileSync(join(fdir, 'i.png'), pngjs.PNG.sync.write(new pngjs.PNG({ width: 2, height: 2 })));
    await assert.rejects(run(['predict', out, join(fdir, 'i.png')]), /the run's examples have shape \[8\], not an image's/);
    // A model directory without its weights: one line naming what is missing.
    rmSync(join(out, 'model'), { recursive: true });
    await assert.rejects(run(['evaluate', out]), /No saved model in .*run\/model \(expected model\.json or params\.json/);
  } finally {
    rmSync(fdir, { recursive: true, force: true });
  }
});

test('a functional run with non-trainable state saves { params, state }, and evaluate scores it as train did', async () => {
  mkdirSync(join(root, 'out'), { recursive: true });
  const fdir = mkdtempSync(join(root, 'out', '.test-evaluate-state-'));
  try {
    const out = join(fdir, 'run');
    const trainedTiny = await run(['train', tinyRunFile(fdir, { state: true }), '--epochs', '2', '--backend', 'cpu', '--out', out, '--json']);
    const last = JSON.parse(trainedTiny.out.trim().split('\n').at(-1)!);
    const saved = (await loadParams(join(out, 'model'))) as { params: { w: tf.Tensor }; state: { mean: tf.Tensor } };
    assert.deepEqual(saved.state.mean.shape, [8]);
    assert.ok(saved.state.mean.dataSync().some((v) => v !== 0), 'the running mean moved away from its zero start');
    tf.dispose([saved.params.w, (saved.params as unknown as { b: tf.Tensor }).b, saved.state.mean]);
    // Scoring needs the saved running mean: with the zero start the logits would be shifted.
    const line = JSON.parse((await run(['evaluate', out, '--json'])).out);
    assert.equal(line.loss, last.loss);
    assert.equal(line.accuracy, last.accuracy);
  } finally {
    rmSync(fdir, { recursive: true, force: true });
  }
});

test('evaluate and predict refuse a missing run directory, a directory without run.json and unreadable files', async () => {
  await assert.rejects(run(['evaluate', join(dir, 'nope')]), /Run directory not found: .*nope/);
  await assert.rejects(run(['evaluate', dir]), /No run\.json in .*: not an output directory of trainkit train/);
  await assert.rejects(run(['evaluate']), /evaluate takes exactly one RUN_DIR \(got 0\)/);
  await assert.rejects(run(['predict', runDir]), /predict takes a RUN_DIR and at least one FILE/);
  await assert.rejects(run(['predict', runDir, join(dir, 'missing.png')]), /Cannot read .*missing\.png: ENOENT/);
  writeFileSync(join(dir, 'bad.npy'), 'not numpy');
  await assert.rejects(run(['predict', runDir, join(dir, 'bad.npy')]), /Cannot read .*bad\.npy: not a \.npy file/);
  writeFileSync(join(dir, 'short.json'), '[1, 2, 3]');
  await assert.rejects(run(['predict', runDir, join(dir, 'short.json')]), /3 values are not a whole number of examples of shape \[784\]/);
  writeFileSync(join(dir, 'x.txt'), '1');
  await assert.rejects(run(['predict', runDir, join(dir, 'x.txt')]), /unknown type "\.txt" \(expected \.png, \.jpg, \.jpeg, \.npy or \.json\)/);
});

test('the trainkit command answers a missing run directory with one line and exit status 2', async () => {
  const cli = join(root, 'src', 'cli', 'main.ts');
  const err = await promisify(execFile)(process.execPath, ['--import', 'tsx', cli, 'evaluate', join(dir, 'nope')], { cwd: root }).catch((e: { code: number; stderr: string; stdout: string }) => e);
  assert.equal((err as { code: number }).code, 2);
  assert.equal((err as { stderr: string }).stderr, `trainkit: Run directory not found: ${join(dir, 'nope')}\n`);
});
