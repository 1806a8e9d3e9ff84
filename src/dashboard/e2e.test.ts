// The dashboard end to end: a SQLite study worked by two worker processes (the tune API, synthetic
// curves reported slowly), the real server, the page in headless Chromium. Skipped, saying why, when
// Chromium is not installed (.ci/run installs Debian's). Screenshots go to out/screenshots/.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { openStore } from '../store/open.js';
import type { TrialStore } from '../store/types.js';
import { createStudy } from '../tune/index.js';
import { startDashboard, type Dashboard } from './server.js';
import { canvasPainted, launchChromium, screenshotPath, SKIP_REASON, watchPage, type PageWatch } from './page/browser.fixture.js';

const STUDY = 'e2e search';
/** The study's budget (a failed trial is replaced: the diverging one fails, so the study ends with more). */
const TRIALS = 7;
/** ms between two reported steps: 40 steps a trial, ~2.5 s each. */
const STEP_MS = 60;
/** Enqueued first, one of each shape the diagnosis knows (page/synthetic.fixture.ts kindOf). */
const ENQUEUED = [
  { lr: 0.9, width: 64, optimizer: 'adam' }, // diverging
  { lr: 0.01, width: 500, optimizer: 'adam' }, // overfitting
  { lr: 0.01, width: 8, optimizer: 'sgd' }, // underfitting
];
const XSS = '<img src=x onerror=alert(1)>';
const XSS_PARAM = '<img src=x onerror=alert(2)>';
const XSS_CHOICE = '<script>alert(3)</script>';

const dir = mkdtempSync(join(tmpdir(), 'trainkit-e2e-'));
const url = `sqlite:${join(dir, 'study.db')}`;
let store: TrialStore;
let dashboard: Dashboard;
let browser: Browser;
let workers: ChildProcess[] = [];
const skip = SKIP_REASON;

before(async () => {
  if (skip !== undefined) return;
  store = await openStore(url);
  const study = await createStudy({ name: STUDY, storage: store, direction: 'minimize' });
  for (const params of ENQUEUED) await study.enqueue(params);
  dashboard = await startDashboard({ storage: store });
  const worker = fileURLToPath(new URL('./page/worker.fixture.ts', import.meta.url));
  workers = [0, 1].map(() =>
    spawn(process.execPath, ['--conditions=trainkit-source', '--import', 'tsx', worker, url, STUDY, String(TRIALS), String(STEP_MS)], { stdio: ['ignore', 'ignore', 'inherit'] }),
  );
  workersDone = Promise.all(workers.map((w) => new Promise((resolve) => w.once('exit', resolve))));
  browser = await launchChromium();
});

