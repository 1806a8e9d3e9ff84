import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { InvalidArgumentError } from '../errors.js';
import { memoryStore } from '../store/memory.js';
import { openStore } from '../store/open.js';
import type { TrialStore } from '../store/types.js';
import type { StudyListItem, StudyOverview, TrialDetail, TrialSummary } from './api.js';
import { rawGet } from './http.fixture.js';
import { startDashboard, type Dashboard } from './server.js';
import { addTrial, demoStudy, LR, OPT } from './study.fixture.js';

const dir = mkdtempSync(join(tmpdir(), 'trainkit-dashboard-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

const ASSETS = {
  'index.html': '<!doctype html><html><head><link rel="stylesheet" href="/assets/app.css"><script src="/assets/app.js" defer></script></head><body></body></html>',
  'app.js': 'console.log(1)',
  'app.css': 'body{}',
};

/** A dashboard over `store`, closed after `body`. */
async function withDashboard(store: TrialStore, body: (d: Dashboard) => Promise<void>, o: { host?: string } = {}): Promise<void> {
  const d = await startDashboard({ storage: store, assets: ASSETS, ...o });
  try {
    await body(d);
  } finally {
    await d.close();
  }
}

async function getJson<T>(url: string): Promise<{ status: number; body: T; headers: Headers }> {
  const res = await fetch(url);
  return { status: res.status, body: (await res.json()) as T, headers: res.headers };
}

const backends: Array<[string, () => Promise<TrialStore>]> = [
  ['memory:', async () => memoryStore()],
  ['sqlite:', () => openStore(`sqlite:${join(dir, `routes-${n++}.db`)}`)],
];

for (const [name, open] of backends) {
  test(`${name} every route of the API answers with its payload`, async () => {
    const store = await open();
    try {
      const study = await demoStudy(store);
      const record = (await store.getStudy('demo'))!;
      const trials = await store.getTrials(study.id);
      await withDashboard(store, async (d) => {
        const list = await getJson<StudyListItem[]>(`${d.url}/api/studies`);
        assert.equal(list.status, 200);
        assert.match(list.headers.get('content-type')!, /^application\/json/);
        assert.deepEqual(list.body, [
          {
            name: 'demo',
            direction: 'minimize',
            trials: { total: 3, waiting: 0, running: 1, complete: 1, pruned: 1, failed: 0 },
            best: 0.5,
            sampler: 'tpe',
            pruner: 'asha',
            created: record.created,
          },
        ]);

        const summaries = await getJson<TrialSummary[]>(`${d.url}/api/studies/demo/trials`);
        assert.equal(summaries.status, 200);
        assert.deepEqual(
          summaries.body.map((t) => [t.number, t.state, t.value, t.params, t.intermediate, t.intermediateCount, t.worker]),
          [
            [0, 'complete', 0.5, { lr: 0.01, units: 64, opt: 'adam' }, [[0, 2], [1, 1.5], [2, 1], [3, 0.7], [4, 0.5]], 5, 'test:1'],
            [1, 'pruned', 2, { lr: 0.5, units: 16, opt: 'sgd' }, [[0, 3], [1, 2]], 2, 'test:1'],
            [2, 'running', undefined, { lr: 0.001, units: 128, opt: 'adam' }, [[0, 2.5], [1, 2.2], [2, 2]], 3, 'test:1'],
          ],
        );
        assert.deepEqual(summaries.body[0].distributions, { lr: LR, units: trials[0].distributions.units, opt: OPT });
        assert.deepEqual(summaries.body[0].lastLogs, { loss: 0.8, val_loss: 0.9, val_accuracy: 0.7 });
        assert.equal(summaries.body[0].started, trials[0].started);
        assert.equal(summaries.body[0].finished, trials[0].finished);
        assert.equal(summaries.body[2].finished, undefined);

        const few = await getJson<TrialSummary[]>(`${d.url}/api/studies/demo/trials?points=4`);
        assert.deepEqual(few.body[0].intermediate, [[0, 2], [1, 1.5], [3, 0.7], [4, 0.5]], 'first, last, and the max and min of the one bucket between');
        assert.equal(few.body[0].intermediateCount, 5);

        const detail = await getJson<TrialDetail>(`${d.url}/api/studies/demo/trials/0`);
        assert.equal(detail.status, 200);
        assert.deepEqual(detail.body.curves, {
          loss: [[1, 1.2], [2, 0.8]],
          val_loss: [[1, 1.3], [2, 0.9]],
          val_accuracy: [[1, 0.6], [2, 0.7]],
          'step:loss': [[5, 1.4], [10, 1.2], [15, 0.9], [20, 0.8]],
          'step:lr': [[5, 0.01], [10, 0.01], [15, 0.005], [20, 0.005]],
          'step:updateRatio': [[5, 0.002], [15, 0.001], [20, 0.0011]],
          intermediate: [[0, 2], [1, 1.5], [2, 1], [3, 0.7], [4, 0.5]],
        });
        assert.deepEqual(detail.body.userAttrs, { note: 'kept' }, 'the epoch records travel as curves, not twice');
        assert.ok(Array.isArray(detail.body.diagnosis));
        assert.equal(detail.body.number, 0);
        assert.equal(detail.body.state, 'complete');

        const zoom = await getJson<TrialDetail>(`${d.url}/api/studies/demo/trials/0?from=1&to=3`);
        assert.deepEqual(zoom.body.curves.intermediate, [[1, 1.5], [2, 1], [3, 0.7]]);
        assert.deepEqual(zoom.body.intermediate, [[1, 1.5], [2, 1], [3, 0.7]]);
        assert.deepEqual(zoom.body.curves.loss, [[1, 1.2], [2, 0.8]]);
        assert.deepEqual(zoom.body.curves['step:loss'], []);
        const zoomFew = await getJson<TrialDetail>(`${d.url}/api/studies/demo/trials/0?from=0&to=20&points=2`);
        assert.deepEqual(zoomFew.body.curves['step:loss'], [[5, 1.4], [20, 0.8]]);

        const overview = await getJson<StudyOverview>(`${d.url}/api/studies/demo/overview`);
        assert.equal(overview.status, 200);
        assert.deepEqual(overview.body.bestOverTime, [[trials[0].finished, 0.5]]);
        assert.deepEqual(overview.body.importance.values, {}, 'one complete trial: too few for importance');
        assert.match(overview.body.importance.method, /Spearman/);
        assert.equal(overview.body.direction, 'minimize');
      });
    } finally {
      await store.close();
    }
  });
}

test('a study name with slashes, spaces and percent signs round-trips through its encoded path segment', async () => {
  const store = memoryStore();
  const name = 'runs/2026 12 01 50% lr?#';
  const study = await store.createStudy({ name, direction: 'maximize' });
  await addTrial(store, study.id, { reports: [[0, 1]], state: 'complete', value: 1 });
  await withDashboard(store, async (d) => {
    const res = await getJson<TrialSummary[]>(`${d.url}/api/studies/${encodeURIComponent(name)}/trials`);
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.map((t) => t.value), [1]);
  });
});

test('non-finite values travel as null (JSON has no NaN or Infinity)', async () => {
  const store = memoryStore();
  const study = await store.createStudy({ name: 'nan', direction: 'minimize' });
  await addTrial(store, study.id, { reports: [[0, 1], [1, NaN], [2, Infinity]], state: 'complete', value: Infinity });
  await withDashboard(store, async (d) => {
    const res = await getJson<Array<{ value: unknown; intermediate: unknown }>>(`${d.url}/api/studies/nan/trials`);
    assert.deepEqual(res.body.map((t) => [t.value, t.intermediate]), [[null, [[0, 1], [1, null], [2, null]]]]);
  });
});

test('unknown routes, studies and trials get 404 with a JSON error', async () => {
  const store = memoryStore();
  await demoStudy(store);
  await withDashboard(store, async (d) => {
    for (const path of [
      '/nope', '/api', '/api/', '/api/studies/', '/api/studies/demo', '/api/studies/demo/', '/api/studies/demo/trials/',
      '/api/studies/demo/params', '/api/studies/demo/trials/3', '/api/studies/demo/trials/01', '/api/studies/demo/trials/-1',
      '/api/studies/demo/trials/1.5', '/api/studies/demo/trials/0/extra', '/api/studies/nosuch/trials', '/api/studies/nosuch/overview',
      '/api/studies/nosuch/events', '/api/studies/nosuch/trials/0', '/assets/', '/assets/nosuch.js', '/assets/index', '/index.html',
      '/favicon.ico', '/assets/app.js/x',
    ]) {
      const res = await rawGet(d.url, path);
      assert.equal(res.status, 404, path);
      assert.match(res.headers['content-type'], /^application\/json/, path);
      assert.equal(typeof (JSON.parse(res.body) as { error: unknown }).error, 'string', path);
    }
    assert.deepEqual(JSON.parse((await rawGet(d.url, '/api/studies/nosuch/trials')).body), { error: 'no study named "nosuch"' });
    assert.deepEqual(JSON.parse((await rawGet(d.url, '/api/studies/demo/trials/7')).body), { error: 'study "demo" has no trial 7' });
  });
});

test('path traversal in every encoding gets 404 and never a file', async () => {
  const store = memoryStore();
  await demoStudy(store);
  const variants = [
    '/../../etc/passwd',
    '/etc/passwd',
    '/assets/../../etc/passwd',
    '/assets/../index.html',
    '/assets/./app.js',
    '/assets/app.js/../../../etc/passwd',
    '/%2e%2e/%2e%2e/etc/passwd',
    '/assets/%2e%2e/%2e%2e/etc/passwd',
    '/assets/%2e%2e%2f%2e%2e%2fetc%2fpasswd',
    '/assets/..%2f..%2fetc%2fpasswd',
    '/assets/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd',
    '/assets/%252e%252e%252fetc%252fpasswd',
    '/assets/%25252e%25252e%25252fetc%25252fpasswd',
    '/assets/..%252f..%252fetc%252fpasswd',
    '/assets/%c0%ae%c0%ae/etc/passwd',
    '/assets/..\\..\\etc\\passwd',
    '/assets/%5c..%5c..%5cetc%5cpasswd',
    '/assets/..%5c..%5cetc%5cpasswd',
    '/assets/%255c..%255cetc%255cpasswd',
    '//etc/passwd',
    '/assets//etc/passwd',
    '/assets/%2fetc%2fpasswd',
    '/assets/%2Fetc%2Fpasswd',
    '/assets/app.js%00.html',
    '/assets/....//....//etc/passwd',
    '/api/studies/..%2f..%2fetc%2fpasswd/trials',
    '/api/studies/%2e%2e/trials',
    '/api/studies/demo/trials/..%2f..%2f..%2fetc%2fpasswd',
    '/api/studies/demo/../../../etc/passwd',
    '/package.json',
    '/assets/package.json',
    '/src/dashboard/server.ts',
    '/assets/server.ts',
    '/assets/../../../src/dashboard/server.ts',
    '/assets/..%2f..%2f..%2fpackage.json',
    'http://127.0.0.1/../../etc/passwd',
    'file:///etc/passwd',
    '*',
  ];
  await withDashboard(store, async (d) => {
    for (const target of variants) {
      const res = await rawGet(d.url, target);
      assert.equal(res.status, 404, target);
      assert.equal(res.body, '{"error":"not found"}', target);
    }
    // The same targets as a client library sends them (it resolves the dots first, so '/assets/./app.js' is the
    // page's script): never a file from the disk.
    for (const target of variants.filter((v) => v.startsWith('/'))) {
      const res = await fetch(`${d.url}${target}`);
      const body = await res.text();
      assert.ok(res.status === 404 || body === ASSETS['app.js'] || body === ASSETS['index.html'], `${target}: ${res.status}`);
      assert.doesNotMatch(body, /root:|startDashboard|"name": "trainkit"/, target);
    }
  });
});

test('hostile names come back intact as JSON strings, and the page embeds none of them', async () => {
  const store = memoryStore();
  const img = '<img src=x onerror=alert(1)>';
  const quotes = '"quotes" & </script>';
  const study = await store.createStudy({ name: img, direction: 'minimize', sampler: quotes });
  const choice: [string, { type: 'categorical'; choices: string[] }] = ['<script>alert(1)</script>', { type: 'categorical', choices: ['<script>alert(1)</script>', quotes] }];
  await addTrial(store, study.id, { params: { [quotes]: choice, [img]: [0.1, LR] }, reports: [[0, 1]], attrs: { [img]: quotes }, state: 'complete', value: 1 });
  await withDashboard(store, async (d) => {
    const list = await rawGet(d.url, '/api/studies');
    assert.match(list.headers['content-type'], /^application\/json/);
    assert.equal(list.headers['x-content-type-options'], 'nosniff');
    assert.equal((JSON.parse(list.body) as StudyListItem[])[0].name, img);
    assert.equal((JSON.parse(list.body) as StudyListItem[])[0].sampler, quotes);
    const trials = (await getJson<TrialSummary[]>(`${d.url}/api/studies/${encodeURIComponent(img)}/trials`)).body;
    assert.deepEqual(trials[0].params, { [quotes]: '<script>alert(1)</script>', [img]: 0.1 });
    assert.deepEqual(trials[0].distributions[quotes], choice[1]);
    const detail = (await getJson<TrialDetail>(`${d.url}/api/studies/${encodeURIComponent(img)}/trials/0`)).body;
    assert.deepEqual(detail.userAttrs, { [img]: quotes });
    const overview = (await getJson<StudyOverview>(`${d.url}/api/studies/${encodeURIComponent(img)}/overview`)).body;
    assert.equal(overview.name, img);
    const page = await rawGet(d.url, '/');
    assert.equal(page.status, 200);
    assert.doesNotMatch(page.body, /onerror|alert|quotes/);
  });
});

test('every answer carries the security headers; the page has no inline script or style', async () => {
  const store = memoryStore();
  await demoStudy(store);
  const d = await startDashboard({ storage: store }); // the real page, bundled from its sources
  try {
    for (const path of ['/', '/assets/app.js', '/assets/app.css', '/api/studies', '/api/studies/demo/trials', '/nope', '/api/studies/demo/trials?points=1']) {
      const res = await rawGet(d.url, path);
      const csp = res.headers['content-security-policy'];
      assert.match(csp, /default-src 'self'/, path);
      assert.match(csp, /script-src 'self'(;|$)/, path);
      assert.match(csp, /style-src 'self'(;|$)/, path);
      assert.match(csp, /object-src 'none'/, path);
      assert.match(csp, /frame-ancestors 'none'/, path);
      assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*/, path);
      assert.equal(res.headers['x-content-type-options'], 'nosniff', path);
      assert.equal(res.headers['referrer-policy'], 'no-referrer', path);
      assert.equal(res.headers['access-control-allow-origin'], undefined, path);
    }
    const page = await rawGet(d.url, '/');
    assert.match(page.headers['content-type'], /^text\/html; charset=utf-8/);
    const scripts = [...page.body.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];
    assert.ok(scripts.length >= 1, 'the page loads its script');
    for (const [, attrs, body] of scripts) {
      assert.match(attrs, /\bsrc="\/assets\/[\w.-]+\.js"/, 'every script is a file of this origin');
      assert.equal(body.trim(), '', 'no inline script');
    }
    assert.doesNotMatch(page.body, /<style\b|\sstyle=|\son[a-z]+=/i, 'no inline style or event handler');
    for (const [, ref] of page.body.matchAll(/(?:src|href)="(\/[^"]*)"/g)) assert.equal((await rawGet(d.url, ref)).status, 200, `${ref} is served`);
    assert.match((await rawGet(d.url, '/assets/app.js')).headers['content-type'], /^text\/javascript/);
    assert.match((await rawGet(d.url, '/assets/app.css')).headers['content-type'], /^text\/css/);
  } finally {
    await d.close();
  }
});

