import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { curvesOf, type EpochRecord } from '../report/curves.js';
import { diagnose, diagnosisOptions } from '../report/diagnose.js';
import { openStore } from '../store/open.js';
import type { FrozenTrial } from '../store/types.js';
import { main } from './main.js';
import { root, tinyRunFile } from './run-fixtures.fixture.js';
import { defaultStudyName } from './train-study.js';

function run(args: string[]): Promise<{ code: number; lines: string[] }> {
  const lines: string[] = [];
  return main(args, (s) => lines.push(s)).then((code) => ({ code, lines }));
}

/** The studies in a store, with their trials. */
async function read(url: string): Promise<Array<{ name: string; direction: string; trials: FrozenTrial[] }>> {
  const store = await openStore(url);
  try {
    const out = [];
    for (const s of await store.listStudies()) {
      const record = (await store.getStudy(s.name))!;
      out.push({ name: s.name, direction: record.direction, trials: await store.getTrials(record.id) });
    }
    return out;
  } finally {
    await store.close();
  }
}

test('train --storage records the run as a one-trial study: params, epoch records, the final loss', async () => {
  mkdirSync(join(root, 'out'), { recursive: true });
  const dir = mkdtempSync(join(root, 'out', '.test-train-study-'));
  try {
    const file = tinyRunFile(dir);
    const url = `sqlite:${join(dir, 'runs.db')}`;
    const before = tf.memory().numTensors;
    const { code, lines } = await run(['train', file, '--epochs', '2', '--seed', '3', '--backend', 'cpu', '--out', join(dir, 'a'), '--json', '--storage', url, '--study', 'tiny']);
    assert.equal(code, 0);
    assert.equal(tf.memory().numTensors, before);
    const events = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.deepEqual(events[0], { event: 'recording', storage: url, study: 'tiny', trial: 0 });
    const epochs = events.filter((e) => e.event === 'epoch');
    const [study] = await read(url);
    assert.equal(study.name, 'tiny');
    assert.equal(study.direction, 'minimize');
    assert.equal(study.trials.length, 1);
    const [t] = study.trials;
    assert.equal(t.state, 'complete');
    // No validation split in the tiny run: the monitored value is the training loss.
    assert.equal(t.value, epochs[1].loss);
    assert.deepEqual(t.intermediate, [[0, epochs[0].loss], [1, epochs[1].loss]]);
    assert.deepEqual(t.params, { epochs: 2, batchSize: 16, seed: 3, logEvery: 10, learningRate: 0.05, loss: 'softmaxCrossEntropy', emaDecay: 0.9 });
    assert.equal(t.userAttrs.command, 'train');
    assert.equal(t.userAttrs.classes, 3);
    assert.equal(t.userAttrs.file, file);
    // 256 examples / 16 = 16 steps per epoch, a logging step every 10: steps 10, 20, 30.
    assert.deepEqual((t.userAttrs['epoch:1'] as EpochRecord).steps?.step, [20, 30]);
    const curves = curvesOf(t.userAttrs);
    assert.deepEqual(curves.loss, [[1, epochs[0].loss], [2, epochs[1].loss]]);
    assert.deepEqual(curves['step:lr'], [[10, 0.05], [20, 0.05], [30, 0.05]]);
    assert.equal(curves['step:updateRatio'].length, 3);
    // The run.json steps are the ones recorded.
    const runJson = JSON.parse(readFileSync(join(dir, 'a', 'run.json'), 'utf8')) as { history: { steps: Array<{ step: number; loss: number }> } };
    assert.deepEqual(curves['step:loss'], runJson.history.steps.map((s) => [s.step, s.loss]));

    // A second run without --study: a new study named after the file and the time.
    const second = await run(['train', file, '--epochs', '1', '--backend', 'cpu', '--out', join(dir, 'b'), '--json', '--storage', url]);
    assert.equal(second.code, 0);
    const names = (await read(url)).map((s) => s.name);
    assert.equal(names.length, 2);
    assert.match(names.find((n) => n !== 'tiny')!, /^tiny-run-\d{8}-\d{6}$/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('train --storage: a run whose loss becomes NaN is a failed trial with the reason and the steps it made, diagnosed lr-too-high', async () => {
  mkdirSync(join(root, 'out'), { recursive: true });
  const dir = mkdtempSync(join(root, 'out', '.test-train-study-'));
  try {
    const tiny = tinyRunFile(dir);
    const file = join(dir, 'diverging-run.ts');
    // A rate of 1e38, and every step logged: the first update overflows the weights.
    writeFileSync(file, readFileSync(tiny, 'utf8').replace('learningRate: 0.05', 'learningRate: 1e38').replace('batchSize: 16,', 'batchSize: 16,\n  logEvery: 1,'));
    const url = `sqlite:${join(dir, 'runs.db')}`;
    await assert.rejects(run(['train', file, '--epochs', '2', '--backend', 'cpu', '--out', join(dir, 'a'), '--json', '--storage', url, '--study', 'diverging']), /NaN or infinite/);
    const [{ trials: [t] }] = await read(url);
    assert.equal(t.state, 'failed');
    const badStep = Number(/^NonFiniteError: The training loss became NaN or infinite at step (\d+)/.exec(String(t.userAttrs.failReason))?.[1]);
    assert.ok(badStep > 1, String(t.userAttrs.failReason));
    // The steps before it, in the unfinished epoch's record.
    const steps = curvesOf(t.userAttrs)['step:loss'];
    assert.deepEqual(steps.map(([s]) => s), Array.from({ length: badStep - 1 }, (_, i) => i + 1));
    const findings = diagnose(curvesOf(t.userAttrs), diagnosisOptions(t.userAttrs, 'minimize'));
    assert.equal(findings[0].rule, 'lr-too-high');
    assert.equal(findings[0].level, 'problem');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('train --study without --storage is refused; defaultStudyName is the file\'s base name and the UTC time', async () => {
  await assert.rejects(run(['train', 'x.ts', '--study', 'a']), /--study names the study a run is recorded in: give --storage URL too/);
  assert.equal(defaultStudyName('examples/fashion-mnist-mlp.ts', new Date(Date.UTC(2025, 0, 2, 15, 4, 5, 678))), 'fashion-mnist-mlp-20250102-150405');
});
