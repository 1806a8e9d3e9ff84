/**
 * Curves as the page keeps them: points sorted by step. Workers on many machines report steps in
 * any order, and the live stream sends whatever arrived since the last message, so new points are
 * inserted at their step (a binary search), never appended blindly: a curve drawn from this array
 * never runs "in circles". A step already present keeps its first value, as the store does.
 */
import type { Points } from '../api.js';

/** The index of the first point whose step is ≥ `step` (points.length when none is). */
export function lowerBound(points: Points, step: number): number {
  let lo = 0;
  let hi = points.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (points[mid][0] < step) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Inserts `added` into `points` (both sorted or not: `added` may come in any order) keeping
 * `points` sorted by step; a step already there keeps its value. Mutates and returns `points`, and
 * says how many points were new. The common case (every new step after the last) is a plain push.
 */
export function insertByStep(points: Points, added: Points): number {
  let inserted = 0;
  for (const p of added) {
    const last = points.at(-1);
    if (last === undefined || p[0] > last[0]) {
      points.push([p[0], p[1]]);
      inserted++;
      continue;
    }
    const i = lowerBound(points, p[0]);
    if (points[i]?.[0] === p[0]) continue;
    points.splice(i, 0, [p[0], p[1]]);
    inserted++;
  }
  return inserted;
}
