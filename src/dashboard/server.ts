/**
 * The dashboard's HTTP server: Node's `http` and nothing else, read-only over the trial-store
 * interface (it never writes, reaps included: see events.ts), serving the routes of api.ts and the
 * page's files from memory (assets.ts).
 *
 * Decisions:
 * - Bound to 127.0.0.1 unless `host` says otherwise: study data stays on the machine by default.
 *   While it listens on loopback it also answers only requests whose Host header names loopback
 *   (127.0.0.1, localhost, [::1]), with 403 otherwise: a web page on another site cannot reach it
 *   through DNS rebinding. No CORS header is ever sent, so other origins cannot read the API.
 * - Only GET and HEAD (405 otherwise, with `Allow`). Unknown routes, studies and trials: 404 with
 *   a JSON `{ error }`. Bad query parameters: 400 naming every problem. A failure inside: 500 with
 *   a generic message (the detail goes to stderr, never a stack trace to the client).
 * - Paths are matched segment by segment (route.ts) and files are looked up by exact name in an
 *   in-memory map: no request path is ever joined onto the file system.
 * - Every response carries a Content-Security-Policy that allows scripts, styles and connections
 *   from this origin only (no inline script or style, no eval, no frames), `X-Content-Type-Options:
 *   nosniff`, `Referrer-Policy: no-referrer`, and `Cache-Control: no-store` on the API (live data).
 *   Store strings (study, parameter, choice and attribute names and values) only ever leave as JSON
 *   (application/json, nosniff); index.html embeds none of them.
 *
 * @example
 * const dashboard = await startDashboard({ storage: 'sqlite:./trainkit.db' });
 * console.log(dashboard.url); // http://127.0.0.1:PORT
 * await dashboard.close();
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { isIP, type AddressInfo } from 'node:net';
import { InvalidArgumentError, TrainkitError } from '../errors.js';
import { openStore } from '../store/open.js';
import type { TrialStore } from '../store/types.js';
import type { ApiError } from './api.js';
import { ASSET_NAME, PAGE_FILES, contentType, loadAssets, type Assets } from './assets.js';
import { eventHub, HEARTBEAT_MS, POLL_MS, type EventHub } from './events.js';
import { studyOverview } from './overview.js';
import { DEFAULT_POINTS, studyListItem, trialDetail, trialSummary } from './payloads.js';
import { curveQuery } from './query.js';
import { matchRoute } from './route.js';

export interface DashboardOptions {
  /** A store URL (opened here, closed by `close()`) or an open store (left open). */
  storage: TrialStore | string;
  /** The TCP port; 0 (the default) takes any free one. */
  port?: number;
  /** The address to listen on. Default '127.0.0.1' (this machine only). */
  host?: string;
  /** The page's files. Default: `loadAssets()` (prebuilt, else bundled from the sources). */
  assets?: Assets;
  /** How often live views ask the store for changes, in ms. Default 250. */
  pollMs?: number;
  /** How often an idle event stream gets a comment line, in ms. Default 15,000. */
  heartbeatMs?: number;
  /**
   * Load a study's live view at start, so the first page opened finds it ready: true (the default)
   * for the most recently created study, a name for that study, false for none. A prefetched view
   * no page opens within a minute is dropped.
   */
  prefetch?: boolean | string;
}

export interface Dashboard {
  /** Where it answers, e.g. 'http://127.0.0.1:8080' (no trailing slash). */
  url: string;
  port: number;
  host: string;
  /** Ends the event streams, stops listening and closes the store if it opened it. */
  close(): Promise<void>;
}

const DEFAULTS = { port: 0, host: '127.0.0.1', pollMs: POLL_MS, heartbeatMs: HEARTBEAT_MS, prefetch: true as boolean | string };

const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; " +
    "object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/** Starts the feed of study `which` (true: the newest); a store error only means nothing is prefetched. */
