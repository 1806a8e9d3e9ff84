/**
 * Live trials over Server-Sent Events (`GET /api/studies/:name/events`): push, not polling, as far
 * as the page is concerned. The server itself polls the store, because a store has no way to
 * notify (SQLite is a file; several processes write it):
 *
 * - One feed per study, shared by all of its subscribers: every `POLL_MS` (250 ms) it asks the
 *   store for `changes(studyId, cursor)` (the trials changed since its cursor, at a cost
 *   proportional to the change) and turns them into per-trial deltas: the trial's current fields
 *   and the intermediate points it gained since the feed last saw it (`append`, sorted by step;
 *   a point with a step below the last one shown is sent too, as the page inserts by step). One
 *   `update` event carries every changed trial of a poll; nothing is sent when nothing changed.
 *   The first subscriber starts the feed (it loads the whole study once, from cursor 0); the last
 *   one leaving stops it. So new points reach the page within about POLL_MS of `trial.report`.
 * - On connect a subscriber gets a `snapshot` of every trial (as /trials would, downsampled to its
 *   `?points=`) built from the feed's view, then every update after it: the snapshot and the
 *   updates come from the same view, so nothing is missed or sent twice.
 * - A comment line every HEARTBEAT_MS (15 s) keeps proxies and browsers from timing the stream out;
 *   `retry: 2000` makes a browser reconnect 2 s after a drop (it then gets a fresh snapshot).
 * - When the study disappears (deleted, or replaced by a new study of the same name: its change
 *   sequence starts over), subscribers get `study-deleted` and the stream ends; the browser's
 *   reconnection then gets 404 and stops.
 * - A client that does not read (more than MAX_BUFFERED bytes queued beyond its snapshot) is
 *   disconnected rather than buffered without bound; a client that goes away is forgotten at once.
 * - Prefetch: `prefetch(study)` starts a feed before anyone asks (the server does it at start for
 *   the newest study, or the one it was told), so the first page opened finds the study loaded
 *   (1,000 trials × 1,000 points take ~0.6 s to read from SQLite). The feed is held PREFETCH_HOLD_MS
 *   (60 s) for a first subscriber; after that it stops when nobody watches, like any feed.
 * - A store error other than a missing study (a database busy for a moment) is retried at the
 *   next poll; subscribers see nothing of it.
 *
 * Read-only, deliberately: the feed never calls `reapStale`, although the store contract invites
 * "any process that touches the study" to. Reaping writes (it fails trials and enqueues retries):
 * a viewer must not change a study by being opened (its grace period and retry budget are the
 * search's settings, which the dashboard does not know), and the study's own workers reap before
 * each claim anyway.
 * A trial whose worker died therefore shows as running until a worker (or `trainkit tune`) reaps it.
 *
 * Memory: the feed keeps every trial's fields and intermediate points (16 bytes a point in a
 * Float64Array), e.g. 16 MB for 1,000 trials of 1,000 points.
 */
import type { ServerResponse } from 'node:http';
import type { FrozenTrial, StudyRecord, TrialStore } from '../store/types.js';
import type { Points, StudyEvent, TrialSummary, TrialUpdate } from './api.js';
import { downsampleInterleaved } from './downsample.js';
import { trialFields } from './payloads.js';

/** How often a feed asks the store for changes. */
export const POLL_MS = 250;
/** How often an idle stream gets a comment line. */
export const HEARTBEAT_MS = 15_000;
/** How long a prefetched feed waits for its first subscriber. */
export const PREFETCH_HOLD_MS = 60_000;
/** Bytes queued for one client beyond which it is disconnected. */
export const MAX_BUFFERED = 8 * 1024 * 1024;

/** What the feed remembers of a trial: its summary fields and every intermediate point seen, interleaved [x0, y0, x1, y1, ...]. */
export interface TrialView {
  fields: Omit<TrialSummary, 'intermediate'>;
  points: Float64Array;
}

