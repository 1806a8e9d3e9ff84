import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-cpu';
import { fashionMnist } from '../data/index.js';
import { evaluate } from '../train/evaluate.js';
import { main } from './main.js';
import { decayNeighbours } from './recipe-search.js';
import { fileLoader, loadParams } from '../io/model-files.js';
import { blobs } from '../train/toy-fixtures.fixture.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

function run(args: string[]): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  return main(args, (s) => lines.push(s)).then((code) => ({ code, out: lines.join('\n') }));
}

test('schedule prints the learning rate per step and can plot it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'trainkit-cli-'));
  try {
    const svg = join(dir, 'lr.svg');
    const { code, out } = await run(['schedule', 'cosine:init=0.1,decaySteps=10', '--steps', '11', '--every', '5', '--svg', svg]);
    assert.equal(code, 0);
    const rows = out.split('\n').filter((l) => /^\d+\t/.test(l)).map((l) => l.split('\t').map(Number));
    assert.deepEqual(rows.map((r) => r[0]), [0, 5, 10]);
    assert.ok(Math.abs(rows[0][1] - 0.1) < 1e-12);
    assert.ok(Math.abs(rows[1][1] - 0.05) < 1e-9);
    assert.ok(Math.abs(rows[2][1]) < 1e-9);
    assert.ok(readFileSync(svg, 'utf8').startsWith('<svg'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a bad schedule spec is refused with a message naming it', async () => {
  await assert.rejects(run(['schedule', 'nosuch:init=1']), /nosuch/);
  await assert.rejects(run(['schedule', 'cosine:init=0.1,decaySteps=10', '--steps=-3']), /Invalid --steps: "-3"/);
});

test('an unknown command exits with 2 and shows the usage', async () => {
  const { code, out } = await run(['frobnicate']);
  assert.equal(code, 2);
  assert.match(out, /Unknown command: "frobnicate"/);
  assert.match(out, /dashboard \[--storage URL\] \[--port N\] \[--host H\] \[--study NAME\]/);
});

test('dashboard refuses a bad --port or --host, or a FILE, naming it', async () => {
  for (const port of ['abc', '-1', '65536', '1.5', ''])
    await assert.rejects(run(['dashboard', '--storage', 'memory:', `--port=${port}`]), new RegExp(`Invalid --port: "${port.replace('.', '\\.')}" \\(expected an integer from 0`));
  for (const host of ['', 'a b', 'x/y'])
    await assert.rejects(run(['dashboard', '--storage', 'memory:', '--port', '0', `--host=${host}`]), /Invalid --host: .* \(expected an IP address or host name/);
  await assert.rejects(run(['dashboard', 'study.ts']), /dashboard takes no FILE/);
  await assert.rejects(run(['dashboard', '--storage', 'memory:', '--port', '0', '--host', 'no-such-host.invalid']), /Cannot listen on host "no-such-host.invalid": unknown host name/);
});

test('demo races every optimizer on both problems and writes the plots', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'trainkit-demo-'));
  try {
    const { code, out } = await run(['demo', '--steps', '30', '--out', dir]);
    assert.equal(code, 0);
    for (const f of ['quadratic-paths.svg', 'quadratic-loss.svg', 'rosenbrock-paths.svg', 'rosenbrock-loss.svg'])
      assert.ok(existsSync(join(dir, f)), f);
    for (const name of ['SGD', 'Nesterov', 'AdaGrad', 'RMSProp', 'Adam', 'Lion', 'L-BFGS', 'BFGS', 'Newton'])
      assert.match(out, new RegExp(`\\| ${name}`));
    // The full-batch minimisers solve both problems; their Rosenbrock rows show the optimum.
    for (const name of ['L-BFGS', 'BFGS', 'Newton'])
      assert.match(out, new RegExp(`\\| ${name} \\(full batch\\) \\| [0-9.e+-]+ \\| \\d+ \\| \\(1\\.0000, 1\\.0000\\)`));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** Serves `dir` over HTTP on 127.0.0.1 (a stock loader's route: tf.loadLayersModel('http://...')). */
async function serve(dir: string): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    try {
      const body = readFileSync(join(dir, decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)));
      res.writeHead(200).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((r) => server.close(() => r())) };
}

test('train runs the MLP example: JSON lines per epoch and for the test, run.json, report.html, models loadable by stock tf.loadLayersModel', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'trainkit-train-'));
  try {
    const before = tf.memory().numTensors;
    const { code, out } = await run(['train', join(root, 'examples/fashion-mnist-mlp.ts'), '--epochs', '2', '--limit', '1000', '--backend', 'cpu', '--seed', '3', '--out', dir, '--json']);
    assert.equal(code, 0);
    assert.equal(tf.memory().numTensors, before, 'the command frees its model and EMA');
    const lines = out.split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(lines.map((l) => l.event), ['epoch', 'epoch', 'test']);
    assert.deepEqual(lines.slice(0, 2).map((l) => l.epoch), [0, 1]);
    for (const k of ['loss', 'accuracy', 'val_loss', 'val_accuracy']) assert.ok(Number.isFinite(lines[1][k]), k);
    const testLine = lines[2];
    // The run is deterministic on the cpu backend (seed 3: same weights, same batch order); two runs
    // gave the same numbers: test accuracy 0.580 (580 of 1000; chance is 0.1) at loss 1.4625 (an
    // untrained model scores ln 10 = 2.30), epoch losses 2.2317 then 1.7034. The bands absorb
    // float-rounding changes (a reordered sum) but not a change in what is trained. The EMA
    // (decay 0.99) still holds 0.99^16 = 85% of the initial weights after 16 steps: 0.369.
    assert.ok(Math.abs(testLine.accuracy - 0.58) <= 0.01, `test accuracy ${testLine.accuracy}`);
    assert.ok(Math.abs(testLine.loss - 1.4625) <= 0.005, `test loss ${testLine.loss}`);
    assert.ok(Math.abs(lines[0].loss - 2.2317) <= 0.005 && Math.abs(lines[1].loss - 1.7034) <= 0.005, `epoch losses ${lines[0].loss}, ${lines[1].loss}`);
    assert.ok(Math.abs(testLine.ema.accuracy - 0.369) <= 0.01, `EMA test accuracy ${testLine.ema.accuracy}`);

    const runJson = JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8'));
    assert.equal(runJson.seed, 3);
    assert.equal(runJson.backend.name, 'cpu');
    assert.equal(runJson.config.epochs, 2);
    assert.equal(runJson.history.epochs.length, 2);
    assert.ok(runJson.history.steps.length >= 1 && runJson.history.steps.every((s: { loss: number; lr: number }) => Number.isFinite(s.loss) && s.lr >= 0));
    assert.equal(runJson.results['final (test)'].accuracy, testLine.accuracy);
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    assert.ok(html.startsWith('<!doctype html>') && html.includes('<svg') && !/<script|src="http/.test(html));

    // The saved model is plain LayersModel format: a stock HTTP load and the file loader both
    // give back a model that scores exactly as the trained one did on the same test images.
    const test = await fashionMnist({ split: 'test', layout: 'flat', limit: 1000 });
    const server = await serve(dir);
    try {
      const viaHttp = await tfl.loadLayersModel(`${server.url}/model/model.json`);
      const scored = await evaluate(viaHttp, test);
      assert.equal(scored.accuracy, testLine.accuracy);
      assert.ok(Math.abs(scored.loss - testLine.loss) < 1e-6);
      viaHttp.dispose();
      const emaModel = await tfl.loadLayersModel(`${server.url}/model-ema/model.json`);
      assert.equal((await evaluate(emaModel, test)).accuracy, testLine.ema.accuracy);
      emaModel.dispose();
    } finally {
      await server.close();
    }
    const viaFile = await tfl.loadLayersModel(fileLoader(join(dir, 'model', 'model.json')));
    assert.equal((await evaluate(viaFile, test)).accuracy, testLine.accuracy);
    viaFile.dispose();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** A tiny run file (3 Gaussian blobs, a functional linear model) written beside the test's temp output. */
function tinyRunFile(dir: string): string {
  const file = join(dir, 'tiny-run.ts');
  const src = (p: string): string => JSON.stringify(join(root, 'src', p));
  writeFileSync(
    file,
    `import * as tf from '@tensorflow/tfjs-core';
import { sgd } from ${src('optim/index.js')};
import { defineRun } from ${src('train/recipe/index.js')};
import { blobs } from ${src('train/toy-fixtures.fixture.js')};
export default defineRun(({ seed }) => ({
  model: {
    params: { w: tf.tidy(() => tf.mul(tf.randomNormal([8, 3], 0, 1, 'float32', seed), 0.01)), b: tf.zeros([3]) },
    apply: (p: any, x: tf.Tensor) => tf.add(tf.matMul(x, p.w), p.b),
  },
  data: { train: blobs(256, { seed: 1 }), test: blobs(64, { seed: 2 }) },
  optimizer: (learningRate, { weightDecay = 0 } = {}) => sgd({ learningRate, momentum: 0.9, weightDecay }),
  learningRate: 0.05,
  batchSize: 16,
}));
`,
  );
  return file;
}

test('lr-find writes its page and JSON and suggests a rate; recipe prints the three verdicts', async () => {
  // Inside the repository (out/ is ignored) so that the run file resolves '@tensorflow/tfjs-core'.
  mkdirSync(join(root, 'out'), { recursive: true });
  const dir = mkdtempSync(join(root, 'out', '.test-lrfind-'));
  try {
    const file = tinyRunFile(dir);
    const before = tf.memory().numTensors;
    const lf = await run(['lr-find', file, '--backend', 'cpu', '--steps', '80', '--min-lr', '1e-4', '--max-lr', '100', '--out', join(dir, 'lf'), '--json']);
    assert.equal(lf.code, 0);
    const line = JSON.parse(lf.out);
    assert.equal(line.event, 'lr-find');
    // Measured on cpu (deterministic): the smoothed loss is lowest at lr 14.6, so the suggestion is
    // 1.46. The sweep's points are a factor 10^(6/79) = 1.19 apart; the tolerance (a factor 1.5,
    // about two points either way) lets the minimum move to a neighbouring point, no further.
    assert.ok(Math.abs(Math.log(line.suggested / 1.4607)) <= Math.log(1.5), `suggested ${line.suggested}`);
    assert.equal(line.suggested, line.minimumLr / 10);
    assert.ok(readFileSync(join(dir, 'lf', 'lr-find.html'), 'utf8').includes('class="marker"'));
    assert.equal(JSON.parse(readFileSync(join(dir, 'lf', 'lr-find.json'), 'utf8')).suggested, line.suggested);

    const rc = await run(['recipe', file, '--backend', 'cpu', '--out', join(dir, 'rc'), '--search-trials', '0']);
    assert.equal(rc.code, 0);
    assert.match(rc.out, /^1\. loss at initialisation: \[ok\] initial loss .* log 3/m);
    assert.match(rc.out, /^2\. overfit 80 examples at lr 5\.0e-2: \[ok\] memorised 80 examples/m);
    assert.match(rc.out, /^3\. learning-rate range test: suggested lr /m);
    assert.doesNotMatch(rc.out, /^4\./m, '--search-trials 0 stops after step 3');
    assert.ok(existsSync(join(dir, 'rc', 'lr-find.html')));
    assert.equal(tf.memory().numTensors, before);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('recipe goes on with a coarse then a refined search of lr × weight decay around the suggestion, into studies, and names the configuration to train fully', async () => {
  mkdirSync(join(root, 'out'), { recursive: true });
  const dir = mkdtempSync(join(root, 'out', '.test-recipe-search-'));
  try {
    const file = tinyRunFile(dir);
    const before = tf.memory().numTensors;
    const rc = await run(['recipe', file, '--backend', 'cpu', '--out', join(dir, 'rc'), '--search-trials', '4', '--storage', 'memory:']);
    assert.equal(rc.code, 0);
    assert.match(rc.out, /^4\. coarse search \(4 trials × 1 epoch, random\): best lr \S+, weight decay \S+: loss \S+ \(study recipe-tiny-run-coarse\)$/m);
    assert.match(rc.out, /^5\. refined search \(2 trials × 2 epochs, TPE\): best lr .*; train fully with learningRate \S+ \(peak of your schedule\) and weightDecay \S+$/m);
    const saved = JSON.parse(readFileSync(join(dir, 'rc', 'recipe.json'), 'utf8'));
    const { coarse, refined } = saved.search as { coarse: { learningRate: number; weightDecay: number }; refined: { learningRate: number; weightDecay: number } };
    const suggested = saved.lrFind.suggested as number;
    assert.ok(coarse.learningRate >= suggested / 10 && coarse.learningRate <= suggested * 10, `coarse lr ${coarse.learningRate} around ${suggested}`);
    assert.ok([1e-4, 1e-5, 0].includes(coarse.weightDecay));
    assert.ok(refined.learningRate >= coarse.learningRate / 3 && refined.learningRate <= coarse.learningRate * 3, `refined lr ${refined.learningRate} around ${coarse.learningRate}`);
    assert.ok(decayNeighbours(coarse.weightDecay).includes(refined.weightDecay));
    assert.equal(tf.memory().numTensors, before, 'every trial\'s model was freed');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the refined search keeps the weight decay among the best coarse one and its neighbours a factor 3 away', () => {
  assert.deepEqual(decayNeighbours(0), [0, 1e-6, 1e-5]);
  assert.deepEqual(decayNeighbours(3e-5), [1e-5, 3e-5, 9e-5]);
});

test('run commands refuse a missing file, a file without a run and bad numbers', async () => {
  await assert.rejects(run(['train', '/nonexistent/run.ts']), /Run file not found/);
  await assert.rejects(run(['train']), /exactly one run FILE/);
  await assert.rejects(run(['train', 'x.ts', '--epochs', '0']), /Invalid --epochs: "0"/);
  const dir = mkdtempSync(join(tmpdir(), 'trainkit-bad-'));
  try {
    writeFileSync(join(dir, 'bad.ts'), 'export const x = 1;\n');
    await assert.rejects(run(['train', join(dir, 'bad.ts'), '--backend', 'cpu']), /must have a default export defineRun/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the example CNN is the same model for the same seed, seed 0 included (tfjs-layers takes seed 0 as no seed)', async () => {
  const { fashionCnn } = await import('../../examples/fashion-mnist-cnn.js');
  await tf.setBackend('cpu');
  for (const seed of [0, 5]) {
    const [a, b] = [fashionCnn(seed), fashionCnn(seed)];
    const wa = a.getWeights().map((w) => Array.from(w.dataSync()));
    const wb = b.getWeights().map((w) => Array.from(w.dataSync()));
    assert.deepEqual(wa, wb, `seed ${seed}`);
    a.dispose();
    b.dispose();
  }
});

test('train saves a functional model\'s parameter tree: loadParams gives back weights that score what train reported', async () => {
  mkdirSync(join(root, 'out'), { recursive: true });
  const dir = mkdtempSync(join(root, 'out', '.test-functional-'));
  try {
    const file = tinyRunFile(dir);
    const out = join(dir, 'run');
    const r = await run(['train', file, '--epochs', '2', '--backend', 'cpu', '--seed', '4', '--out', out, '--json']);
    assert.equal(r.code, 0);
    const last = JSON.parse(r.out.trim().split('\n').at(-1)!);
    assert.equal(last.event, 'test');
    // Three well-separated blobs: the linear model gets 62 of the 64 test points (measured, cpu).
    assert.ok(last.accuracy >= 60 / 64, `test accuracy ${last.accuracy}`);
    const runJson = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8'));
    assert.equal(runJson.models.model, join(out, 'model', 'params.json'));
    const params = (await loadParams(join(out, 'model'))) as { w: tf.Tensor; b: tf.Tensor };
    const model = { params, apply: (p: any, x: tf.Tensor) => tf.add(tf.matMul(x, p.w), p.b) };
    const logs = await evaluate(model, blobs(64, { seed: 2 }));
    assert.equal(logs.accuracy, last.accuracy, 'the saved weights are the trained ones');
    tf.dispose([params.w, params.b]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
