/**
 * HTTP clients for the dashboard's tests: `rawGet` sends a request target byte for byte (fetch and
 * URL would normalise `/../` and `%2e%2e` away before the server sees them), and `openEvents`
 * reads a Server-Sent Events stream message by message.
 */
import { connect } from 'node:net';
import { request } from 'node:http';
import type { StudyEvent } from './api.js';

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Sends `GET target` exactly as written over a fresh connection and reads the whole answer. */
export function rawGet(url: string, target: string, o: { method?: string; host?: string } = {}): Promise<RawResponse> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) });
    let data = '';
    socket.setEncoding('latin1');
    socket.on('data', (d: string) => (data += d));
    socket.on('error', reject);
    socket.on('end', () => {
      const head = data.slice(0, data.indexOf('\r\n\r\n'));
      const [statusLine, ...lines] = head.split('\r\n');
      const headers: Record<string, string> = {};
      for (const l of lines) headers[l.slice(0, l.indexOf(':')).toLowerCase()] = l.slice(l.indexOf(':') + 1).trim();
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body: Buffer.from(data.slice(head.length + 4), 'latin1').toString('utf8') });
    });
    socket.write(`${o.method ?? 'GET'} ${target} HTTP/1.1\r\nHost: ${o.host ?? `127.0.0.1:${port}`}\r\nConnection: close\r\n\r\n`);
  });
}

export interface EventStream {
  /** The next message (optionally the next of a type), rejecting after `timeoutMs`. */
  next(type?: StudyEvent['type'], timeoutMs?: number): Promise<StudyEvent>;
  /** Comment lines received so far (heartbeats). */
  comments: number;
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** Stops reading (the server's writes then queue up). */
  pause(): void;
  close(): void;
}

/** Opens an event stream and resolves once its headers arrived. */
export function openEvents(url: string): Promise<EventStream> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { Accept: 'text/event-stream' } }, (res) => {
      res.setEncoding('utf8');
      const messages: StudyEvent[] = [];
      const waiters: Array<() => void> = [];
      let buffer = '';
      let endResolve!: () => void;
      const stream: EventStream = {
        comments: 0,
        ended: new Promise<void>((r) => (endResolve = r)),
        status: res.statusCode ?? 0,
        headers: res.headers,
        close: () => req.destroy(),
        pause: () => res.pause(),
        async next(type, timeoutMs = 5000) {
          const deadline = Date.now() + timeoutMs;
          for (;;) {
            const i = messages.findIndex((m) => type === undefined || m.type === type);
            if (i >= 0) return messages.splice(0, i + 1).at(-1)!;
            const left = deadline - Date.now();
            if (left <= 0) throw new Error(`no ${type ?? 'event'} within ${timeoutMs} ms`);
            await new Promise<void>((r) => {
              const timer = setTimeout(r, left);
              waiters.push(() => {
                clearTimeout(timer);
                r();
              });
            });
          }
        },
      };
      // Chunks are kept apart until one ends a message: joining a big snapshot chunk by chunk would copy it each time.
      const pending: string[] = [];
      res.on('data', (chunk: string) => {
        const tail = pending.length > 0 ? pending[pending.length - 1].slice(-1) : buffer.slice(-1);
        pending.push(chunk);
        if (!(tail + chunk).includes('\n\n')) return;
        buffer += pending.splice(0).join('');
        for (let i = buffer.indexOf('\n\n'); i >= 0; i = buffer.indexOf('\n\n')) {
          const block = buffer.slice(0, i);
          buffer = buffer.slice(i + 2);
          const data = block.split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n');
          if (block.startsWith(':')) stream.comments += 1;
          if (data !== '') messages.push(JSON.parse(data) as StudyEvent);
        }
        waiters.splice(0).forEach((w) => w());
      });
      res.on('end', () => {
        endResolve();
        waiters.splice(0).forEach((w) => w());
      });
      res.on('error', () => endResolve());
      resolve(stream);
    });
    req.on('error', reject);
    req.end();
  });
}
