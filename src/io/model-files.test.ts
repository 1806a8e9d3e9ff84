import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { loadParams, saveParams } from './model-files.js';
import { treeLeavesWithPaths, type ParamTree } from '../tree/tree.js';

test('saveParams / loadParams: a nested parameter tree comes back with its structure, names, dtypes and bits', async () => {
  await tf.setBackend('cpu');
  const dir = mkdtempSync(join(tmpdir(), 'trainkit-params-'));
  try {
    const params: ParamTree = {
      dense1: { kernel: tf.tensor([[1.5, -2], [3e-39, NaN]]), bias: tf.tensor([0.25, -0]) },
      layers: [tf.scalar(7), { w: tf.tensor([1, 2, 3], [3], 'int32') }],
    };
    await saveParams(params, dir);
    const before = tf.memory().numTensors;
    const back = await loadParams(dir);
    assert.equal(tf.memory().numTensors, before + 4, 'four new tensors, owned by the caller');
    const a = treeLeavesWithPaths(params);
    const b = treeLeavesWithPaths(back);
    assert.deepEqual(b.map(([p]) => p), ['dense1.bias', 'dense1.kernel', 'layers[0]', 'layers[1].w']); // tree order: sorted keys
    a.forEach(([p, t], i) => {
      const u = b[i][1];
      assert.deepEqual(u.shape, t.shape, p);
      assert.equal(u.dtype, t.dtype, p);
      const bits = (x: tf.Tensor) => Array.from(new Uint32Array(new Float32Array(x.dataSync() as Float32Array).buffer));
      assert.deepEqual(bits(u), bits(t), `${p}: bits`);
    });
    tf.dispose([...a.map(([, t]) => t), ...b.map(([, t]) => t)]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('loadParams refuses a file that saveParams did not write, naming what it found', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'trainkit-params-'));
  try {
    writeFileSync(join(dir, 'params.json'), JSON.stringify({ format: 'layers-model', version: 1 }));
    await assert.rejects(loadParams(dir), /format.*layers-model v1.*trainkit-params version 1/s);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a save interrupted before its JSON leaves the previous model loadable; the next save removes the orphan', async () => {
  await tf.setBackend('cpu');
  const dir = mkdtempSync(join(tmpdir(), 'trainkit-params-'));
  try {
    const first = { w: tf.tensor([1, 2, 3]) };
    await saveParams(first, dir);
    // What a crash between the weights file and the JSON leaves: a new weights file nobody names.
    writeFileSync(join(dir, 'weights-00000000deadbeef.bin'), new Uint8Array(12));
    const back = (await loadParams(dir)) as { w: tf.Tensor };
    assert.deepEqual(Array.from(back.w.dataSync()), [1, 2, 3]);
    const second = { w: tf.tensor([4, 5, 6]) };
    await saveParams(second, dir);
    const files = readdirSync(dir).sort();
    assert.equal(files.length, 2, `params.json and one weights file, got ${files}`);
    assert.match(files[1], /^weights-[0-9a-f]{16}\.bin$/);
    const json = JSON.parse(readFileSync(join(dir, 'params.json'), 'utf8')) as { weightsManifest: Array<{ paths: string[] }> };
    assert.deepEqual(json.weightsManifest[0].paths, [files[1]]);
    tf.dispose([first.w, second.w, back.w]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