/**
 * A trial's view after `next`, and the update to send: its fields and the points `prev` lacked
 * (none when nothing a viewer sees changed). Intermediate values only grow (a step reported twice
 * keeps its first value), so the new points are the steps `prev` has not seen.
 *
 * @example
 * const { view, update } = trialDelta(undefined, trial); // update.append: all of trial.intermediate
 */
export function trialDelta(prev: TrialView | undefined, next: FrozenTrial): { view: TrialView; update?: TrialUpdate } {
  const view = viewOf(next);
  const old = prev?.points ?? new Float64Array(0);
  const append: Points = [];
  let j = 0;
  for (const [x, y] of next.intermediate) {
    while (j < old.length && old[j] < x) j += 2;
    if (j < old.length && old[j] === x) j += 2;
    else append.push([x, y]);
  }
  if (prev !== undefined && append.length === 0 && JSON.stringify(prev.fields) === JSON.stringify(view.fields)) return { view };
  return { view, update: { ...view.fields, append } };
}

/** A trial's view: its summary fields and its intermediate points, interleaved. */
export function viewOf(t: FrozenTrial): TrialView {
  const points = new Float64Array(t.intermediate.length * 2);
  t.intermediate.forEach(([x, y], i) => {
    points[2 * i] = x;
    points[2 * i + 1] = y;
  });
  return { fields: trialFields(t), points };
}

/** A view's trial as the snapshot sends it: its points downsampled to at most `max`. */
export function viewSummary(v: TrialView, max: number): TrialSummary {
  return { ...v.fields, intermediate: downsampleInterleaved(v.points, max) };
}

interface Subscriber {
  res: ServerResponse;
  /** Bytes it may have queued: its snapshot's size plus maxBuffered (a snapshot may be large; updates must drain). */
  allowance: number;
}

interface Feed {
  study: StudyRecord;
  view: Map<number, TrialView>;
  cursor: number;
  /** Resolves after the first successful poll (or once the study is gone). */
  ready: Promise<void>;
  deleted: boolean;
  subscribers: Set<Subscriber>;
  /** Subscribers waiting for `ready`, plus one while a prefetch holds the feed. */
  pending: number;
  /** The prefetch's hold, cleared by `stop`. */
  hold?: NodeJS.Timeout;
  stop(): void;
}

export interface EventHub {
  /** Streams `study`'s events to `res` (see the module comment) until either side ends it. */
  subscribe(study: StudyRecord, res: ServerResponse, points: number): Promise<void>;
  /** Starts `study`'s feed now, for a subscriber still to come (see the module comment); no-op when it runs. */
  prefetch(study: StudyRecord, holdMs?: number): void;
  /** How many feeds are polling (one per study with subscribers or a prefetch hold). */
  readonly feeds: number;
  /** Ends every stream and stops every feed. */
  close(): void;
}

/**
 * The event streams of one store (see the module comment).
 *
 * @example
 * const hub = eventHub(store);
 * await hub.subscribe(study, res, 1000);
 */
