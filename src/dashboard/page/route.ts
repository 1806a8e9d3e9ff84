/**
 * The page's address: everything a person sees is named by the URL's hash, so a view can be linked,
 * reloaded and opened by a test directly.
 *
 *   #/                                   the studies of the store
 *   #/study/NAME[?sort=&state=&top=&beta=]  the command center of study NAME (its options in the query)
 *   #/study/NAME/overview                the study overview
 *   #/study/NAME/trial/N                 trial N's detail
 *
 * NAME is URI-encoded (a study may be named anything). An address that matches none of these reads
 * as the study list, with `unknown` set so the page can say so.
 */
import type { TrialState } from '../api.js';

export type SortKey = 'value' | 'newest' | 'oldest';
export const SORT_KEYS: readonly SortKey[] = ['value', 'newest', 'oldest'];
export const STATES: readonly TrialState[] = ['running', 'complete', 'pruned', 'failed', 'waiting'];

/** The command center's options. */
export interface CenterOptions {
  /** 'value': best first (see ranking.ts); 'newest' / 'oldest': by trial number, i.e. by start. */
  sort: SortKey;
  /** The states shown; empty: all. */
  states: TrialState[];
  /** Show only the k best (after the state filter); undefined: all. */
  top?: number;
  /** The smoothing weight of the EMA line, [0, 1). */
  beta: number;
}

export const CENTER_DEFAULTS: CenterOptions = { sort: 'newest', states: [], top: undefined, beta: 0.6 };

export type Route =
  | { view: 'studies'; unknown?: string }
  | { view: 'center'; study: string; options: CenterOptions }
  | { view: 'overview'; study: string }
  | { view: 'trial'; study: string; number: number };

function decode(part: string): string | undefined {
  try {
    return decodeURIComponent(part);
  } catch {
    return undefined;
  }
}

function centerOptions(query: string): CenterOptions {
  const q = new URLSearchParams(query);
  const o: CenterOptions = { ...CENTER_DEFAULTS, states: [] };
  const sort = q.get('sort');
  if (sort !== null && (SORT_KEYS as readonly string[]).includes(sort)) o.sort = sort as SortKey;
  for (const s of (q.get('state') ?? '').split(',')) if ((STATES as readonly string[]).includes(s) && !o.states.includes(s as TrialState)) o.states.push(s as TrialState);
  const top = Number(q.get('top') ?? NaN);
  if (Number.isInteger(top) && top > 0) o.top = top;
  const beta = Number(q.get('beta') ?? NaN);
  if (q.get('beta') !== null && beta >= 0 && beta < 1) o.beta = beta;
  return o;
}

/** The route of a location hash ('#/study/a%20b', '' …). */
export function parseRoute(hash: string): Route {
  const raw = hash.replace(/^#/, '');
  const q = raw.indexOf('?');
  const path = q < 0 ? raw : raw.slice(0, q);
  const query = q < 0 ? '' : raw.slice(q + 1);
  const parts = path.split('/').filter((p) => p !== '');
  if (parts.length === 0) return { view: 'studies' };
  const study = parts[0] === 'study' && parts[1] !== undefined ? decode(parts[1]) : undefined;
  if (study !== undefined) {
    if (parts.length === 2) return { view: 'center', study, options: centerOptions(query) };
    if (parts.length === 3 && parts[2] === 'overview') return { view: 'overview', study };
    if (parts.length === 4 && parts[2] === 'trial' && /^\d+$/.test(parts[3])) return { view: 'trial', study, number: Number(parts[3]) };
  }
  return { view: 'studies', unknown: raw };
}

/** The hash of a route (the inverse of parseRoute; default options are left out). */
export function hashOf(route: Route): string {
  if (route.view === 'studies') return '#/';
  const base = `#/study/${encodeURIComponent(route.study)}`;
  if (route.view === 'overview') return `${base}/overview`;
  if (route.view === 'trial') return `${base}/trial/${route.number}`;
  const o = route.options;
  const q = new URLSearchParams();
  if (o.sort !== CENTER_DEFAULTS.sort) q.set('sort', o.sort);
  if (o.states.length > 0) q.set('state', o.states.join(','));
  if (o.top !== undefined) q.set('top', String(o.top));
  if (o.beta !== CENTER_DEFAULTS.beta) q.set('beta', String(o.beta));
  const query = q.toString();
  return query === '' ? base : `${base}?${query}`;
}
