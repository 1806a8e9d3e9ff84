/**
 * `trainkit dashboard --storage URL [--port N] [--host H] [--study NAME]`: the command center over
 * a store. It opens the store, serves the page and its API (dashboard/server.ts) and prints the
 * address; Ctrl-C (or SIGTERM) closes the server, then the store.
 *
 * The default port is 8080 (a stable address to bookmark); `--port 0` takes any free one. It
 * listens on 127.0.0.1 only unless `--host` says otherwise (e.g. `--host 0.0.0.0` on a cluster
 * node), and then says that anyone who reaches the machine can read the studies. `--study NAME`
 * prints the address of that study's command center (the page names its views by the URL's hash:
 * `#/study/NAME`).
 */
import { startDashboard } from '../dashboard/server.js';
import { openStore } from '../store/open.js';

/** The port `trainkit dashboard` listens on without `--port`. */
export const DEFAULT_DASHBOARD_PORT = 8080;

export interface DashboardCommandOptions {
  storage: string;
  port: number;
  host?: string;
  study?: string;
  log: (line: string) => void;
  /** Aborting it (Ctrl-C) stops the server. */
  signal: AbortSignal;
}

/**
 * Serves the dashboard until `signal` aborts; returns the exit status (0). Throws TrainkitError for
 * a bad store, host or port (in use).
 *
 * @example
 * await dashboardCommand({ storage: 'sqlite:./trainkit.db', port: 8080, log: console.log, signal });
 */
export async function dashboardCommand(o: DashboardCommandOptions): Promise<number> {
  const store = await openStore(o.storage);
  try {
    const dashboard = await startDashboard({ storage: store, port: o.port, prefetch: o.study ?? true, ...(o.host === undefined ? {} : { host: o.host }) });
    try {
      const page = o.study === undefined ? `${dashboard.url}/` : `${dashboard.url}/#/study/${encodeURIComponent(o.study)}`;
      o.log(`trainkit dashboard: ${page}  (store ${store.url}; Ctrl-C stops it)`);
      if (o.study !== undefined && (await store.getStudy(o.study)) === undefined)
        o.log(`note: ${store.url} has no study named ${JSON.stringify(o.study)} yet; the page shows it once a search creates it`);
      if (!isLoopback(dashboard.host))
        o.log(`note: listening on ${dashboard.host}: anyone who can reach this machine on port ${dashboard.port} can read these studies`);
      if (!o.signal.aborted) await new Promise<void>((resolve) => o.signal.addEventListener('abort', () => resolve(), { once: true }));
    } finally {
      await dashboard.close();
    }
    o.log('trainkit dashboard: stopped');
    return 0;
  } finally {
    await store.close();
  }
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}