export function eventHub(store: TrialStore, o: { pollMs?: number; heartbeatMs?: number; maxBuffered?: number } = {}): EventHub {
  const { pollMs, heartbeatMs, maxBuffered } = { pollMs: POLL_MS, heartbeatMs: HEARTBEAT_MS, maxBuffered: MAX_BUFFERED, ...o };
  const feeds = new Map<number, Feed>();

  const send = (sub: Subscriber, text: string): void => {
    if (sub.res.destroyed || sub.res.writableEnded) return;
    sub.res.write(text);
    if (sub.res.writableLength > sub.allowance) sub.res.destroy();
  };
  const event = (e: StudyEvent): string => `event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`;

  const startFeed = (study: StudyRecord): Feed => {
    let timer: NodeJS.Timeout | undefined;
    let stopped = false;
    let markReady!: () => void;
    const heartbeat = setInterval(() => {
      for (const sub of feed.subscribers) send(sub, ': heartbeat\n\n');
    }, heartbeatMs);
    const feed: Feed = {
      study,
      view: new Map(),
      cursor: 0,
      ready: new Promise<void>((resolve) => (markReady = resolve)),
      deleted: false,
      subscribers: new Set(),
      pending: 0,
      stop() {
        stopped = true;
        clearTimeout(timer);
        clearTimeout(feed.hold);
        clearInterval(heartbeat);
        if (feeds.get(study.id) === feed) feeds.delete(study.id);
        for (const sub of feed.subscribers) sub.res.end();
        feed.subscribers.clear();
        markReady();
      },
    };
    const gone = (): void => {
      feed.deleted = true;
      const text = event({ type: 'study-deleted' });
      for (const sub of feed.subscribers) send(sub, text);
      feed.stop();
    };
    const poll = async (): Promise<void> => {
      try {
        const { trials, cursor } = await store.changes(study.id, feed.cursor);
        if (stopped) return;
        if (cursor < feed.cursor) return gone(); // the sequence started over: another study took the id
        const updates: TrialUpdate[] = [];
        // Nobody to tell (the first load: subscribers wait for it, then get the snapshot): views only.
        const listening = feed.subscribers.size > 0;
        for (const t of trials) {
          if (!listening) {
            feed.view.set(t.number, viewOf(t));
            continue;
          }
          const { view, update } = trialDelta(feed.view.get(t.number), t);
          feed.view.set(t.number, view);
          if (update !== undefined) updates.push(update);
        }
        feed.cursor = cursor;
        markReady();
        if (updates.length > 0) {
          const text = event({ type: 'update', trials: updates });
          for (const sub of feed.subscribers) send(sub, text);
        }
      } catch {
        if (stopped) return;
        const now = await store.getStudy(study.name).then(
          (s) => s ?? null,
          () => undefined, // the store itself failed: try again at the next poll
        );
        if (stopped) return;
        if (now === null || (now !== undefined && now.id !== study.id)) return gone();
      }
      timer = setTimeout(() => void poll(), pollMs);
    };
    void poll();
    return feed;
  };

  const leave = (feed: Feed, sub?: Subscriber): void => {
    if (sub !== undefined) feed.subscribers.delete(sub);
    if (feed.subscribers.size === 0 && feed.pending === 0) feed.stop();
  };

  return {
    async subscribe(study, res, points) {
      let feed = feeds.get(study.id);
      if (feed !== undefined && feed.study.created !== study.created) feed.stop(); // a new study reusing a deleted one's id
      if (feed === undefined || feeds.get(study.id) !== feed) feeds.set(study.id, (feed = startFeed(study)));
      res.writeHead(200, {
        'Content-Type': 'text/event-stream; charset=utf-8',
        'Cache-Control': 'no-store',
        Connection: 'keep-alive',
        'X-Accel-Buffering': 'no',
      });
      res.write('retry: 2000\n\n');
      let closed = false;
      res.on('close', () => (closed = true));
      feed.pending += 1;
      await feed.ready;
      feed.pending -= 1;
      if (closed || feed.deleted || feeds.get(study.id) !== feed) {
        if (!closed && feed.deleted) res.end(event({ type: 'study-deleted' }));
        else res.end();
        leave(feed);
        return;
      }
      const trials = [...feed.view.values()].sort((a, b) => a.fields.number - b.fields.number).map((v) => viewSummary(v, points));
      const snapshot = event({ type: 'snapshot', trials });
      const sub: Subscriber = { res, allowance: Buffer.byteLength(snapshot) + maxBuffered };
      send(sub, snapshot);
      feed.subscribers.add(sub);
      res.on('close', () => leave(feed!, sub));
    },
    prefetch(study, holdMs = PREFETCH_HOLD_MS) {
      const running = feeds.get(study.id);
      if (running !== undefined && running.study.created === study.created) return;
      running?.stop();
      const feed = startFeed(study);
      feeds.set(study.id, feed);
      feed.pending += 1;
      feed.hold = setTimeout(() => {
        feed.pending -= 1;
        leave(feed);
      }, holdMs);
      feed.hold.unref();
    },
    get feeds() {
      return feeds.size;
    },
    close() {
      for (const feed of [...feeds.values()]) feed.stop();
    },
  };
}
