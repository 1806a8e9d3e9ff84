import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, test } from 'node:test';
import { openStore } from '../store/open.js';
import { dashboardCommand } from './dashboard.js';

const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'trainkit-cli-dashboard-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('dashboard prints the address (of --study\'s page), serves the store until aborted, then closes it', async () => {
  const url = `sqlite:${join(dir, 'cmd.db')}`;
  const store = await openStore(url);
  await store.createStudy({ name: 'my study', direction: 'minimize' });
  await store.close();
  const lines: string[] = [];
  let printed!: () => void;
  const ready = new Promise<void>((r) => (printed = r));
  const controller = new AbortController();
  const done = dashboardCommand({
    storage: url,
    port: 0,
    study: 'my study',
    signal: controller.signal,
    log: (l) => {
      lines.push(l);
      printed();
    },
  });
  await ready;
  const [address] = lines[0].match(/http:\/\/127\.0\.0\.1:\d+\/#\/study\/my%20study/) ?? [];
  assert.ok(address, lines[0]);
  const studies = (await (await fetch(new URL('/api/studies', address))).json()) as Array<{ name: string }>;
  assert.deepEqual(studies.map((s) => s.name), ['my study']);
  controller.abort();
  assert.equal(await done, 0);
  assert.match(lines.at(-1)!, /stopped/);
  await assert.rejects(fetch(new URL('/api/studies', address)), 'no longer listening');
});

test('dashboard says when --study names no study yet, and when it listens beyond loopback', async () => {
  const lines: string[] = [];
  const controller = new AbortController();
  controller.abort();
  assert.equal(await dashboardCommand({ storage: 'memory:', port: 0, host: '0.0.0.0', study: 'later', signal: controller.signal, log: (l) => lines.push(l) }), 0);
  assert.match(lines.join('\n'), /no study named "later" yet/);
  assert.match(lines.join('\n'), /listening on 0\.0\.0\.0: anyone who can reach this machine/);
});

/** Runs `trainkit ARGS` in a child process; resolves with it once it printed a line. */
function trainkit(args: string[]): { child: ReturnType<typeof spawn>; firstLine: Promise<string>; output: () => string } {
  const child = spawn(process.execPath, ['--conditions=trainkit-source', '--import', 'tsx', MAIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const firstLine = new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) resolve(out.slice(0, out.indexOf('\n')));
    });
    child.on('exit', () => reject(new Error(`exited before printing: ${out}`)));
  });
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  return { child, firstLine, output: () => out };
}

test('trainkit dashboard stops cleanly on SIGINT (exit 0), and exits with 2 on a bad --port', async () => {
  const url = `sqlite:${join(dir, 'signal.db')}`;
  const run = trainkit(['dashboard', '--storage', url, '--port', '0']);
  const line = await run.firstLine;
  const [address] = line.match(/http:\/\/127\.0\.0\.1:\d+\//) ?? [];
  assert.ok(address, line);
  assert.equal((await fetch(`${address}api/studies`)).status, 200);
  run.child.kill('SIGINT');
  const [code] = (await once(run.child, 'exit')) as [number | null];
  assert.equal(code, 0, run.output());
  assert.match(run.output(), /stopped/);

  const bad = spawn(process.execPath, ['--conditions=trainkit-source', '--import', 'tsx', MAIN, 'dashboard', '--port', 'http'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  bad.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const [badCode] = (await once(bad, 'exit')) as [number | null];
  assert.equal(badCode, 2);
  assert.match(err, /trainkit: Invalid --port: "http" \(expected an integer from 0 \(any free port\) to 65535\)/);
});
