// A user's own project: the `npm pack` tarball installed in an empty folder beside
// @tensorflow/tfjs-layers (from npm's cache when it holds them, as after `npm ci`; else the registry),
// a run file there that imports 'trainkit', trained with the installed `trainkit` command.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
// The child processes must not resolve 'trainkit' to this repository's sources.
const env = { ...process.env, NODE_OPTIONS: '' };

function run(cmd: string, args: string[], cwd: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', timeout: 300_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const RUN_FILE = `import * as tfl from '@tensorflow/tfjs-layers';
import { adamw, arrayDataset, defineRun } from 'trainkit';

// Two separable blobs in 2-D: class = sign of x0 + x1.
export default defineRun(async ({ seed, epochs = 20 }) => {
  const n = 256;
  const x = new Float32Array(2 * n);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const a = Math.sin(i * 12.9898 + seed) * 43758.5453;
    const b = Math.sin(i * 78.233 + seed) * 12345.6789;
    x[2 * i] = (a - Math.floor(a)) * 2 - 1;
    x[2 * i + 1] = (b - Math.floor(b)) * 2 - 1;
    y[i] = x[2 * i] + x[2 * i + 1] > 0 ? 1 : 0;
  }
  const data = arrayDataset({ size: n, xShape: [2], x, yShape: [], y, numClasses: 2 });
  const model = tfl.sequential({ layers: [tfl.layers.dense({ units: 2, inputShape: [2], kernelInitializer: tfl.initializers.glorotUniform({ seed: seed + 1 }) })] });
  const learningRate = Number(process.env.USER_LR ?? 0.05);
  return { model, data: { train: data, test: data }, optimizer: (lr) => adamw({ learningRate: lr }), learningRate, epochs, batchSize: 32 };
});
`;

test('a project that installs the packed tarball trains its own run file with the installed CLI, records it in a store and serves it in the command center; bad options get one line and status 2', { timeout: 600_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'trainkit-user-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const packed = run('npm', ['pack', '--silent', '--pack-destination', dir], repo);
  assert.equal(packed.status, 0, packed.stderr);
  const tarball = join(dir, packed.stdout.trim().split('\n').at(-1)!);
  assert.ok(existsSync(tarball), `npm pack wrote ${tarball}`);
  const project = join(dir, 'project');
  run('mkdir', ['-p', project], dir);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'user-project', private: true, type: 'module' }));
  const layers = `@tensorflow/tfjs-layers@${pkg.dependencies['@tensorflow/tfjs-layers']}`;
  const installed = run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--silent', tarball, layers], project);
  assert.equal(installed.status, 0, installed.stderr);
  writeFileSync(join(project, 'train.ts'), RUN_FILE);
  const cli = join(project, 'node_modules', '.bin', 'trainkit');

  const ok = run(cli, ['train', 'train.ts', '--backend', 'cpu', '--json', '--out', 'out'], project);
  assert.equal(ok.status, 0, ok.stderr);
  const lines = ok.stdout.trim().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
  const last = lines.at(-1)!;
  assert.equal(last.event, 'test');
  // A linear model on linearly separable blobs: after 20 epochs (measured: 0.992, 254 of 256) it classifies nearly all of them.
  assert.ok((last.accuracy as number) >= 0.95, `test accuracy ${String(last.accuracy)}`);
  assert.ok(existsSync(join(project, 'out', 'model', 'model.json')));

  // A bad option inside the user's run file (another module copy than the CLI's would break instanceof).
  const bad = spawnSync(cli, ['train', 'train.ts', '--backend', 'cpu'], { cwd: project, env: { ...env, USER_LR: '-1' }, encoding: 'utf8' });
  assert.equal(bad.status, 2, bad.stderr);
  assert.equal(bad.stderr.trim().split('\n').length, 1, bad.stderr);
  assert.match(bad.stderr, /^trainkit: Invalid learningRate: -1 \(expected/);

  const badFlag = run(cli, ['train', 'train.ts', '--epochs', '0'], project);
  assert.equal(badFlag.status, 2);
  assert.equal(badFlag.stderr.trim(), 'trainkit: Invalid --epochs: "0" (expected a positive integer)');

  // The run recorded in a store, and the installed dashboard serving it: the page comes prebuilt
  // from the package's dist/ (the project has no esbuild of its own to bundle it).
  const recorded = run(cli, ['train', 'train.ts', '--backend', 'cpu', '--json', '--out', 'out2', '--storage', 'sqlite:./runs.db', '--study', 'mine'], project);
  assert.equal(recorded.status, 0, recorded.stderr);
  const dashboard = spawn(cli, ['dashboard', '--storage', 'sqlite:./runs.db', '--port', '0'], { cwd: project, env, stdio: ['ignore', 'pipe', 'pipe'] });
  t.after(() => void dashboard.kill('SIGKILL'));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    dashboard.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /http:\/\/127\.0\.0\.1:\d+/.exec(out);
      if (m) resolve(m[0]);
    });
    dashboard.once('exit', (code) => reject(new Error(`trainkit dashboard exited (${code}) before printing its address: ${out}`)));
  });
  const studies = (await (await fetch(`${url}/api/studies`)).json()) as Array<{ name: string; trials: { complete: number } }>;
  assert.deepEqual(studies.map((s) => [s.name, s.trials.complete]), [['mine', 1]]);
  const page = await fetch(`${url}/`);
  assert.equal(page.status, 200);
  assert.match(await page.text(), /<script[^>]+src="\/assets\/app\.js"/);
  const app = await fetch(`${url}/assets/app.js`);
  assert.equal(app.status, 200);
  assert.ok((await app.text()).length > 10_000, 'the bundled page script is served');
  dashboard.kill('SIGINT');
  assert.equal(await new Promise((resolve) => dashboard.once('exit', resolve)), 0);
});
