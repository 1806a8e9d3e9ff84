/**
 * Benchmark: the dashboard's command center in headless Chromium (Debian's, through playwright-core),
 * against the real server (dashboard/server.ts) over a SQLite store filled through the store API.
 *
 * 1. First full render: from `page.goto` (wall clock) to every card in the DOM and the visible ones
 *    drawn (the page's performance mark 'trainkit:first-render'), with 1,000 trials × 1,000 reported
 *    points (target < 1.5 s) and with 10,000 trials × 1,000 points ("usable": how long), in a fresh
 *    page each time. It includes the server's work and the transfer; 'trainkit:snapshot' (the
 *    snapshot received and parsed) splits it. Cold: the first viewer after the server started, whose
 *    connection makes the study's feed read the whole store. Warm: a viewer while the feed runs (a
 *    second tab, a reload): the target is held to this one.
 * 2. Report to screen: with the 1,000-trial page open, a new running trial reports a point every
 *    ~300 ms; the delay is from just before `store.report` to the page's drawing of that point (the
 *    card canvas's `data-drawn-at`, epoch ms, same machine clock). Target < 1 s.
 *
 *   node --conditions=trainkit-source --import tsx bench/dashboard.ts [--runs 3] [--samples 20]
 *        [--skip-10k] [--refill] [--points-10k 1000]
 *
 * The filled stores are kept in out/bench-dashboard/ (filling 1M reports takes minutes) and copied
 * for each run; --refill fills them again. Writes bench/results/dashboard.json.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fillStudy } from '../src/dashboard/page/fill.fixture.js';
import { launchChromium, SKIP_REASON } from '../src/dashboard/page/browser.fixture.js';
import { startDashboard } from '../src/dashboard/server.js';
import { openStore } from '../src/store/open.js';

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    samples: { type: 'string', default: '20' },
    'skip-10k': { type: 'boolean', default: false },
    refill: { type: 'boolean', default: false },
    'points-10k': { type: 'string', default: '1000' },
  },
});
const RUNS = Number(args.runs);
/** Points per trial of the 10,000-trial study (1,000 by default, as the 1,000-trial one: 10M points, filled once in ~12 min and cached). */
const POINTS_10K = Number(args['points-10k']);
const SAMPLES = Number(args.samples);
const RENDER_TARGET_MS = 1500;
const DELAY_TARGET_MS = 1000;
const STUDY = 'bench';
const cacheDir = join(process.cwd(), 'out', 'bench-dashboard');

if (SKIP_REASON !== undefined) {
  console.log(`bench/dashboard.ts: skipped, ${SKIP_REASON}`);
  process.exit(0);
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const quantile = (xs: number[], q: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.round(q * (xs.length - 1)))];
const round = (x: number): number => Math.round(x * 10) / 10;

/** A SQLite store of `trials` × `points`, filled once and cached; returns the cached file. */
async function filled(trials: number, points: number): Promise<{ file: string; fillSeconds?: number }> {
  mkdirSync(cacheDir, { recursive: true });
  const file = join(cacheDir, `${trials}x${points}.db`);
  if (existsSync(file) && !args.refill) return { file };
  for (const ext of ['', '-wal', '-shm']) rmSync(file + ext, { force: true });
  const t0 = performance.now();
  const store = await openStore(`sqlite:${file}`);
  const stepsPerEpoch = Math.min(100, points);
  await fillStudy(store, { name: STUDY, trials, epochs: points / stepsPerEpoch, stepsPerEpoch, epochRecords: false, concurrency: 8 });
  await store.close();
  const fillSeconds = (performance.now() - t0) / 1000;
  console.log(`filled ${trials} trials × ${points} points in ${fillSeconds.toFixed(0)} s (${file})`);
  return { file, fillSeconds };
}

/** A private copy of a cached store (the benchmark writes a trial into it). */
function copyOf(file: string, dir: string): string {
  const to = join(dir, 'store.db');
  copyFileSync(file, to);
  return to;
}

interface RenderRun {
  firstRenderMs: number;
  snapshotMs: number;
  cards: number;
}