test('only GET and HEAD are answered (405 with Allow otherwise); HEAD has the headers and no body', async () => {
  const store = memoryStore();
  await demoStudy(store);
  await withDashboard(store, async (d) => {
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']) {
      const res = await rawGet(d.url, '/api/studies', { method });
      assert.equal(res.status, 405, method);
      assert.equal(res.headers.allow, 'GET, HEAD', method);
    }
    const get = await rawGet(d.url, '/api/studies/demo/trials');
    const head = await rawGet(d.url, '/api/studies/demo/trials', { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(head.body, '');
    assert.equal(head.headers['content-length'], String(Buffer.byteLength(get.body)));
    const events = await rawGet(d.url, '/api/studies/demo/events', { method: 'HEAD' });
    assert.equal(events.status, 200);
    assert.match(events.headers['content-type'], /^text\/event-stream/);
  });
});

test('bad query parameters get 400 naming every problem', async () => {
  const store = memoryStore();
  await demoStudy(store);
  await withDashboard(store, async (d) => {
    const cases: Array<[string, RegExp]> = [
      ['/api/studies/demo/trials?points=1', /invalid points: "1" \(expected an integer from 2 to 100000\)/],
      ['/api/studies/demo/trials?points=abc', /invalid points: "abc"/],
      ['/api/studies/demo/trials?points=2.5', /invalid points: "2.5"/],
      ['/api/studies/demo/trials?points=100001', /invalid points: "100001"/],
      ['/api/studies/demo/trials?points=10&points=20', /points given 2 times/],
      ['/api/studies/demo/trials?from=1', /unknown query parameter "from" \(this route takes points\)/],
      ['/api/studies/demo/trials/0?from=x&to=Infinity', /invalid from: "x".*invalid to: "Infinity"/],
      ['/api/studies/demo/trials/0?from=5&to=1', /from \(5\) is after to \(1\)/],
      ['/api/studies?points=10', /unknown query parameter "points" \(this route takes none\)/],
      ['/api/studies/demo/overview?x=1&y=2', /"x".*"y"/],
    ];
    for (const [path, message] of cases) {
      const res = await rawGet(d.url, path);
      assert.equal(res.status, 400, path);
      assert.match((JSON.parse(res.body) as { error: string }).error, message, path);
    }
    assert.equal((await rawGet(d.url, '/?study=demo')).status, 200, "the page's own query is the page's business");
  });
});

/** This machine's non-loopback IPv4 addresses. */
function outsideAddresses(): string[] {
  return Object.values(networkInterfaces())
    .flat()
    .flatMap((a) => (a !== undefined && a.family === 'IPv4' && !a.internal ? [a.address] : []));
}

function reachable(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host, port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

test('by default the server listens on 127.0.0.1 only; --host widens it', async (t) => {
  const store = memoryStore();
  await withDashboard(store, async (d) => {
    assert.equal(d.host, '127.0.0.1');
    assert.match(d.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(await reachable('127.0.0.1', d.port), true);
    const outside = outsideAddresses();
    if (outside.length === 0) t.diagnostic('no non-loopback interface on this machine: only the bound address is checked');
    for (const a of outside) assert.equal(await reachable(a, d.port), false, `not reachable on ${a}`);
  });
  await withDashboard(
    store,
    async (d) => {
      assert.equal(d.host, '0.0.0.0');
      for (const a of outsideAddresses()) assert.equal(await reachable(a, d.port), true, `reachable on ${a}`);
      assert.equal((await rawGet(d.url.replace('0.0.0.0', '127.0.0.1'), '/api/studies', { host: 'dashboard.example:80' })).status, 200, 'any Host when bound beyond loopback');
    },
    { host: '0.0.0.0' },
  );
});

test('on loopback, requests naming another host are refused (no DNS rebinding)', async () => {
  const store = memoryStore();
  await withDashboard(store, async (d) => {
    for (const host of ['evil.example', 'evil.example:80', `attacker.test:${d.port}`, '127.0.0.1.evil.example'])
      assert.equal((await rawGet(d.url, '/api/studies', { host })).status, 403, host);
    for (const host of [`127.0.0.1:${d.port}`, `localhost:${d.port}`, 'localhost', `[::1]:${d.port}`, `LOCALHOST:${d.port}`])
      assert.equal((await rawGet(d.url, '/api/studies', { host })).status, 200, host);
  });
});

test('bad options are refused naming the value; a port in use is a clear error', async () => {
  const store = memoryStore();
  for (const port of [-1, 65536, 1.5, NaN])
    await assert.rejects(startDashboard({ storage: store, assets: ASSETS, port }), (e: unknown) => e instanceof InvalidArgumentError && /Invalid port/.test(e.message));
  for (const host of ['', 'a b', 'x/y'])
    await assert.rejects(startDashboard({ storage: store, assets: ASSETS, host }), (e: unknown) => e instanceof InvalidArgumentError && /Invalid host/.test(e.message));
  await assert.rejects(startDashboard({ storage: store, assets: { 'app.js': '' } }), /index.html/);
  await assert.rejects(startDashboard({ storage: store, assets: { 'index.html': '', '../x.js': '' } }), /Invalid asset name: "..\/x.js"/);
  await assert.rejects(startDashboard({ storage: 'nosuch:x', assets: ASSETS }), /Invalid storage/);
  await withDashboard(store, async (d) => {
    await assert.rejects(startDashboard({ storage: store, assets: ASSETS, port: d.port }), /the port is in use/);
  });
  await assert.rejects(startDashboard({ storage: store, assets: ASSETS, host: 'no-such-host.invalid' }), /unknown host name/);
});

test('a dashboard opened from a URL closes its store; one given a store leaves it open', async () => {
  const url = `sqlite:${join(dir, `owned-${n++}.db`)}`;
  const store = await openStore(url);
  await demoStudy(store);
  const d = await startDashboard({ storage: url, assets: ASSETS });
  assert.equal((await getJson<StudyListItem[]>(`${d.url}/api/studies`)).body[0].name, 'demo');
  await d.close();
  await d.close(); // idempotent
  assert.equal((await store.listStudies()).length, 1, 'the caller\'s own store is untouched');
  await withDashboard(store, async () => undefined);
  assert.equal((await store.listStudies()).length, 1, 'still open after its dashboard closed');
  await store.close();
});
