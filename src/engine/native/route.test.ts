import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { InvalidArgumentError } from '../../errors.js';
import { useBackend } from '../backend.js';
import { findNative, NATIVE_INSTALL_HINT } from './route.js';
import { NO_NATIVE, NO_ONEDNN } from './native.fixture.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** Runs `f` and returns the process warnings it emitted. */
async function warningsOf(f: () => unknown): Promise<string[]> {
  const seen: string[] = [];
  const listener = (w: Error) => seen.push(w.message);
  process.on('warning', listener);
  try {
    f();
    await new Promise((resolve) => setImmediate(resolve)); // warnings are emitted on the next tick
  } finally {
    process.off('warning', listener);
  }
  return seen;
}

test('TRAINKIT_NATIVE=0 turns native kernels off before anything is loaded', () => {
  assert.deepEqual(findNative({ TRAINKIT_NATIVE: '0' }), { blas: null, conv: null, reason: 'turned off by TRAINKIT_NATIVE=0' });
});

test('another OS than Linux stays on wasm and says why', () => {
  const probe = findNative({}, 'darwin');
  assert.equal(probe.blas, null);
  assert.match(probe.reason ?? '', /for Linux, this is darwin/);
});

test('a library path that does not exist is no error: the reason names it and what to install', async () => {
  let probe: ReturnType<typeof findNative> | undefined;
  const warnings = await warningsOf(() => (probe = findNative({ TRAINKIT_OPENBLAS: '/nonexistent/libopenblas.so.0' })));
  assert.equal(probe?.blas, null);
  assert.match(probe?.reason ?? '', /no OpenBLAS \(\/nonexistent\/libopenblas\.so\.0 does not exist\)/);
  assert.ok(probe?.reason?.endsWith(NATIVE_INSTALL_HINT));
  assert.deepEqual(warnings.filter((w) => w.includes('nonexistent')), []);
});

test('a file that is not a library gives one warning naming it and the fallback, never an exception', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trainkit-native-'));
  const fake = path.join(dir, 'libopenblas.so.0');
  fs.writeFileSync(fake, 'not a shared library\n');
  try {
    let probe: ReturnType<typeof findNative> | undefined;
    const warnings = await warningsOf(() => (probe = findNative({ TRAINKIT_OPENBLAS: fake, TRAINKIT_DNNL: fake })));
    assert.equal(probe?.blas, null);
    assert.equal(probe?.conv, null);
    assert.equal(warnings.length, 2, 'one per library');
    assert.ok(warnings[0].includes(fake), warnings[0]);
    assert.match(warnings[0], /matrix products stay on wasm/);
    assert.match(warnings[1], /convolutions stay on wasm/);
    assert.ok(warnings.every((w) => !w.includes('\n')));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a shared library without cblas_sgemm is refused the same way', { skip: NO_NATIVE }, async () => {
  let probe: ReturnType<typeof findNative> | undefined;
  const warnings = await warningsOf(() => (probe = findNative({ TRAINKIT_OPENBLAS: 'libc.so.6', TRAINKIT_DNNL: 'libc.so.6' })));
  assert.equal(probe?.blas, null);
  assert.deepEqual(warnings.map((w) => w.replace(/(usable [^:]*): [^;]*;/, '$1:…;')), [
    'native kernels: libc.so.6 is not a usable OpenBLAS:…; matrix products stay on wasm',
    'native kernels: libc.so.6 is not a usable oneDNN 2.x:…; convolutions stay on wasm',
  ]);
});

test('the OpenBLAS found reports its build and two threads', { skip: NO_NATIVE }, () => {
  const { blas } = findNative({});
  assert.match(blas?.version ?? '', /^OpenBLAS \d+\.\d+/);
  assert.equal(blas?.threads, Math.min(2, os.availableParallelism()));
});

test('the oneDNN found is a 2.x', { skip: NO_ONEDNN }, () => {
  assert.match(findNative({}).conv?.version ?? '', /^oneDNN 2\.\d+\.\d+$/);
});

/** Runs a small training step in a fresh process (the native library is found once per process). */
function childInfo(env: NodeJS.ProcessEnv): { native: { kernels: string[]; libraries: string[]; threads?: number; reason?: string }; threads: number; products: number; fixes: string[] } {
  const script = `
    import * as tf from '@tensorflow/tfjs-core';
    import '@tensorflow/tfjs-layers';
    import { useBestBackend, backendInfo } from './src/engine/index.ts';
    import { nativeProducts } from './src/engine/native/blas.ts';
    await useBestBackend();
    const w = tf.variable(tf.randomNormal([64, 10], 0, 0.1, 'float32', 1));
    const x = tf.randomNormal([32, 64], 0, 1, 'float32', 2);
    const { grads } = tf.variableGrads(() => tf.mean(tf.square(tf.matMul(x, w))));
    await grads[w.name].data();
    const { native, threads, fixes } = backendInfo();
    console.log(JSON.stringify({ native, threads, fixes, products: nativeProducts() }));
  `;
  const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: repoRoot,
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 120_000,
  });
  assert.equal(child.status, 0, child.stderr);
  return JSON.parse(child.stdout.trim().split('\n').pop()!);
}

test('useBestBackend runs matrix products natively, XNNPACK on one thread, and backendInfo says which library', { skip: NO_NATIVE }, () => {
  const info = childInfo({ TRAINKIT_NATIVE: '', TRAINKIT_DNNL: '/nonexistent/libdnnl.so.2' });
  assert.deepEqual(info.native.kernels, ['BatchMatMul', '_FusedMatMul', 'Conv2DBackpropFilter']);
  assert.equal(info.native.libraries.length, 1);
  assert.match(info.native.libraries[0], /^OpenBLAS \d.*\(.*libopenblas\.so\.0\)$/);
  assert.equal(info.native.threads, Math.min(2, os.availableParallelism()));
  assert.match(info.native.reason ?? '', /no oneDNN 2\.x .*: apt-get install libopenblas0-pthread libdnnl2$/);
  assert.equal(info.threads, 1);
  assert.ok(info.products >= 2, 'the forward product and a gradient ran natively');
});

test('with oneDNN too, the convolutions run natively and backendInfo lists both libraries', { skip: NO_ONEDNN }, () => {
  const info = childInfo({ TRAINKIT_NATIVE: '' });
  assert.deepEqual(info.native.kernels, ['BatchMatMul', '_FusedMatMul', 'Conv2DBackpropFilter', 'Conv2D', 'FusedConv2D', 'Conv2DBackpropInput']);
  assert.match(info.native.libraries[1], /^oneDNN 2\.\d+\.\d+ \(.*libdnnl\.so\.2\)$/);
  assert.equal(info.native.reason, undefined);
});

test('TRAINKIT_NATIVE=0 gives the wasm route: no native product, the reason in backendInfo', () => {
  const info = childInfo({ TRAINKIT_NATIVE: '0' });
  assert.deepEqual(info.native, { kernels: [], libraries: [], reason: 'turned off by TRAINKIT_NATIVE=0' });
  assert.equal(info.products, 0);
  assert.ok(info.fixes.includes('BatchMatMul'), 'trainkit\'s wasm BatchMatMul is still registered');
});

test('a native option that is not a boolean is an InvalidArgumentError naming it', async () => {
  await assert.rejects(useBackend('wasm', { native: 'yes' as unknown as boolean }), (e: unknown) => {
    assert.ok(e instanceof InvalidArgumentError);
    assert.match(e.message, /native/);
    assert.match(e.message, /yes/);
    return true;
  });
});
