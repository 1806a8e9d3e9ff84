import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { memoryStore } from '../store/memory.js';
import { openStore } from '../store/open.js';
import type { FrozenTrial, StudyRecord, TrialStore } from '../store/types.js';
import type { StudyEvent, TrialSummary, TrialUpdate } from './api.js';
import { eventHub, trialDelta, type EventHub } from './events.js';
import { openEvents } from './http.fixture.js';
import { startDashboard } from './server.js';
import { addTrial, demoStudy, LR } from './study.fixture.js';

const dir = mkdtempSync(join(tmpdir(), 'trainkit-events-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const ASSETS = { 'index.html': '<!doctype html>', 'app.js': '', 'app.css': '' };

function frozen(o: Partial<FrozenTrial>): FrozenTrial {
  return { id: 1, number: 0, state: 'running', params: {}, distributions: {}, intermediate: [], userAttrs: {}, retries: 0, ...o };
}

const updates = (e: StudyEvent): TrialUpdate[] => {
  assert.equal(e.type, 'update');
  return (e as Extract<StudyEvent, { type: 'update' }>).trials;
};

test('a trial delta carries the points the viewer lacks, a late lower step included, and nothing when nothing changed', () => {
  const first = trialDelta(undefined, frozen({ intermediate: [[0, 3], [2, 1]] }));
  assert.deepEqual(first.update?.append, [[0, 3], [2, 1]], 'a new trial: all its points');
  const second = trialDelta(first.view, frozen({ intermediate: [[0, 3], [1, 2], [2, 1], [5, 0.5]] }));
  assert.deepEqual(second.update?.append, [[1, 2], [5, 0.5]], 'step 1 arrived after step 2: sent too');
  assert.equal(second.update?.intermediateCount, 4);
  assert.equal(trialDelta(second.view, frozen({ intermediate: [[0, 3], [1, 2], [2, 1], [5, 0.5]] })).update, undefined);
  const finished = trialDelta(second.view, frozen({ intermediate: [[0, 3], [1, 2], [2, 1], [5, 0.5]], state: 'complete', value: 0.5, finished: 9 }));
  assert.deepEqual(finished.update, {
    number: 0, state: 'complete', params: {}, distributions: {}, value: 0.5, intermediateCount: 4, finished: 9, append: [],
  });
  const nan = trialDelta(finished.view, frozen({ intermediate: [[0, 3], [1, 2], [2, 1], [5, 0.5], [6, NaN]] }));
  assert.ok(Number.isNaN(nan.update!.append[0][1]) && nan.update!.append.length === 1, 'a diverged point is a point');
});

test('a client gets a snapshot on connect, then each report as an update with only the new points', async (t) => {
  const store = memoryStore();
  const study = await demoStudy(store);
  const d = await startDashboard({ storage: store, assets: ASSETS });
  try {
    const events = await openEvents(`${d.url}/api/studies/demo/events?points=4`);
    assert.equal(events.status, 200);
    assert.match(String(events.headers['content-type']), /^text\/event-stream/);
    assert.equal(events.headers['cache-control'], 'no-store');
    const snapshot = (await events.next()) as Extract<StudyEvent, { type: 'snapshot' }>;
    assert.equal(snapshot.type, 'snapshot');
    assert.deepEqual(snapshot.trials.map((x) => [x.number, x.state, x.intermediateCount]), [[0, 'complete', 5], [1, 'pruned', 2], [2, 'running', 3]]);
    assert.deepEqual(snapshot.trials[0].intermediate, [[0, 2], [1, 1.5], [3, 0.7], [4, 0.5]], 'downsampled to ?points');
    assert.deepEqual(snapshot.trials, (await (await fetch(`${d.url}/api/studies/demo/trials?points=4`)).json()) as TrialSummary[], 'as /trials would');

    const lease = await addTrial(store, study.id, { params: { lr: [0.02, LR] } });
    const started = performance.now();
    await store.report(lease, 0, 1.25);
    let got = updates(await events.next('update'));
    // The new trial may arrive first (claimed, param set) and its point in a later update.
    while (!got.some((u) => u.number === 3 && u.append.length > 0)) got = updates(await events.next('update'));
    t.diagnostic(`update arrived ${(performance.now() - started).toFixed(0)} ms after the report (memory:, poll 250 ms)`);
    const trial3 = got.find((u) => u.number === 3)!;
    assert.deepEqual(trial3.append, [[0, 1.25]]);
    assert.deepEqual(trial3.params, { lr: 0.02 });
    assert.equal(trial3.state, 'running');

    await store.report(lease, 2, 1);
    await store.report(lease, 1, 1.1); // out of order: step 1 after step 2
    await store.finishTrial(lease, 'complete', 1);
    const seen: Array<[number, number]> = [];
    let state = 'running';
    while (state !== 'complete') {
      for (const u of updates(await events.next('update'))) {
        assert.equal(u.number, 3, 'only the trial that changed');
        seen.push(...u.append);
        state = u.state;
      }
    }
    assert.deepEqual(seen.sort((a, b) => a[0] - b[0]), [[1, 1.1], [2, 1]], 'each new point once, none of the old ones');
    events.close();
  } finally {
    await d.close();
  }
});

test('over SQLite, a report from another connection reaches a subscriber (delay measured)', async (t) => {
  const url = `sqlite:${join(dir, 'delay.db')}`;
  const writer = await openStore(url);
  const study = await writer.createStudy({ name: 'live', direction: 'minimize' });
  const lease = await addTrial(writer, study.id, { reports: [[0, 1]] });
  const d = await startDashboard({ storage: url, assets: ASSETS });
  try {
    const events = await openEvents(`${d.url}/api/studies/live/events`);
    assert.equal((await events.next()).type, 'snapshot');
    const delays: number[] = [];
    for (let step = 1; step <= 5; step++) {
      const started = performance.now();
      await writer.report(lease, step, 1 / (step + 1));
      let u = updates(await events.next('update', 5000));
      while (!u.some((x) => x.append.some(([s]) => s === step))) u = updates(await events.next('update', 5000));
      delays.push(performance.now() - started);
      await new Promise((r) => setTimeout(r, 37 * step)); // report at different phases of the poll
    }
    t.diagnostic(`report → update over sqlite: ${delays.map((x) => x.toFixed(0)).join(', ')} ms (poll 250 ms)`);
    assert.equal(delays.length, 5);
    events.close();
  } finally {
    await d.close();
    await writer.close();
  }
});

test('a deleted study tells its subscribers and ends their streams; a new connection gets 404', async () => {
  const store = memoryStore();
  const study = await demoStudy(store);
  const d = await startDashboard({ storage: store, assets: ASSETS });
  try {
    const events = await openEvents(`${d.url}/api/studies/demo/events`);
    assert.equal((await events.next()).type, 'snapshot');
    await store.deleteStudy(study.id);
    assert.deepEqual(await events.next('study-deleted'), { type: 'study-deleted' });
    await events.ended;
    assert.equal((await fetch(`${d.url}/api/studies/demo/events`)).status, 404);
  } finally {
    await d.close();
  }
});

/** A hub behind a bare HTTP server, so a test can count its feeds. */
async function hubServer(store: TrialStore, o: { heartbeatMs?: number; pollMs?: number; maxBuffered?: number } = {}): Promise<{ hub: EventHub; url: (s: StudyRecord) => string; close(): Promise<void> }> {
  const hub = eventHub(store, o);
  const server = createServer((req, res) => {
    const name = decodeURIComponent(req.url!.slice(1));
    void store.getStudy(name).then((s) => hub.subscribe(s!, res, 1000));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    hub,
    url: (s) => `http://127.0.0.1:${port}/${encodeURIComponent(s.name)}`,
    close: async () => {
      hub.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 250 && !condition(); i++) await new Promise((r) => setTimeout(r, 20));
  assert.ok(condition(), what);
}

test('subscribers of a study share one feed, which stops when the last one disconnects', async () => {
  let polls = 0;
  const store = memoryStore();
  const counted: TrialStore = { ...store, changes: (id, since) => (polls++, store.changes(id, since)) };
  const a = await store.createStudy({ name: 'a', direction: 'minimize' });
  const b = await store.createStudy({ name: 'b', direction: 'minimize' });
  const lease = await addTrial(store, a.id, {});
  const h = await hubServer(counted);
  try {
    const one = await openEvents(h.url(a));
    const two = await openEvents(h.url(a));
    const other = await openEvents(h.url(b));
    for (const s of [one, two, other]) assert.equal((await s.next()).type, 'snapshot');
    assert.equal(h.hub.feeds, 2, 'one feed per study');
    await store.report(lease, 0, 1);
    assert.deepEqual(updates(await one.next('update'))[0].append, [[0, 1]]);
    assert.deepEqual(updates(await two.next('update'))[0].append, [[0, 1]]);
    one.close();
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(h.hub.feeds, 2, 'a study with a subscriber left keeps its feed');
    two.close();
    other.close();
    await until(() => h.hub.feeds === 0, 'every feed stops once nobody listens');
    const stopped = polls;
    await new Promise((r) => setTimeout(r, 600));
    assert.equal(polls, stopped, 'no polling without subscribers');
  } finally {
    await h.close();
  }
});

test('a prefetched feed loads the study before anyone asks, serves the first subscriber from it, and stops after its hold once nobody listens', async () => {
  let loads = 0;
  const store = memoryStore();
  const counted: TrialStore = { ...store, changes: (id, since) => (since === 0 && loads++, store.changes(id, since)) };
  const study = await store.createStudy({ name: 'early', direction: 'minimize' });
  const lease = await addTrial(store, study.id, {});
  await store.report(lease, 0, 0.5);
  const h = await hubServer(counted);
  try {
    h.hub.prefetch(study, 300);
    h.hub.prefetch(study, 300); // a second prefetch of a running feed changes nothing
    await until(() => loads === 1, 'the study is read once, with nobody subscribed');
    assert.equal(h.hub.feeds, 1);
    const events = await openEvents(h.url(study));
    const snapshot = await events.next();
    assert.equal(snapshot.type, 'snapshot');
    assert.deepEqual((snapshot as Extract<StudyEvent, { type: 'snapshot' }>).trials[0].intermediate, [[0, 0.5]]);
    assert.equal(loads, 1, 'the subscriber got the prefetched view, not a second load');
    events.close();
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(h.hub.feeds, 1, 'held while the prefetch hold lasts');
    await until(() => h.hub.feeds === 0, 'stopped after the hold, nobody listening');
    h.hub.prefetch(study, 50);
    await until(() => h.hub.feeds === 0, 'a prefetch nobody uses stops after its hold');
  } finally {
    await h.close();
  }
});

test('the server prefetches the newest study at start, or the one it is told, and a bad prefetch option is refused', async () => {
  const store = memoryStore();
  let loaded: number[] = [];
  const counted: TrialStore = { ...store, changes: (id, since) => (since === 0 && loaded.push(id), store.changes(id, since)) };
  const old = await store.createStudy({ name: 'old', direction: 'minimize' });
  await new Promise((r) => setTimeout(r, 5));
  const newest = await store.createStudy({ name: 'newest', direction: 'minimize' });
  for (const [prefetch, expected] of [[undefined, [newest.id]], ['old', [old.id]], [false, []]] as const) {
    loaded = [];
    const d = await startDashboard({ storage: counted, assets: ASSETS, ...(prefetch === undefined ? {} : { prefetch }) });
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(loaded, expected, `prefetch ${String(prefetch)}`);
    await d.close();
  }
  await assert.rejects(startDashboard({ storage: counted, assets: ASSETS, prefetch: 1 as never }), /prefetch/);
});

test('an idle stream gets heartbeat comments; a client that disconnects before its snapshot is forgotten', async () => {
  const store = memoryStore();
  const study = await store.createStudy({ name: 'quiet', direction: 'minimize' });
  const h = await hubServer(store, { heartbeatMs: 40 });
  try {
    const events = await openEvents(h.url(study));
    assert.equal((await events.next()).type, 'snapshot');
    await until(() => events.comments >= 2, 'two heartbeats');
    events.close();
    const early = await openEvents(h.url(study));
    early.close();
    await until(() => h.hub.feeds === 0, 'no feed left');
  } finally {
    await h.close();
  }
});

test('closing the dashboard ends open event streams', async () => {
  const store = memoryStore();
  await demoStudy(store);
  const d = await startDashboard({ storage: store, assets: ASSETS });
  const events = await openEvents(`${d.url}/api/studies/demo/events`);
  assert.equal((await events.next()).type, 'snapshot');
  await d.close();
  await events.ended;
});

test('a snapshot larger than the buffer limit is delivered whole; a client that stops reading is cut off, not buffered forever', { timeout: 60_000 }, async () => {
  const store = memoryStore();
  const study = await store.createStudy({ name: 'big', direction: 'minimize' });
  const wide = 'x'.repeat(100_000); // a 100 kB choice: every update of the trial carries it
  const lease = await addTrial(store, study.id, { params: { choice: [wide, { type: 'categorical', choices: [wide] }] }, reports: [[0, 1]] });
  const h = await hubServer(store, { pollMs: 5, maxBuffered: 1000 });
  try {
    const reader = await openEvents(h.url(study));
    const snapshot = (await reader.next('snapshot')) as Extract<StudyEvent, { type: 'snapshot' }>;
    assert.equal(snapshot.trials[0].params.choice, wide, 'a 100 kB snapshot through a 1 kB limit');
    await store.report(lease, 1, 0.5);
    assert.deepEqual(updates(await reader.next('update')).at(-1)!.append, [[1, 0.5]], 'and the stream goes on');
    reader.close();
    await until(() => h.hub.feeds === 0, 'reader gone');

    const stalled = await openEvents(h.url(study));
    await stalled.next('snapshot');
    stalled.pause();
    for (let step = 2; h.hub.feeds > 0 && step < 5000; step++) {
      await store.report(lease, step, 1 / step);
      await new Promise((r) => setTimeout(r, 6));
    }
    await until(() => h.hub.feeds === 0, 'the stalled client was disconnected once its queue passed the limit');
    stalled.close();
  } finally {
    await h.close();
  }
});