/** Opens the command center in a fresh page and reads its marks. */
async function render(browser: import('playwright-core').Browser, url: string): Promise<{ page: import('playwright-core').Page; run: RenderRun }> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  // Wall clock from the moment the page is asked to open (the page's own time origin would leave
  // out a server that is slow to send the HTML), to the marks as epoch ms: one machine, one clock.
  const t0 = Date.now();
  await page.goto(`${url}/#/study/${STUDY}`);
  await page.waitForSelector('[data-testid="cards"][data-rendered]', { timeout: 180_000 });
  const marks = await page.evaluate(() => ({
    firstRender: performance.timeOrigin + performance.getEntriesByName('trainkit:first-render')[0].startTime,
    snapshot: performance.timeOrigin + performance.getEntriesByName('trainkit:snapshot')[0].startTime,
    cards: document.querySelectorAll('[data-testid="trial-card"]').length,
  }));
  return { page, run: { firstRenderMs: marks.firstRender - t0, snapshotMs: marks.snapshot - t0, cards: marks.cards } };
}

/**
 * Cold: the first viewer of a freshly started server, the page opened the moment the server
 * listens (Chromium already running), as `trainkit dashboard` does by default (it prefetches the
 * newest study at start, so the page's own loading overlaps the store read), and once more with
 * `prefetch: false` (the store read only when the page asks). Warm: `runs` more viewers while
 * another page keeps the feed running (a reload, a second tab).
 */
async function firstRenders(file: string, dir: string, runs: number, latency: boolean) {
  const url = `sqlite:${copyOf(file, dir)}`;
  const store = await openStore(url);
  const browser = await launchChromium();
  const warm: RenderRun[] = [];
  let delays: number[] = [];
  try {
    // The default first (this process's code still cold, as for a person's first page), then without prefetch.
    const dashboard = await startDashboard({ storage: store });
    let cold: RenderRun;
    try {
      const opened = await render(browser, dashboard.url);
      cold = opened.run;
      console.log(`  cold: first render ${cold.firstRenderMs.toFixed(0)} ms (snapshot in ${cold.snapshotMs.toFixed(0)} ms), ${cold.cards} cards`);
      for (let i = 0; i < runs; i++) {
        const { page, run } = await render(browser, dashboard.url);
        warm.push(run);
        console.log(`  warm ${i + 1}: first render ${run.firstRenderMs.toFixed(0)} ms (snapshot in ${run.snapshotMs.toFixed(0)} ms)`);
        if (latency && i === runs - 1) delays = await reportToScreen(store, page);
        await page.close();
      }
      await opened.page.close();
    } finally {
      await dashboard.close();
    }
    const unprefetched = await startDashboard({ storage: store, prefetch: false });
    try {
      const { page, run: coldNoPrefetch } = await render(browser, unprefetched.url);
      console.log(`  cold, no prefetch: first render ${coldNoPrefetch.firstRenderMs.toFixed(0)} ms (snapshot in ${coldNoPrefetch.snapshotMs.toFixed(0)} ms)`);
      await page.close();
      return { cold, coldNoPrefetch, warm, delays };
    } finally {
      await unprefetched.close();
    }
  } finally {
    await browser.close();
    await store.close();
  }
}

/** Reports SAMPLES points to a new running trial (the newest: first card) and times each to the screen. */
async function reportToScreen(store: Awaited<ReturnType<typeof openStore>>, page: import('playwright-core').Page): Promise<number[]> {
  const { id } = (await store.getStudy(STUDY))!;
  const { lease, trial } = (await store.claimTrial(id, { worker: 'bench:live' }))!;
  const canvas = `[data-testid="trial-card"][data-trial="${trial.number}"] canvas`;
  await page.waitForSelector(canvas);
  const delays: number[] = [];
  for (let step = 0; step < SAMPLES; step++) {
    await new Promise((r) => setTimeout(r, 200 + Math.random() * 200)); // a different phase of the server's poll each time
    const t0 = Date.now();
    await store.report(lease, step, 1 / (step + 1));
    const handle = await page.waitForFunction(
      ([sel, s, since]) => {
        // A drawing of this step or later, made after the report (a card never drawn has no data-last-step:
        // Number(null) is 0, which would pass step 0 with an old drawing).
        const c = document.querySelector(sel);
        const last = c?.getAttribute('data-last-step');
        const at = Number(c?.getAttribute('data-drawn-at'));
        return last != null && Number(last) >= s && at >= since ? at : false;
      },
      [canvas, step, t0] as const,
      { timeout: 10_000, polling: 'raf' },
    );
    delays.push(Number(await handle.jsonValue()) - t0);
  }
  await store.finishTrial(lease, 'complete', 0);
  console.log(`  report → screen: median ${median(delays)} ms, max ${Math.max(...delays)} ms over ${delays.length} points`);
  return delays;
}

