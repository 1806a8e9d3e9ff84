/**
 * The API's query parameters, checked at the edge: `points` (how many points a curve gets, an
 * integer in [2, MAX_POINTS]) on the routes that send curves, and `from` / `to` (a zoom window, in
 * steps) on a trial's detail. A parameter a route does not take, a repeated one or a bad value is
 * refused with every problem named (the server answers 400), never ignored.
 */
import type { Route } from './route.js';

/** The most points one curve may be asked for. */
export const MAX_POINTS = 100_000;

/** What each route accepts. */
const ACCEPTS: Record<Route['kind'], readonly string[]> = {
  page: [],
  asset: [],
  studies: [],
  trials: ['points'],
  trial: ['points', 'from', 'to'],
  overview: [],
  events: ['points'],
};

export interface CurveQuery {
  points?: number;
  from?: number;
  to?: number;
}

/**
 * The checked query of a route, or the list of its problems.
 *
 * @example
 * curveQuery('trial', new URLSearchParams('points=200&from=10')); // { query: { points: 200, from: 10 } }
 */
export function curveQuery(kind: Route['kind'], params: URLSearchParams): { query: CurveQuery } | { problems: string[] } {
  const problems: string[] = [];
  const query: CurveQuery = {};
  const accepted = ACCEPTS[kind];
  if (kind === 'page' || kind === 'asset') return { query }; // a page's own query (e.g. ?study=NAME) is the page's business
  for (const name of new Set(params.keys())) {
    const all = params.getAll(name);
    if (!accepted.includes(name)) {
      problems.push(`unknown query parameter ${JSON.stringify(name)} (${accepted.length === 0 ? 'this route takes none' : `this route takes ${accepted.join(', ')}`})`);
      continue;
    }
    if (all.length > 1) {
      problems.push(`query parameter ${name} given ${all.length} times (expected once)`);
      continue;
    }
    const text = all[0];
    const n = text.trim() === '' ? NaN : Number(text);
    if (name === 'points') {
      if (Number.isInteger(n) && n >= 2 && n <= MAX_POINTS) query.points = n;
      else problems.push(`invalid points: ${JSON.stringify(text)} (expected an integer from 2 to ${MAX_POINTS})`);
    } else if (Number.isFinite(n)) query[name as 'from' | 'to'] = n;
    else problems.push(`invalid ${name}: ${JSON.stringify(text)} (expected a finite number, a step)`);
  }
  if (query.from !== undefined && query.to !== undefined && query.from > query.to)
    problems.push(`from (${query.from}) is after to (${query.to}) (expected from <= to)`);
  return problems.length > 0 ? { problems } : { query };
}
