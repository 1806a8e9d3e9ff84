/**
 * A stand-in for the dashboard's server while the page is built (this file holds no tests): the
 * routes of ../api.ts over any TrialStore, the page bundled in memory by esbuild, and nothing else.
 * It is deliberately plain (stride downsampling, no diagnosis, no importance); dashboard/server.ts is
 * the product. Run alone to look at the page:
 *
 *   node --conditions=trainkit-source --import tsx src/dashboard/page/dev-server.fixture.ts sqlite:./x.db [port]
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { curvesOf, lastEpochLogs, type Curves, type Points } from '../../report/curves.js';
import { openStore } from '../../store/open.js';
import type { FrozenTrial, TrialStore } from '../../store/types.js';
import type { StudyEvent, StudyListItem, StudyOverview, TrialDetail, TrialSummary, TrialUpdate } from '../api.js';

const here = fileURLToPath(new URL('.', import.meta.url));

/** The page's bundle: app.js (iife) and app.css, built in memory. */
export async function bundlePage(): Promise<Record<string, { type: string; body: Uint8Array }>> {
  const result = await build({
    entryPoints: { app: `${here}main.ts` },
    bundle: true,
    format: 'iife',
    write: false,
    outdir: '/assets',
    minify: true,
    target: 'es2022',
    logLevel: 'silent',
  });
  const out: Record<string, { type: string; body: Uint8Array }> = {};
  for (const f of result.outputFiles) {
    const name = f.path.split('/').at(-1)!;
    out[name] = { type: name.endsWith('.css') ? 'text/css; charset=utf-8' : 'text/javascript; charset=utf-8', body: f.contents };
  }
  return out;
}

/** At most `n` points: every k-th, the first and last kept. */
export function stride(points: Points, n: number): Points {
  if (points.length <= n) return points;
  const k = Math.ceil(points.length / n);
  const out: Points = [];
  for (let i = 0; i < points.length; i += k) out.push(points[i]);
  if (out.at(-1) !== points.at(-1)) out.push(points.at(-1)!);
  return out;
}

function summary(t: FrozenTrial, points: number): TrialSummary {
  return {
    number: t.number,
    state: t.state,
    params: t.params,
    distributions: t.distributions,
    value: t.value,
    intermediate: stride(t.intermediate, points),
    intermediateCount: t.intermediate.length,
    started: t.started,
    finished: t.finished,
    worker: t.worker,
    retryOf: t.retryOf,
    lastLogs: lastEpochLogs(t.userAttrs),
  };
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v));
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(text);
}

/** Serves the page and the API over `store` on 127.0.0.1 (port 0: any free one). */
export async function devServer(store: TrialStore, port = 0): Promise<{ url: string; server: Server; close(): Promise<void> }> {
  const assets = await bundlePage();
  const html = readFileSync(`${here}index.html`);
  const streams = new Set<() => void>();
  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const parts = url.pathname.split('/').filter((p) => p !== '').map(decodeURIComponent);
      const csp = { 'content-security-policy': "default-src 'self'" };
      if (url.pathname === '/') {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', ...csp });
        res.end(html);
        return;
      }
      if (parts[0] === 'assets' && parts.length === 2 && assets[parts[1]] !== undefined) {
        res.writeHead(200, { 'content-type': assets[parts[1]].type });
        res.end(assets[parts[1]].body);
        return;
      }
      if (parts[0] !== 'api' || parts[1] !== 'studies') return json(res, 404, { error: 'not found' });
      if (parts.length === 2) {
        const list: StudyListItem[] = (await store.listStudies()).map((s) => ({ name: s.name, direction: s.direction, trials: s.trials, best: s.best, sampler: s.sampler, pruner: s.pruner, created: s.created }));
        return json(res, 200, list);
      }
      const study = await store.getStudy(parts[2]);
      if (study === undefined) return json(res, 404, { error: `no study named ${JSON.stringify(parts[2])}` });
      const points = Number(url.searchParams.get('points') ?? 1000) || 1000;
      if (parts[3] === 'trials' && parts.length === 4) return json(res, 200, (await store.getTrials(study.id)).map((t) => summary(t, points)));
      if (parts[3] === 'trials' && parts.length === 5) {
        const t = await store.getTrial(study.id, Number(parts[4]));
        if (t === undefined) return json(res, 404, { error: `no trial ${parts[4]}` });
        const from = Number(url.searchParams.get('from') ?? -Infinity);
        const to = Number(url.searchParams.get('to') ?? Infinity);
        const all: Curves = { ...curvesOf(t.userAttrs), intermediate: t.intermediate };
        const curves: Curves = {};
        for (const [k, v] of Object.entries(all)) curves[k] = stride(v.filter(([x]) => x >= from && x <= to), points);
        const detail: TrialDetail = { ...summary(t, points), curves, userAttrs: t.userAttrs, diagnosis: [] };
        return json(res, 200, detail);
      }
      if (parts[3] === 'overview') {
        const trials = await store.getTrials(study.id, { states: ['complete'] });
        const sign = study.direction === 'minimize' ? 1 : -1;
        const bestOverTime: Points = [];
        let best = Infinity;
        for (const t of trials.filter((t) => t.finished !== undefined && t.value !== undefined).sort((a, b) => a.finished! - b.finished!))
          if (sign * t.value! < best) {
            best = sign * t.value!;
            bestOverTime.push([t.finished!, t.value!]);
          } else bestOverTime.push([t.finished!, sign * best]);
        const overview: StudyOverview = { name: study.name, direction: study.direction, bestOverTime, importance: { method: 'none (the development harness computes no importance)', values: {} } };
        return json(res, 200, overview);
      }
      if (parts[3] === 'events') {
        res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
        const send = (e: StudyEvent): void => {
          res.write(`event: ${e.type}\ndata: ${JSON.stringify(e, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v))}\n\n`);
        };
        const sent = new Map<number, Set<number>>();
        let { trials, cursor } = await store.changes(study.id, 0);
        send({ type: 'snapshot', trials: trials.map((t) => summary(t, points)) });
        for (const t of trials) sent.set(t.number, new Set(t.intermediate.map(([s]) => s)));
        let stopped = false;
        const timer = setInterval(() => {
          void (async () => {
            if (stopped) return;
            ({ trials, cursor } = await store.changes(study.id, cursor));
            if (trials.length === 0 || stopped) return;
            const updates: TrialUpdate[] = trials.map((t) => {
              const seen = sent.get(t.number) ?? new Set<number>();
              sent.set(t.number, seen);
              const append = t.intermediate.filter(([s]) => !seen.has(s));
              for (const [s] of append) seen.add(s);
              const { intermediate: _, ...rest } = summary(t, points);
              return { ...rest, append };
            });
            send({ type: 'update', trials: updates });
          })().catch(() => undefined);
        }, 100);
        const stop = (): void => {
          stopped = true;
          clearInterval(timer);
          res.end();
        };
        streams.add(stop);
        req.on('close', () => {
          streams.delete(stop);
          stop();
        });
        return;
      }
      return json(res, 404, { error: 'not found' });
    })().catch((e: unknown) => {
      if (!res.headersSent) json(res, 500, { error: String(e) });
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${bound}/`,
    server,
    close: async () => {
      for (const stop of streams) stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const store = await openStore(process.argv[2] ?? 'memory:');
  const { url } = await devServer(store, Number(process.argv[3] ?? 8123));
  console.log(`dev dashboard on ${url}`);
}
