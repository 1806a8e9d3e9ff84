/**
 * The page's side of the HTTP API (../api.ts): one function per route, names URI-encoded, errors
 * turned into ApiRequestError with the server's message (`{ error }`) and the status.
 */
import type { ApiError, StudyListItem, StudyOverview, TrialDetail, TrialSummary } from '../api.js';

export class ApiRequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiRequestError';
  }
}

const study = (name: string): string => `/api/studies/${encodeURIComponent(name)}`;

async function get<T>(url: string, signal?: AbortSignal): Promise<T> {
  const res = await fetch(url, { signal, headers: { accept: 'application/json' } });
  if (!res.ok) {
    let message = `${res.status} ${res.statusText}`;
    try {
      const body = (await res.json()) as Partial<ApiError>;
      if (typeof body.error === 'string') message = body.error;
    } catch {
      // not JSON: keep the status line
    }
    throw new ApiRequestError(res.status, message);
  }
  return (await res.json()) as T;
}

export const api = {
  studies: (signal?: AbortSignal) => get<StudyListItem[]>('/api/studies', signal),
  trials: (name: string, points: number, signal?: AbortSignal) => get<TrialSummary[]>(`${study(name)}/trials?points=${points}`, signal),
  trial: (name: string, number: number, o: { from?: number; to?: number; points?: number } = {}, signal?: AbortSignal) => {
    const q = new URLSearchParams();
    if (o.from !== undefined) q.set('from', String(o.from));
    if (o.to !== undefined) q.set('to', String(o.to));
    if (o.points !== undefined) q.set('points', String(Math.round(o.points)));
    const query = q.toString();
    return get<TrialDetail>(`${study(name)}/trials/${number}${query === '' ? '' : `?${query}`}`, signal);
  },
  overview: (name: string, signal?: AbortSignal) => get<StudyOverview>(`${study(name)}/overview`, signal),
  eventsUrl: (name: string, points: number) => `${study(name)}/events?points=${points}`,
};
