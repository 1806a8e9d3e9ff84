/**
 * Curves cut to what a chart can show: about one point per pixel (`downsample`), and the full
 * resolution of a zoomed window (`pointsInRange`, then `downsample` again).
 *
 * Choice: min/max per bucket, not LTTB. The interior of the x range is cut into equal-width
 * buckets (by x, so irregular steps map to pixels the way the chart draws them); each bucket keeps
 * its lowest and its highest point, in x order. The first and last points are always kept. What
 * a person looks for in a loss curve are spikes and the envelope of the noise (a loss blowing up
 * for one step, an oscillating validation curve); min/max keeps every extreme by construction,
 * where LTTB picks the point of largest triangle area and may smooth a one-step spike away when a
 * neighbour in the same bucket forms a larger triangle. The price: up to two points per bucket,
 * so `max` points give (max - 2) / 2 buckets.
 *
 * Non-finite values are extremes: +Infinity and NaN (a diverged loss) count as above every
 * number, -Infinity below, so a divergence is never dropped. Points are [x, y] sorted by x, as
 * stores keep them.
 */
import { InvalidArgumentError } from '../errors.js';
import type { Points } from './api.js';

/** y as an ordering key: NaN (a diverged value) sorts with +Infinity, above every number. */
const key = (y: number): number => (Number.isNaN(y) ? Infinity : y);

/**
 * At most `max` points of `points` (sorted by x): the first, the last, and the lowest and highest
 * of each equal-width x bucket in between (see the module comment). Returns a copy of `points`
 * when it already fits. `max` is an integer >= 2.
 *
 * @example
 * downsample([[0, 1], [1, 5], [2, 2], [3, 0], [4, 3]], 4); // [[0, 1], [1, 5], [3, 0], [4, 3]]
 */
export function downsample(points: Points, max: number): Points {
  checkMax(max);
  if (points.length <= max) return points.slice();
  const xy = new Float64Array(points.length * 2);
  points.forEach(([x, y], i) => {
    xy[2 * i] = x;
    xy[2 * i + 1] = y;
  });
  return keptIndices(xy, max).map((i) => points[i]);
}

/**
 * `downsample` of points held interleaved, [x0, y0, x1, y1, ...] (the event feed's form), read in
 * place: a study of 1,000 trials × 1,000 points is 1M points, and no pair is built but the ones kept.
 *
 * @example
 * downsampleInterleaved(Float64Array.of(0, 1, 1, 5, 2, 2, 3, 0, 4, 3), 4); // [[0, 1], [1, 5], [3, 0], [4, 3]]
 */
export function downsampleInterleaved(xy: Float64Array, max: number): Points {
  checkMax(max);
  const n = xy.length >> 1;
  const at = (i: number): [number, number] => [xy[2 * i], xy[2 * i + 1]];
  if (n <= max) return Array.from({ length: n }, (_, i) => at(i));
  return keptIndices(xy, max).map(at);
}

/** The indices `downsample` keeps of n > max interleaved points, in x order. */
function keptIndices(xy: Float64Array, max: number): number[] {
  const n = xy.length >> 1;
  const buckets = Math.floor((max - 2) / 2);
  const out = [0];
  if (buckets > 0) {
    const x0 = xy[0];
    const width = (xy[2 * (n - 1)] - x0) / buckets;
    let i = 1;
    for (let b = 0; b < buckets && i < n - 1; b++) {
      const end = b === buckets - 1 ? Infinity : x0 + (b + 1) * width;
      let lo = -1;
      let hi = -1;
      let loKey = 0;
      let hiKey = 0;
      for (; i < n - 1 && (xy[2 * i] < end || width === 0); i++) {
        const k = key(xy[2 * i + 1]);
        if (lo < 0 || k < loKey) (lo = i), (loKey = k);
        if (hi < 0 || k > hiKey) (hi = i), (hiKey = k);
      }
      if (lo < 0) continue;
      if (lo === hi) out.push(lo);
      else out.push(Math.min(lo, hi), Math.max(lo, hi));
    }
  }
  out.push(n - 1);
  return out;
}

function checkMax(max: number): void {
  if (!Number.isInteger(max) || max < 2) throw new InvalidArgumentError('max', max, 'an integer >= 2');
}

/**
 * The points with `from <= x <= to` (either bound may be undefined: unbounded), for a zoomed
 * window at full resolution. Binary search: O(log n) plus the window.
 *
 * @example
 * pointsInRange([[0, 1], [1, 5], [2, 2]], 1, undefined); // [[1, 5], [2, 2]]
 */
export function pointsInRange(points: Points, from: number | undefined, to: number | undefined): Points {
  const start = from === undefined ? 0 : lowerBound(points, from);
  let end = points.length;
  if (to !== undefined) end = lowerBound(points, to, true);
  return points.slice(start, Math.max(start, end));
}

/** The first index whose x is >= x (or > x when `after`). */
function lowerBound(points: Points, x: number, after = false): number {
  let lo = 0;
  let hi = points.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const px = points[mid][0];
    if (after ? px <= x : px < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
