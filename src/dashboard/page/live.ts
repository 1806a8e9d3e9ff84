/**
 * The live view of a study: the trials as the server's event stream (../api.ts, StudyEvent) last
 * described them. A 'snapshot' replaces everything (sent on every (re)connect, so a dropped
 * connection heals itself); an 'update' merges each trial's changed fields and inserts its new
 * intermediate points by step (points.ts), whatever order they come in.
 *
 * `applyEvent` is a pure function of the map and the event (tested without a browser);
 * `connectStudy` wires it to an EventSource.
 */
import type { StudyEvent, TrialSummary } from '../api.js';
import { insertByStep } from './points.js';

/** What an event changed: the trials touched, whether everything was replaced, whether the study is gone. */
export interface Applied {
  changed: number[];
  reset: boolean;
  deleted: boolean;
}

/** Applies one event to `trials` (by number), in place; the trials of a snapshot become the map's own. */
export function applyEvent(trials: Map<number, TrialSummary>, event: StudyEvent): Applied {
  if (event.type === 'study-deleted') {
    trials.clear();
    return { changed: [], reset: true, deleted: true };
  }
  if (event.type === 'snapshot') {
    // The event is the caller's to give away (freshly parsed): its trials are kept as they are, not
    // copied (a snapshot of 1,000 trials holds some 300,000 points).
    trials.clear();
    for (const t of event.trials) trials.set(t.number, t);
    return { changed: [...trials.keys()], reset: true, deleted: false };
  }
  const changed: number[] = [];
  for (const u of event.trials) {
    const { append, ...fields } = u;
    const known = trials.get(u.number);
    if (known === undefined) {
      const intermediate = [] as TrialSummary['intermediate'];
      insertByStep(intermediate, append);
      trials.set(u.number, { ...fields, intermediate, intermediateCount: Math.max(fields.intermediateCount, intermediate.length) });
    } else {
      const { intermediate } = known;
      insertByStep(intermediate, append);
      // Fields the update leaves out keep their value (an update carries the trial's whole summary but
      // its points; optional fields absent mean "unchanged").
      Object.assign(known, stripUndefined(fields), { intermediate });
    }
    changed.push(u.number);
  }
  return { changed, reset: false, deleted: false };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export type LiveStatus = 'connecting' | 'live' | 'reconnecting';

/** How long to wait before opening a new stream when the browser gave up on one (ms). */
const RETRY_MS = 3000;

/**
 * Follows a study's events: `onEvent` gets each parsed event, `onStatus` the connection's state.
 * EventSource reconnects by itself after a dropped connection; when it gives up (the server answered
 * with an error) a new one is opened after RETRY_MS. Either way the server starts with a new snapshot.
 * Returns the function that closes the stream.
 */
export function connectStudy(url: string, onEvent: (e: StudyEvent) => void, onStatus: (s: LiveStatus) => void): () => void {
  let source: EventSource | undefined;
  let retry: ReturnType<typeof setTimeout> | undefined;
  let closed = false;
  const handle = (message: MessageEvent<string>): void => {
    let event: StudyEvent;
    try {
      event = JSON.parse(message.data) as StudyEvent;
    } catch {
      return; // not ours (a comment, a keep-alive)
    }
    onEvent(event);
  };
  const open = (): void => {
    onStatus('connecting');
    const s = new EventSource(url);
    source = s;
    // The server names each message's type in the SSE `event:` field; an unnamed one arrives as 'message'.
    for (const type of ['snapshot', 'update', 'study-deleted', 'message']) s.addEventListener(type, handle as EventListener);
    s.addEventListener('open', () => onStatus('live'));
    s.addEventListener('error', () => {
      onStatus('reconnecting');
      if (s.readyState === EventSource.CLOSED && !closed) retry = setTimeout(open, RETRY_MS);
    });
  };
  open();
  return () => {
    closed = true;
    clearTimeout(retry);
    source?.close();
  };
}