after(async () => {
  for (const w of workers) if (w.exitCode === null) w.kill();
  await browser?.close();
  await dashboard?.close();
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function open(hash: string, watch?: (p: Page) => PageWatch): Promise<{ page: Page; watched: PageWatch }> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const watched = (watch ?? watchPage)(page);
  await page.goto(`${dashboard.url}/${hash}`);
  return { page, watched };
}

const cardNumbers = (page: Page): Promise<number[]> => page.$$eval('[data-testid="trial-card"]', (els) => els.map((e) => Number(e.getAttribute('data-trial'))));

/** Resolves when both workers have exited: the study's budget is spent. */
let workersDone: Promise<unknown>;
const allFinished = async (): Promise<boolean> => {
  await workersDone;
  return true;
};

test('the command center shows a card per trial, drawn, and a running card gains points', { skip, timeout: 120_000 }, async () => {
  const { page, watched } = await open(`#/study/${encodeURIComponent(STUDY)}`);
  // A running trial's card, once it has a few points drawn.
  const running = await page.waitForSelector('[data-testid="trial-card"][data-state="running"] canvas[data-points]:not([data-points="0"])', { timeout: 30_000 });
  const card = await running.evaluateHandle((c) => c.closest('[data-testid="trial-card"]')!);
  const number = Number(await card.evaluate((c) => c.getAttribute('data-trial')));
  const before = Number(await running.getAttribute('data-points'));
  await page.waitForFunction(
    ([n, b]) => Number(document.querySelector(`[data-testid="trial-card"][data-trial="${n}"] canvas`)?.getAttribute('data-points')) > b,
    [number, before] as const,
    { timeout: 20_000 },
  );
  await page.screenshot({ path: screenshotPath('e2e-center-live') });

  // Every trial done: one card each, every curve drawn.
  await allFinished();
  const study = (await store.getStudy(STUDY))!;
  const trials = await store.getTrials(study.id);
  await page.waitForFunction(
    (n) => document.querySelectorAll('[data-testid="trial-card"]:not([data-state="running"])').length === n,
    trials.length,
    { timeout: 10_000 },
  );
  assert.deepEqual((await cardNumbers(page)).sort((a, b) => a - b), trials.map((t) => t.number));
  for (const t of trials) assert.ok(await canvasPainted(page, `[data-testid="trial-card"][data-trial="${t.number}"] canvas`), `trial ${t.number}'s curve is drawn`);
  // The diverging trial failed (its objective returned NaN); its card says so.
  assert.equal(await page.getAttribute('[data-testid="trial-card"][data-trial="0"]', 'data-state'), 'failed');
  assert.deepEqual(watched.dialogs, []);
  assert.deepEqual(watched.errors, []);
  await page.screenshot({ path: screenshotPath('e2e-center-done') });
  await page.close();
});

test('sorting, the state filter and top-k arrange the cards', { skip, timeout: 60_000 }, async () => {
  await allFinished();
  const study = (await store.getStudy(STUDY))!;
  const trials = await store.getTrials(study.id);
  const complete = trials.filter((t) => t.state === 'complete').sort((a, b) => a.value! - b.value! || a.number - b.number);
  const { page, watched } = await open(`#/study/${encodeURIComponent(STUDY)}`);
  await page.waitForSelector('[data-testid="cards"][data-rendered]');
  assert.deepEqual(await cardNumbers(page), trials.map((t) => t.number).reverse(), 'newest first by default');

  await page.selectOption('[data-testid="sort"]', 'value');
  const byValue = await cardNumbers(page);
  assert.deepEqual(byValue.slice(0, complete.length), complete.map((t) => t.number), 'best value first');
  assert.match(page.url(), /sort=value/, 'the address keeps the sort');

  await page.click('[data-testid="filter-complete"]');
  assert.deepEqual(await cardNumbers(page), complete.map((t) => t.number));
  assert.equal(await page.textContent('[data-testid="shown"]'), `showing ${complete.length} of ${trials.length} trials`);

  await page.click('[data-testid="filter-all"]');
  await page.fill('[data-testid="top-k"]', '2');
  assert.deepEqual(await cardNumbers(page), complete.slice(0, 2).map((t) => t.number));

  // The address reopens the same view.
  const again = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await again.goto(page.url());
  await again.waitForSelector('[data-testid="cards"][data-rendered]');
  assert.deepEqual(await cardNumbers(again), complete.slice(0, 2).map((t) => t.number));
  await again.close();
  assert.deepEqual(watched.errors, []);
  await page.close();
});

test('a trial’s detail shows its curves, parameters and diagnosis', { skip, timeout: 60_000 }, async () => {
  await allFinished();
  const { page, watched } = await open(`#/study/${encodeURIComponent(STUDY)}`);
  await page.waitForSelector('[data-testid="cards"][data-rendered]');
  await page.click('[data-testid="trial-card"][data-trial="1"]');
  await page.waitForSelector('[data-testid="diagnosis"]');
  assert.match(page.url(), /#\/study\/e2e%20search\/trial\/1$/);
  for (const chart of ['chart-loss', 'chart-accuracy', 'chart-step-lr', 'chart-step-updateRatio', 'chart-intermediate'])
    assert.ok(await page.$(`[data-testid="${chart}"] canvas`), `${chart} is drawn`);
  assert.match((await page.textContent('[data-testid="params"]'))!, /width\s*500/);

  // Each enqueued shape gets its diagnosis (report/diagnose.ts), as a problem, shown in words.
  const expected: Record<number, RegExp> = { 0: /lr|learning|diverg|explod/i, 1: /overfit/i, 2: /underfit/i };
  for (const [number, rule] of Object.entries(expected)) {
    await page.goto(`${dashboard.url}/#/study/${encodeURIComponent(STUDY)}/trial/${number}`);
    // A hash change keeps the page: wait for this trial's detail, not the previous one still on screen.
    await page.waitForFunction(
      (n) => document.querySelector('.detail-head h1')?.textContent === `Trial ${n}` && document.querySelector('[data-testid="diagnosis"] h2') !== null,
      number,
    );
    const detail = (await (await fetch(`${dashboard.url}/api/studies/${encodeURIComponent(STUDY)}/trials/${number}`)).json()) as { diagnosis: Array<{ rule: string; level: string; message: string }> };
    const findings = await page.$$eval('[data-testid="finding"]', (els) => els.map((e) => ({ rule: e.getAttribute('data-rule'), text: e.textContent })));
    assert.equal(findings.length, detail.diagnosis.length, 'one item per finding');
    for (const f of detail.diagnosis) assert.ok(findings.some((g) => g.rule === f.rule && g.text!.includes(f.message)), `finding ${f.rule} is shown in words`);
    assert.ok(detail.diagnosis.some((f) => f.level === 'problem' && rule.test(`${f.rule} ${f.message}`)), `trial ${number}: ${JSON.stringify(detail.diagnosis)}`);
    await page.screenshot({ path: screenshotPath(`e2e-detail-${number}`), fullPage: true });
  }

  // Zoom: a drag across the reported-value chart asks the server for that range at full resolution.
  const plot = (await page.$('[data-testid="chart-intermediate"] .u-over'))!;
  await plot.scrollIntoViewIfNeeded();
  const box = (await plot.boundingBox())!;
  const zoomed = page.waitForRequest((r) => /\/trials\/2\?.*from=/.test(r.url()));
  await page.mouse.move(box.x + box.width * 0.2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.6, box.y + box.height / 2, { steps: 5 });
  await page.mouse.up();
  const request = new URL((await zoomed).url());
  assert.ok(Number(request.searchParams.get('from')) < Number(request.searchParams.get('to')));
  assert.deepEqual(watched.dialogs, []);
  assert.deepEqual(watched.errors, []);
  await page.close();
});

test('the study overview draws its charts, importance and trial table', { skip, timeout: 60_000 }, async () => {
  await allFinished();
  const { page, watched } = await open(`#/study/${encodeURIComponent(STUDY)}/overview`);
  await page.waitForSelector('[data-testid="trial-row"]');
  const study = (await store.getStudy(STUDY))!;
  assert.equal((await page.$$('[data-testid="trial-row"]')).length, (await store.getTrials(study.id)).length);
  await page.waitForSelector('[data-testid="importance-method"]:not(:empty)');
  assert.match((await page.textContent('[data-testid="importance-method"]'))!, /^Method: \S/);
  assert.ok(await canvasPainted(page, '[data-testid="parcoords-canvas"]'));
  assert.ok(await canvasPainted(page, '[data-testid="overlay-canvas"]'));
  assert.equal((await page.$$('.scatter')).length, 3, 'one scatter per hyperparameter');
  // The table sorts and filters.
  await page.selectOption('[data-testid="table-state"]', 'failed');
  const failed = await page.$$eval('[data-testid="trial-row"]', (rows) => rows.map((r) => r.getAttribute('data-state')));
  assert.ok(failed.length >= 1 && failed.every((s) => s === 'failed'));
  await page.selectOption('[data-testid="table-state"]', '');
  await page.fill('[data-testid="table-filter"]', 'sgd');
  const sgd = await page.$$eval('[data-testid="trial-row"]', (rows) => rows.map((r) => r.textContent ?? ''));
  assert.ok(sgd.length >= 1 && sgd.every((t) => t.includes('sgd')));
  await page.fill('[data-testid="table-filter"]', '');
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: screenshotPath('e2e-overview'), fullPage: true });
  assert.deepEqual(watched.dialogs, []);
  assert.deepEqual(watched.errors, []);
  await page.close();
});