function summarise(trials: number, points: number, r: { cold: RenderRun; coldNoPrefetch: RenderRun; warm: RenderRun[] }, fillSeconds?: number) {
  const ms = r.warm.map((w) => w.firstRenderMs);
  return {
    trials,
    points,
    cards: r.cold.cards,
    coldMs: round(r.cold.firstRenderMs),
    coldSnapshotMs: round(r.cold.snapshotMs),
    coldNoPrefetchMs: round(r.coldNoPrefetch.firstRenderMs),
    coldNoPrefetchSnapshotMs: round(r.coldNoPrefetch.snapshotMs),
    warmRunsMs: ms.map(round),
    warmSnapshotMs: r.warm.map((w) => round(w.snapshotMs)),
    warmMedianMs: round(median(ms)),
    targetMs: RENDER_TARGET_MS,
    /** Met when the first page opened on a fresh server (prefetching, as by default) and the warm views render within the target. */
    met: r.cold.firstRenderMs < RENDER_TARGET_MS && median(ms) < RENDER_TARGET_MS,
    ...(fillSeconds === undefined ? {} : { fillSeconds: round(fillSeconds) }),
  };
}

const started = new Date();
const load0 = loadavg();
const dir = mkdtempSync(join(tmpdir(), 'trainkit-bench-dashboard-'));
try {
  const browser = await launchChromium();
  const chromium = browser.version();
  await browser.close();

  console.log(`\n1,000 trials × 1,000 points (${RUNS} runs)`);
  const big = await filled(1000, 1000);
  const a = await firstRenders(big.file, dir, RUNS, true);
  let b: Awaited<ReturnType<typeof firstRenders>> | undefined;
  let huge: { file: string; fillSeconds?: number } | undefined;
  if (!args['skip-10k']) {
    console.log(`\n10,000 trials × ${POINTS_10K} points (${RUNS} runs)`);
    huge = await filled(10_000, POINTS_10K);
    b = await firstRenders(huge.file, dir, RUNS, false);
  }

  const delays = a.delays;
  const result = {
    benchmark: 'dashboard',
    started: started.toISOString(),
    finished: new Date().toISOString(),
    command: `node --conditions=trainkit-source --import tsx bench/dashboard.ts ${process.argv.slice(2).join(' ')}`.trim(),
    machine: { cpu: cpus()[0]?.model, logicalCores: cpus().length, node: process.version, loadAverage: { start: load0, end: loadavg() } },
    chromium,
    viewport: { width: 1400, height: 900 },
    firstRender: summarise(1000, 1000, a, big.fillSeconds),
    firstRender10k: b === undefined ? null : summarise(10_000, POINTS_10K, b, huge?.fillSeconds),
    reportToScreen: {
      samples: delays.length,
      delaysMs: delays,
      medianMs: median(delays),
      p95Ms: quantile(delays, 0.95),
      maxMs: Math.max(...delays),
      targetMs: DELAY_TARGET_MS,
      met: Math.max(...delays) < DELAY_TARGET_MS,
    },
  };
  mkdirSync('bench/results', { recursive: true });
  writeFileSync('bench/results/dashboard.json', JSON.stringify(result, null, 1) + '\n');
  console.log(`\n${cpus().length} CPUs, load ${load0[0].toFixed(1)} → ${loadavg()[0].toFixed(1)}, Chromium ${chromium}\n`);
  console.log('| measure | result | target |\n|---|---|---|');
  const row = (r: ReturnType<typeof summarise>, target: string): string =>
    `| first render, ${r.trials.toLocaleString('en')} trials × ${r.points.toLocaleString('en')} points | warm ${r.warmMedianMs} ms (runs ${r.warmRunsMs.join(', ')}; snapshot at ${r.warmSnapshotMs.join(', ')}); cold ${r.coldMs} ms (snapshot at ${r.coldSnapshotMs}); cold without prefetch ${r.coldNoPrefetchMs} ms | ${target} |`;
  console.log(row(result.firstRender, `< ${RENDER_TARGET_MS} ms`));
  if (result.firstRender10k !== null) console.log(row(result.firstRender10k, 'usable'));
  console.log(`| trial.report → point on screen | median ${result.reportToScreen.medianMs} ms, p95 ${result.reportToScreen.p95Ms} ms, max ${result.reportToScreen.maxMs} ms | < ${DELAY_TARGET_MS} ms |`);
  console.log('\nwrote bench/results/dashboard.json');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
