import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from './main.js';

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

test('commands of later issues say they are not built yet and exit with 2', async () => {
  for (const cmd of ['train', 'tune', 'lr-find']) {
    const { code, out } = await run([cmd]);
    assert.equal(code, 2);
    assert.match(out, /not built yet/);
  }
  const { code, out } = await run(['frobnicate']);
  assert.equal(code, 2);
  assert.match(out, /Unknown command: "frobnicate"/);
});

test('demo races every optimizer on both problems and writes the plots', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'trainkit-demo-'));
  try {
    const { code, out } = await run(['demo', '--steps', '30', '--out', dir]);
    assert.equal(code, 0);
    for (const f of ['quadratic-paths.svg', 'quadratic-loss.svg', 'rosenbrock-paths.svg', 'rosenbrock-loss.svg'])
      assert.ok(existsSync(join(dir, f)), f);
    for (const name of ['SGD', 'Nesterov', 'AdaGrad', 'RMSProp', 'Adam', 'Lion', 'L-BFGS']) assert.match(out, new RegExp(`\\| ${name}`));
    // L-BFGS solves both problems; its row shows the optimum.
    assert.match(out, /L-BFGS \(full batch\) \| [0-9.e+-]+ \| \d+ \| \(1\.0000, 1\.0000\)/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
