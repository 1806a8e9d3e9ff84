import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, test } from 'node:test';
import { openStore } from '../store/open.js';
import type { StudyEvent, TrialSummary } from './api.js';
import { openEvents, type EventStream } from './http.fixture.js';
import { startDashboard, type Dashboard } from './server.js';
import { addTrial } from './study.fixture.js';

const WRITER = fileURLToPath(new URL('./writer.fixture.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'trainkit-dashboard-proc-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const ASSETS = { 'index.html': '<!doctype html>', 'app.js': '', 'app.css': '' };

/** Starts a writer process and resolves once it has reported. */
async function startWriter(url: string, study: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--conditions=trainkit-source', '--import', 'tsx', WRITER, url, study], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const [line] = await Promise.race([
    once(child.stdout!, 'data') as Promise<[Buffer]>,
    once(child, 'exit').then(() => {
      throw new Error(`writer exited before writing: ${err}`);
    }),
  ]);
  assert.match(line.toString(), /"ready":true/);
  return child;
}

/** GETs the API routes `rounds` times in a row; every answer must be 200 with a JSON body. */
async function hammer(d: Dashboard, rounds: number): Promise<number> {
  let answered = 0;
  for (let i = 0; i < rounds; i++) {
    for (const path of ['/api/studies', '/api/studies/busy/trials', '/api/studies/busy/overview', '/api/studies/busy/trials/0']) {
      const res = await fetch(`${d.url}${path}`);
      assert.equal(res.status, 200, `${path}: ${await res.clone().text()}`);
      await res.json();
      answered++;
    }
  }
  return answered;
}

/** Reads updates until none came for `ms` (the writers are gone). */
async function drain(stream: EventStream, ms: number): Promise<void> {
  for (;;) {
    try {
      await stream.next('update', ms);
    } catch {
      return;
    }
  }
}

test('the server keeps answering while another process writes the SQLite file and while a writer is SIGKILLed', { timeout: 60_000 }, async (t) => {
  const url = `sqlite:${join(dir, 'busy.db')}`;
  const writer = await startWriter(url, 'busy');
  const d = await startDashboard({ storage: url, assets: ASSETS });
  try {
    const events = await openEvents(`${d.url}/api/studies/busy/events`);
    assert.equal((await events.next()).type, 'snapshot');
    const answered = await hammer(d, 10);
    let streamed = 0;
    for (let i = 0; i < 3; i++)
      for (const u of ((await events.next('update', 5000)) as Extract<StudyEvent, { type: 'update' }>).trials) streamed += u.append.length;
    t.diagnostic(`${answered} answers, then ${streamed} points in 3 updates, while the writer wrote`);
    assert.ok(streamed > 0, 'the writer\'s reports reached the stream');

    writer.kill('SIGKILL');
    await once(writer, 'exit');
    const afterKill = await hammer(d, 5);
    assert.equal(afterKill, 20);
    const trials = (await (await fetch(`${d.url}/api/studies/busy/trials`)).json()) as TrialSummary[];
    const orphan = trials.find((x) => x.state === 'running');
    assert.ok(orphan !== undefined, 'the killed writer\'s trial');
    await drain(events, 400);

    // The stream still works: a report on another connection arrives; the orphan stays running (the dashboard never reaps).
    const other = await openStore(url);
    try {
      const study = (await other.getStudy('busy'))!;
      const lease = await addTrial(other, study.id, { reports: [[0, 42]] });
      let found = false;
      while (!found) {
        const e = (await events.next('update', 5000)) as Extract<StudyEvent, { type: 'update' }>;
        found = e.trials.some((u) => u.number === lease.number && u.append.some(([, v]) => v === 42));
      }
      const again = (await (await fetch(`${d.url}/api/studies/busy/trials/${orphan.number}`)).json()) as TrialSummary;
      assert.equal(again.state, 'running', 'a read-only view does not fail the orphaned trial');
    } finally {
      await other.close();
    }
    events.close();
  } finally {
    if (writer.exitCode === null && writer.signalCode === null) writer.kill('SIGKILL');
    await d.close();
  }
});
