import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import wt from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import { backendInfo, useBackend } from './backend.js';
import { defaultWasmThreads, PINNED_WASM_VERSION, prepareWasmThreads } from './threads.js';
import { assertMatchesCpu, CONV_GEOMETRIES, convOutShape, randomInputs } from './kernels/oracle.fixture.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

test('the installed tfjs-backend-wasm is the version the thread shim is pinned to', () => {
  const pkg = JSON.parse(readFileSync(fileURLToPath(import.meta.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'utf8'));
  assert.equal(pkg.version, PINNED_WASM_VERSION);
});

test('another tfjs-backend-wasm version stays single-threaded, says why, and leaves Node untouched', () => {
  let asked = false;
  const before = { Worker: wt.Worker, cpus: os.cpus };
  const result = prepareWasmThreads({ version_wasm: '4.21.0', setThreadsCount: () => (asked = true) }, 2);
  assert.ok('reason' in result);
  assert.match(result.reason, /4\.22\.0 \(found 4\.21\.0\): single-threaded/);
  assert.equal(asked, false);
  assert.equal(wt.Worker, before.Worker);
  assert.equal(os.cpus, before.cpus);
});

test('the default thread count is the cores Node may use, at most 8', () => {
  const n = defaultWasmThreads();
  assert.ok(Number.isInteger(n) && n >= 1 && n <= 8);
  assert.equal(n, Math.min(8, os.availableParallelism()));
});

test('wasm with two threads starts in Node, restores what it patched, and computes what cpu computes', async () => {
  const before = { Worker: wt.Worker, cpus: os.cpus };
  await useBackend('wasm', { threads: 2 });
  assert.equal(backendInfo().threads, 2);
  assert.equal(backendInfo().reason, undefined);
  assert.equal(wt.Worker, before.Worker, 'worker_threads.Worker is restored');
  assert.equal(os.cpus, before.cpus, 'os.cpus is restored');
  // Products big enough for XNNPACK to split across both threads.
  const inputs = randomInputs(71, { a: [256, 300], b: [200, 300] });
  await assertMatchesCpu('threaded matMul', inputs, ({ a, b }) => tf.matMul(a, b, false, true), { threads: 2 });
  const g = CONV_GEOMETRIES.find((c) => c.label.startsWith('wide channels'))!;
  const conv = randomInputs(72, { x: g.x, dy: convOutShape(g) });
  await assertMatchesCpu(
    'threaded Conv2DBackpropFilter',
    conv,
    ({ x, dy }) =>
      tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, {
        strides: g.strides,
        pad: g.pad,
        dataFormat: 'NHWC',
        filterShape: g.filter,
      } as never) as tf.Tensor,
    { threads: 2 },
  );
});

test('a process that trained on two wasm threads exits by itself when its work is done', () => {
  const script = `
    import * as tf from '@tensorflow/tfjs-core';
    import '@tensorflow/tfjs-layers';
    import { useBackend, backendInfo } from './src/engine/backend.ts';
    await useBackend('wasm', { threads: 2 });
    const w = tf.variable(tf.randomNormal([64, 10], 0, 0.1, 'float32', 1));
    const x = tf.randomNormal([128, 64], 0, 1, 'float32', 2);
    for (let i = 0; i < 5; i++) {
      const { grads } = tf.variableGrads(() => tf.mean(tf.square(tf.matMul(x, w))));
      w.assign(tf.sub(w, tf.mul(0.1, grads[w.name])));
      tf.dispose(grads);
    }
    console.log('threads=' + backendInfo().threads);
  `;
  // The timeout only guards the test run; a live worker would make the child hang until it.
  const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: repoRoot,
    encoding: 'utf8',
    timeout: 120_000,
  });
  assert.equal(child.signal, null, `the child was killed (it did not exit): ${child.stderr}`);
  assert.equal(child.status, 0, child.stderr);
  assert.match(child.stdout, /threads=2/);
});