async function prefetch(store: TrialStore, hub: EventHub, which: true | string): Promise<void> {
  try {
    let name = which;
    if (name === true) {
      const studies = await store.listStudies();
      if (studies.length === 0) return;
      name = studies.reduce((a, b) => (b.created > a.created ? b : a)).name;
    }
    const study = await store.getStudy(name);
    if (study !== undefined) hub.prefetch(study);
  } catch {
    // The store is unreadable or closing: the first page loads the study itself.
  }
}

const LOOPBACK_NAMES = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/**
 * Starts the dashboard's server (see the module comment) and resolves once it listens.
 * Throws InvalidArgumentError for a bad option and TrainkitError when it cannot listen (port in
 * use, unknown host) or the page cannot be loaded.
 *
 * @example
 * const { url, close } = await startDashboard({ storage: 'sqlite:./trainkit.db', port: 8080 });
 */
export async function startDashboard(options: DashboardOptions): Promise<Dashboard> {
  const o = { ...DEFAULTS, ...options };
  if (!Number.isInteger(o.port) || o.port < 0 || o.port > 65535) throw new InvalidArgumentError('port', o.port, 'an integer from 0 (any free port) to 65535');
  if (typeof o.host !== 'string' || !/^[A-Za-z0-9.:[\]%_-]+$/.test(o.host))
    throw new InvalidArgumentError('host', o.host, "an IP address or host name, e.g. '127.0.0.1' or '0.0.0.0'");
  for (const k of ['pollMs', 'heartbeatMs'] as const)
    if (!Number.isFinite(o[k]) || o[k] <= 0) throw new InvalidArgumentError(k, o[k], 'a positive number of milliseconds');
  if (typeof o.storage !== 'string' && (o.storage === null || typeof o.storage !== 'object'))
    throw new InvalidArgumentError('storage', o.storage, "a store URL ('memory:', 'sqlite:PATH', 'postgres://…') or an open TrialStore");
  if (typeof o.prefetch !== 'boolean' && typeof o.prefetch !== 'string') throw new InvalidArgumentError('prefetch', o.prefetch, 'true (the newest study), a study name, or false');
  const files = assetMap(o.assets ?? (await loadAssets()));
  const owned = typeof o.storage === 'string';
  const store = typeof o.storage === 'string' ? await openStore(o.storage) : o.storage;
  const hub = eventHub(store, { pollMs: o.pollMs, heartbeatMs: o.heartbeatMs });
  if (o.prefetch !== false) void prefetch(store, hub, o.prefetch);
  const host = o.host.replace(/^\[(.*)\]$/, '$1');
  const loopbackOnly = LOOPBACK_NAMES.has(host) || host.startsWith('127.');

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) res.setHeader(k, v);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      return fail(res, 405, `method ${req.method ?? '?'} not allowed (the dashboard is read-only: GET, HEAD)`);
    }
    if (loopbackOnly && !loopbackHost(req.headers.host))
      return fail(res, 403, 'this dashboard answers only requests for 127.0.0.1, localhost or [::1]');
    const match = matchRoute(req.url ?? '');
    if (match === undefined) return fail(res, 404, 'not found');
    const { route } = match;
    if (route.kind === 'page' || route.kind === 'asset') {
      const file = files.get(route.kind === 'page' ? 'index.html' : route.name);
      if (file === undefined) return fail(res, 404, 'not found');
      res.writeHead(200, { 'Content-Type': file.type, 'Content-Length': file.body.length, 'Cache-Control': 'no-cache' });
      res.end(file.body);
      return;
    }
    const checked = curveQuery(route.kind, match.query);
    if ('problems' in checked) return fail(res, 400, checked.problems.join('; '));
    const { points = DEFAULT_POINTS, from, to } = checked.query;
    if (route.kind === 'studies') return json(res, 200, (await store.listStudies()).map(studyListItem));
    const study = await store.getStudy(route.study);
    if (study === undefined) return fail(res, 404, `no study named ${JSON.stringify(route.study)}`);
    switch (route.kind) {
      case 'trials':
        return json(res, 200, (await store.getTrials(study.id)).map((t) => trialSummary(t, points)));
      case 'trial': {
        const trial = await store.getTrial(study.id, route.number);
        if (trial === undefined) return fail(res, 404, `study ${JSON.stringify(study.name)} has no trial ${route.number}`);
        return json(res, 200, trialDetail(trial, { points, direction: study.direction, ...(from === undefined ? {} : { from }), ...(to === undefined ? {} : { to }) }));
      }
      case 'overview':
        return json(res, 200, studyOverview(study.name, study.direction, await store.getTrials(study.id)));
      case 'events':
        if (req.method === 'HEAD') {
          res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store' });
          res.end();
          return;
        }
        return hub.subscribe(study, res, points);
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      console.error(`dashboard: ${req.method} ${req.url}: ${(err as Error)?.message ?? String(err)}`);
      if (!res.headersSent) fail(res, 500, 'the store could not answer; see the dashboard’s log');
      else res.destroy();
    });
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ port: o.port, host }, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    hub.close();
    if (owned) await store.close();
    throw listenError(err as NodeJS.ErrnoException, host, o.port);
  }
  const port = (server.address() as AddressInfo).port;
  const url = `http://${isIP(host) === 6 ? `[${host}]` : host}:${port}`;
  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    host,
    close() {
      closing ??= (async () => {
        hub.close();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        if (owned) await store.close();
      })();
      return closing;
    },
  };
}