test('study, parameter and choice names that look like HTML render as text', { skip, timeout: 60_000 }, async () => {
  const study = await store.createStudy({ name: XSS, direction: 'maximize', sampler: XSS_CHOICE });
  const { lease } = (await store.claimTrial(study.id, { worker: XSS }))!;
  await store.setParam(lease, XSS_PARAM, XSS_CHOICE, { type: 'categorical', choices: [XSS_CHOICE, XSS] });
  await store.report(lease, 0, 1);
  await store.report(lease, 1, 2);
  await store.setTrialUserAttr(lease, XSS, XSS_CHOICE);
  await store.finishTrial(lease, 'complete', 2);

  const views = ['#/', `#/study/${encodeURIComponent(XSS)}`, `#/study/${encodeURIComponent(XSS)}/overview`, `#/study/${encodeURIComponent(XSS)}/trial/0`];
  for (const hash of views) {
    const { page, watched } = await open(hash);
    await page.waitForFunction(() => document.querySelector('#app .notice.loading') === null && document.querySelector('#app')!.textContent!.length > 0);
    await page.waitForTimeout(300);
    const text = await page.textContent('body');
    assert.ok(text!.includes(XSS), `${hash}: the study name is shown as text`);
    if (hash !== '#/') assert.ok(text!.includes(XSS_PARAM) && text!.includes(XSS_CHOICE), `${hash}: the param and choice are shown as text`);
    assert.equal(await page.$$eval('img, script:not([src])', (els) => els.length), 0, `${hash}: no element was made from a name`);
    assert.deepEqual(watched.dialogs, [], `${hash}: no dialog`);
    assert.deepEqual(watched.errors, []);
    await page.screenshot({ path: screenshotPath(`e2e-xss-${views.indexOf(hash)}`), fullPage: true });
    await page.close();
  }
});
