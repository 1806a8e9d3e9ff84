import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { EngineError, InvalidArgumentError } from '../errors.js';
import { backendInfo, useBackend, useBestBackend, type BackendName } from './backend.js';
import { WASM_FIXES } from './kernels/fixes.js';

// One process per test file: the tests below run in order and share the engine's global state.

function tfjsNodeInstalled(): boolean {
  try {
    import.meta.resolve('@tensorflow/tfjs-node');
    return true;
  } catch {
    return false;
  }
}

test('backendInfo says no backend was chosen before any choice', () => {
  const info = backendInfo();
  assert.equal(info.name, 'none');
  assert.match(info.reason ?? '', /useBestBackend/);
});

test('an unknown backend name is an InvalidArgumentError that lists the valid names', async () => {
  await assert.rejects(useBackend('gpu' as BackendName), (e: unknown) => {
    assert.ok(e instanceof InvalidArgumentError);
    assert.match(e.message, /"gpu"/);
    for (const name of ['tensorflow', 'wasm', 'cpu']) assert.match(e.message, new RegExp(`"${name}"`));
    return true;
  });
});

test('bad backend options are rejected naming the value', async () => {
  for (const threads of [0, 9, 1.5, Number.NaN, '2']) {
    await assert.rejects(useBackend('wasm', { threads: threads as number }), (e: unknown) => {
      assert.ok(e instanceof InvalidArgumentError);
      assert.equal(e.option, 'threads');
      return true;
    });
  }
  await assert.rejects(useBackend('wasm', { fixes: 'yes' as unknown as boolean }), InvalidArgumentError);
  await assert.rejects(useBestBackend({ threads: -1 }), InvalidArgumentError);
  assert.equal(backendInfo().name, 'none', 'nothing was started by a rejected call');
});

test('useBackend("cpu") selects the cpu backend and backendInfo reports it', async () => {
  assert.equal(await useBackend('cpu'), 'cpu');
  assert.equal(tf.getBackend(), 'cpu');
  assert.deepEqual(backendInfo(), { name: 'cpu', threads: 1, simd: false, fixes: [] });
});

test('useBackend("tensorflow") without @tensorflow/tfjs-node is an EngineError saying so', async (t) => {
  if (tfjsNodeInstalled()) return t.skip('@tensorflow/tfjs-node is installed here');
  await assert.rejects(useBackend('tensorflow'), (e: unknown) => {
    assert.ok(e instanceof EngineError);
    assert.match(e.message, /tfjs-node is not installed/);
    return true;
  });
  assert.equal(tf.getBackend(), 'cpu', 'the failed choice changed nothing');
});

test('a browser backend whose package was not imported is an EngineError', async () => {
  await assert.rejects(useBackend('webgl'), /import @tensorflow\/tfjs-backend-webgl/);
});

test('useBestBackend picks wasm with every fix when tfjs-node is absent, says why, and is idempotent', async (t) => {
  if (tfjsNodeInstalled()) return t.skip('@tensorflow/tfjs-node is installed here');
  assert.equal(await useBestBackend(), 'wasm');
  const info = backendInfo();
  assert.equal(info.name, 'wasm');
  assert.equal(info.simd, true);
  assert.ok(info.threads >= 1);
  assert.deepEqual(info.fixes, WASM_FIXES.map((f) => f.kernelName));
  assert.match(info.reason ?? '', /tensorflow: @tensorflow\/tfjs-node is not installed/);
  assert.equal(await useBestBackend(), 'wasm');
  assert.deepEqual(backendInfo(), info);
  const y = tf.tidy(() => tf.matMul(tf.ones([2, 3]), tf.ones([4, 3]), false, true).dataSync());
  assert.deepEqual(Array.from(y), new Array(8).fill(3));
});

test('wasm with fixes off is wasm as shipped, and says so', async () => {
  await useBackend('wasm', { fixes: false });
  const info = backendInfo();
  assert.deepEqual(info.fixes, []);
  assert.match(info.reason ?? '', /as shipped/);
  assert.equal(tf.getKernel('Conv2DBackpropFilter', 'wasm'), undefined);
  await useBackend('wasm');
  assert.equal(backendInfo().fixes.length, WASM_FIXES.length);
});

test('the wasm thread count is fixed once wasm has started', async () => {
  const { threads } = backendInfo();
  await useBackend('wasm', { threads }); // the same count is fine
  await assert.rejects(useBackend('wasm', { threads: threads === 1 ? 2 : 1 }), (e: unknown) => {
    assert.ok(e instanceof EngineError);
    assert.match(e.message, /thread count is fixed/);
    return true;
  });
  assert.equal(tf.getBackend(), 'wasm');
});

test('backendInfo reports a backend selected outside trainkit', async () => {
  await tf.setBackend('cpu');
  const info = backendInfo();
  assert.equal(info.name, 'cpu');
  assert.match(info.reason ?? '', /outside trainkit/);
  await useBackend('wasm');
  assert.equal(backendInfo().name, 'wasm');
});