/** The page's files by name, with their Content-Type; every name checked, index.html required. */
function assetMap(assets: Assets): Map<string, { body: Buffer; type: string }> {
  if (assets === null || typeof assets !== 'object') throw new InvalidArgumentError('assets', assets, `an object of files by name (${PAGE_FILES.join(', ')})`);
  const map = new Map<string, { body: Buffer; type: string }>();
  for (const [name, body] of Object.entries(assets)) {
    if (!ASSET_NAME.test(name)) throw new InvalidArgumentError('asset name', name, 'a plain file name with a known extension, e.g. app.js');
    if (typeof body !== 'string' && !(body instanceof Uint8Array)) throw new InvalidArgumentError(`asset ${name}`, typeof body, 'a string or bytes');
    map.set(name, { body: Buffer.from(body), type: contentType(name) });
  }
  if (!map.has('index.html')) throw new InvalidArgumentError('assets', Object.keys(assets), 'the page files, index.html among them');
  return map;
}

/** True when a Host header names a loopback address (any port), or is absent (HTTP/1.0). */
function loopbackHost(header: string | undefined): boolean {
  if (header === undefined) return true;
  const name = header.startsWith('[') ? header.slice(0, header.indexOf(']') + 1) : header.replace(/:\d*$/, '');
  return LOOPBACK_NAMES.has(name.toLowerCase());
}

function fail(res: ServerResponse, status: number, error: string): void {
  json(res, status, { error } satisfies ApiError);
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-store' });
  res.end(text);
}

function listenError(err: NodeJS.ErrnoException, host: string, port: number): Error {
  if (err.code === 'EADDRINUSE') return new TrainkitError(`Cannot listen on ${host}:${port}: the port is in use (pass another port, or 0 for any free one)`);
  if (err.code === 'EACCES') return new TrainkitError(`Cannot listen on ${host}:${port}: permission denied (ports below 1024 need privileges; pass another port)`);
  if (err.code === 'ENOTFOUND' || err.code === 'EAI_AGAIN' || err.code === 'EADDRNOTAVAIL')
    return new TrainkitError(`Cannot listen on host ${JSON.stringify(host)}: ${err.code === 'EADDRNOTAVAIL' ? 'not an address of this machine' : 'unknown host name'}`);
  return err;
}

