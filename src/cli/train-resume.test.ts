import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { main } from './main.js';
import { root, tinyRunFile } from './run-fixtures.fixture.js';

function run(args: string[]): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  return main(args, (s) => lines.push(s)).then((code) => ({ code, out: lines.join('\n') }));
}

test('train --resume continues from the last epoch checkpoint: 1 epoch then a resumed 2nd gives the bytes of a straight 2-epoch run', async () => {
  mkdirSync(join(root, 'out'), { recursive: true });
  const dir = mkdtempSync(join(root, 'out', '.test-resume-'));
  try {
    const file = tinyRunFile(dir);
    const base = ['--backend', 'cpu', '--seed', '7', '--json'];
    const before = tf.memory().numTensors;
    const straight = await run(['train', file, '--epochs', '2', '--out', join(dir, 'a'), ...base]);
    const first = await run(['train', file, '--epochs', '1', '--out', join(dir, 'b'), ...base]);
    assert.ok(existsSync(join(dir, 'b', 'checkpoints', 'last.tkpt')), 'a checkpoint per epoch');
    const resumed = await run(['train', file, '--epochs', '2', '--out', join(dir, 'b'), '--resume', ...base]);
    assert.deepEqual([straight.code, first.code, resumed.code], [0, 0, 0]);
    assert.equal(tf.memory().numTensors, before);
    // The weights file a model directory's JSON names (content-named: same bytes, same name).
    const weightsOf = (d: string): Buffer => {
      const json = JSON.parse(readFileSync(join(d, 'params.json'), 'utf8')) as { weightsManifest: Array<{ paths: string[] }> };
      return readFileSync(join(d, json.weightsManifest[0].paths[0]));
    };
    for (const f of ['model', 'model-ema'])
      assert.ok(weightsOf(join(dir, 'a', f)).equals(weightsOf(join(dir, 'b', f))), `${f}: same weight bytes`);
    const lastLine = (out: string): unknown => JSON.parse(out.trim().split('\n').at(-1)!);
    assert.deepEqual(lastLine(resumed.out), lastLine(straight.out), 'same test metrics, EMA included');
    // The resumed run.json holds the whole history: epoch 0 from the first part, epoch 1 from the second.
    const [a, b] = ['a', 'b'].map((d) => JSON.parse(readFileSync(join(dir, d, 'run.json'), 'utf8')));
    assert.deepEqual(b.history.epochs, a.history.epochs);
    assert.deepEqual(b.history.steps, a.history.steps);
    assert.equal(b.config.resumed, true);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('train --resume without a checkpoint says where it looked', async () => {
  mkdirSync(join(root, 'out'), { recursive: true });
  const dir = mkdtempSync(join(root, 'out', '.test-resume-'));
  try {
    const file = tinyRunFile(dir);
    await assert.rejects(
      run(['train', file, '--epochs', '1', '--backend', 'cpu', '--out', join(dir, 'none'), '--resume']),
      /--resume: no checkpoint at .*none\/checkpoints\/last\.tkpt/,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
