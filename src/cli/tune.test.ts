import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from './main.js';
import { root } from './run-fixtures.fixture.js';
import { prunerFlag, samplerFlag, workerArgs } from './tune.js';
import { INTERRUPTED, runWorker, trialLine } from './worker.js';

mkdirSync(join(root, 'out'), { recursive: true });
const dir = mkdtempSync(join(root, 'out', 'tune-cli-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

/** A tune file: minimize (x - 0.3)² + n/10 over a float and an int; trial 2 fails, each trial takes `ms`. */
function tuneFile(name: string, body?: string): string {
  const file = join(dir, name);
  const src = JSON.stringify(join(root, 'src', 'tune', 'index.js'));
  writeFileSync(
    file,
    body ??
      `import { defineTune } from ${src};
export default defineTune({
  async objective(trial) {
    const x = await trial.suggestFloat('x', 0, 1);
    const n = await trial.suggestInt('n', 0, 3);
    await new Promise((r) => setTimeout(r, 15));
    if (trial.number === 2) throw new Error('out of memory');
    return (x - 0.3) ** 2 + n / 10;
  },
});
`,
  );
  return file;
}

function run(args: string[]): Promise<{ code: number; lines: string[] }> {
  const lines: string[] = [];
  return main(args, (s) => lines.push(s)).then((code) => ({ code, lines }));
}

test('tune and worker refuse bad arguments with one line naming the problem', async () => {
  const file = tuneFile('ok.ts');
  const cases: Array<[string[], RegExp]> = [
    [['tune'], /^tune takes exactly one tune FILE \(got 0\)/],
    [['tune', file, '--workers', '0'], /^Invalid --workers: "0" \(expected a positive integer\)$/],
    [['tune', file, '--trials', '0'], /^Invalid --trials: "0"/],
    [['tune', file, '--sampler', 'bayes'], /^Invalid --sampler: "bayes" \(expected one of tpe, random, grid\)$/],
    [['tune', file, '--pruner', 'early'], /^Invalid --pruner: "early" \(expected one of median, asha, hyperband, none\)$/],
    [['tune', file, '--storage', 'mysql://db/x'], /^Invalid storage: "mysql:\/\/db\/x" \(expected a store URL/],
    [['tune', join(dir, 'missing.ts'), '--storage', 'memory:'], /^Tune file not found: /],
    [['tune', tuneFile('empty.ts', 'export default { direction: "minimize" };\n'), '--storage', 'memory:'], /has no objective function; expected defineTune\(\{ objective\(trial\)/],
    [['tune', tuneFile('none.ts', 'export const x = 1;\n'), '--storage', 'memory:'], /must have a default export defineTune\(.*found undefined$/],
    [['worker', file, '--workers', '2'], /^worker runs one worker: --workers is an option of tune/],
  ];
  for (const [args, message] of cases)
    await assert.rejects(run(args), (e: Error) => message.test(e.message) && !e.message.includes('\n'), `${args.join(' ')}`);
});

test('--sampler and --pruner names map to the registry (hyperband estimates its maximum resource); a grid without its tune-file space, and unknown names, are refused by name', () => {
  assert.equal(samplerFlag('tpe')({ seed: 3 }).description, 'tpe(seed=3, startupTrials=10, multivariate=false)');
  assert.match(prunerFlag('asha')({}).description, /^successiveHalving\(/);
  assert.throws(() => samplerFlag('grid')({}), /Invalid --sampler: "grid" \(expected a tune file that exports its grid/);
  assert.equal(prunerFlag('hyperband')({}).description, 'hyperband(minResource=1, maxResource=auto, reductionFactor=3)');
  assert.throws(() => samplerFlag('bayes'), /Invalid --sampler: "bayes" \(expected one of tpe, random, grid\)/);
  assert.throws(() => prunerFlag('x'), /Invalid --pruner: "x" \(expected one of median, asha, hyperband, none\)/);
});

test('the command line exits with status 2 and one line on stderr for bad input', () => {
  const r = spawnSync(process.execPath, ['--conditions=trainkit-source', '--import', 'tsx', join(root, 'src', 'cli', 'main.ts'), 'tune', 'x.ts', '--workers', '0'], {
    encoding: 'utf8',
    cwd: root,
  });
  assert.equal(r.status, 2);
  assert.equal(r.stderr, 'trainkit: Invalid --workers: "0" (expected a positive integer)\n');
});

test('a worker run on memory: writes one JSON line per finished trial, failures included, and finishes the budget', async () => {
  const lines: string[] = [];
  const code = await runWorker({ file: tuneFile('w.ts'), storage: 'memory:', study: 'w', trials: 4, seed: 3, backend: 'cpu', log: (s) => lines.push(s), isTTY: false });
  assert.equal(code, 0);
  const rows = lines.map((l) => JSON.parse(l));
  assert.deepEqual(rows.map((r) => [r.trial, r.state]), [[0, 'complete'], [1, 'complete'], [2, 'failed'], [3, 'complete'], [4, 'complete']]);
  assert.equal(rows[2].failReason, 'Error: out of memory');
  for (const r of rows.filter((x) => x.state === 'complete')) assert.equal(r.value, (r.params.x - 0.3) ** 2 + r.params.n / 10);
  let best = Infinity;
  for (const r of rows) {
    if (r.state === 'complete') best = Math.min(best, r.value);
    assert.equal(r.best, best);
  }
  assert.match(rows[0].worker, /:\d+$/);
});

test('tune on memory: runs its workers as loops of this process and ends with the study\'s outcome', async () => {
  const { code, lines } = await run(['tune', tuneFile('t.ts'), '--storage', 'memory:', '--trials', '3', '--workers', '2', '--seed', '1', '--backend', 'cpu', '--json']);
  assert.equal(code, 0);
  const rows = lines.map((l) => JSON.parse(l));
  const summary = rows.pop();
  assert.deepEqual(rows.map((r) => r.trial).sort(), [0, 1, 2, 3]);
  assert.deepEqual({ ...summary, best: undefined }, { study: 't', complete: 3, pruned: 0, failed: 1, best: undefined });
  const completed = rows.filter((r) => r.state === 'complete');
  const best = completed.reduce((a, b) => (b.value < a.value ? b : a));
  assert.deepEqual(summary.best, { trial: best.trial, value: best.value, params: best.params });
});

test('an interrupted worker records its running trial as failed and exits with 130', async () => {
  const controller = new AbortController();
  const lines: string[] = [];
  const code = await runWorker({
    file: tuneFile('i.ts'),
    storage: 'memory:',
    study: 'i',
    trials: 10,
    backend: 'cpu',
    isTTY: false,
    signal: controller.signal,
    log: (s) => {
      // Ctrl-C while trial 1 runs (each trial takes 15 ms)
      if (lines.push(s) === 1) setTimeout(() => controller.abort(), 5);
    },
  });
  assert.equal(code, INTERRUPTED);
  const rows = lines.map((l) => JSON.parse(l));
  assert.deepEqual(rows.map((r) => [r.trial, r.state ?? r.event]), [[0, 'complete'], [1, 'failed'], [undefined, 'interrupted']]);
  assert.equal(rows[1].failReason, 'interrupted before it finished');
});

test('worker processes get distinct seeds, and the storage URL stays off their command line', () => {
  const o = { file: 'f.ts', storage: 'postgres://u:secret@h/db', study: 's', workers: 2, trials: 8, seed: 5, sampler: 'random', log: () => {}, isTTY: false };
  assert.deepEqual(workerArgs(o, 1), ['worker', 'f.ts', '--study', 's', '--trials', '8', '--sampler', 'random', '--seed', '6', '--json']);
  assert.ok(!workerArgs(o, 0).join(' ').includes('secret'));
});

test('on a terminal a trial line reads as aligned text', () => {
  const t = { id: 1, number: 7, state: 'complete' as const, params: { lr: 0.00123456789, act: 'relu' }, distributions: {}, value: 0.5, intermediate: [], userAttrs: {}, retries: 0 };
  assert.equal(trialLine(t, { ...t, number: 3, value: 0.25 }, true), 'trial    7  complete  value 0.5  best 0.25 (trial 3)  lr=0.00123457 act="relu"');
  assert.equal(
    trialLine({ ...t, state: 'failed', value: undefined, userAttrs: { failReason: 'Error: boom' } }, undefined, true),
    'trial    7  failed    (Error: boom)  best -  lr=0.00123457 act="relu"',
  );
});
