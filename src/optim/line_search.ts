/**
 * Line searches along x + t·d for the full-batch minimisers (lbfgs, bfgs, newton): the strong Wolfe
 * search of Nocedal & Wright ("Numerical Optimization", 2nd ed., Algorithms 3.5 and 3.6) and Armijo
 * backtracking. They see the loss only through `phi(t)`, which the caller evaluates on the host.
 */

/** A point on the line x + t·d. `g` is null where the loss or gradient was not finite. */
export interface LinePoint {
  t: number;
  /** The loss at the point; NaN where `g` is null. */
  f: number;
  g: Float64Array | null;
  /** The directional derivative g·d (NaN where `g` is null). */
  gtd: number;
  /** The point itself, as the float32 values the tensors hold. */
  x: Float32Array;
}

export interface LineSearchOptions {
  /** Sufficient-decrease (Armijo) constant, in (0, 1). */
  c1: number;
  /** Curvature constant of the strong Wolfe conditions, in (c1, 1). */
  c2: number;
  /** Loss-and-gradient evaluations allowed in one search. */
  maxEvaluations: number;
  /** max |dᵢ|: the zoom stops when the bracket moves x by less than 1e-10. */
  dNorm: number;
}

/**
 * A line search: from `base` (t = 0) with first trial step `t0`, returns the accepted point, or
 * undefined when no trial point decreased the loss enough.
 */
export type LineSearch = (
  phi: (t: number) => Promise<LinePoint>,
  base: LinePoint,
  t0: number,
  options: LineSearchOptions,
) => Promise<LinePoint | undefined>;

/**
 * Line search for the strong Wolfe conditions, f(t) <= f(0) + c1·t·f'(0) and |f'(t)| <= c2·|f'(0)|
 * (Nocedal & Wright Algorithms 3.5 and 3.6): grow the step until a bracket is found, then zoom
 * with safeguarded cubic interpolation. Returns the accepted point; a point with sufficient
 * decrease but not the curvature condition when the budget runs out; undefined when no trial point
 * decreased the loss enough. A trial point with a non-finite loss counts as "too far".
 *
 * @example
 * // f(t) = (t − 2)² along d = 1 from x = 0: accepts t = 2 after a cubic step.
 * const phi = async (t: number) => ({ t, f: (t - 2) ** 2, g: Float64Array.of(2 * (t - 2)), gtd: 2 * (t - 2), x: Float32Array.of(t) });
 * const base = await phi(0);
 * const point = await strongWolfe(phi, base, 1, { c1: 1e-4, c2: 0.9, maxEvaluations: 25, dNorm: 1 });
 */
export const strongWolfe: LineSearch = async (phi, base, t0, { c1, c2, maxEvaluations, dNorm }) => {
  const armijo = (p: LinePoint) => p.g !== null && p.f <= base.f + c1 * p.t * base.gtd;
  const curvature = (p: LinePoint) => Math.abs(p.gtd) <= -c2 * base.gtd;
  let evals = 0;
  let prev = base;
  let t = t0;
  let lo: LinePoint;
  let hi: LinePoint;
  for (;;) {
    const cur = await phi(t);
    evals++;
    if (!armijo(cur) || (evals > 1 && cur.f >= prev.f)) {
      [lo, hi] = [prev, cur];
      break;
    }
    if (curvature(cur)) return cur;
    if (cur.gtd >= 0) {
      [lo, hi] = [cur, prev];
      break;
    }
    if (evals >= maxEvaluations) return cur; // still going down: accept the sufficient decrease
    const next = cubicMinimum(prev, cur, cur.t + 0.01 * (cur.t - prev.t), cur.t * 10);
    prev = cur;
    t = next;
  }
  while (evals < maxEvaluations && Math.abs(hi.t - lo.t) * dNorm > 1e-10) {
    const a = Math.min(lo.t, hi.t);
    const b = Math.max(lo.t, hi.t);
    const margin = 0.1 * (b - a);
    // A non-finite end gives no slope to interpolate: shrink hard towards the good end.
    const trial = hi.g === null ? lo.t + 0.1 * (hi.t - lo.t) : cubicMinimum(lo, hi, a + margin, b - margin);
    const cur = await phi(trial);
    evals++;
    if (!armijo(cur) || cur.f >= lo.f) hi = cur;
    else {
      if (curvature(cur)) return cur;
      if (cur.gtd * (hi.t - lo.t) >= 0) hi = lo;
      lo = cur;
    }
  }
  return lo.t > 0 ? lo : undefined;
};

/**
 * Armijo backtracking: shrink t by safeguarded quadratic interpolation (to [0.1·t, 0.5·t]) until
 * f(t) <= f(0) + c1·t·f'(0).
 *
 * @example
 * const phi = async (t: number) => ({ t, f: (t - 2) ** 2, g: Float64Array.of(2 * (t - 2)), gtd: 2 * (t - 2), x: Float32Array.of(t) });
 * const point = await backtracking(phi, await phi(0), 8, { c1: 1e-4, c2: 0.9, maxEvaluations: 25, dNorm: 1 });
 */
export const backtracking: LineSearch = async (phi, base, t0, { c1, maxEvaluations }) => {
  let t = t0;
  for (let evals = 0; evals < maxEvaluations; evals++) {
    const cur = await phi(t);
    if (cur.g !== null && cur.f <= base.f + c1 * t * base.gtd) return cur;
    const quadratic = (-base.gtd * t * t) / (2 * (cur.f - base.f - base.gtd * t));
    t = Number.isFinite(quadratic) ? Math.min(0.5 * t, Math.max(0.1 * t, quadratic)) : 0.1 * t;
  }
  return undefined;
};

/**
 * The minimiser of the cubic that interpolates f and f' at two points (Nocedal & Wright eq. 3.59),
 * clamped to [lo, hi]; the middle of [lo, hi] when the cubic has no minimiser.
 */
function cubicMinimum(p1: LinePoint, p2: LinePoint, lo: number, hi: number): number {
  const [a, b] = p1.t <= p2.t ? [p1, p2] : [p2, p1];
  const d1 = a.gtd + b.gtd - (3 * (a.f - b.f)) / (a.t - b.t);
  const d2sq = d1 * d1 - a.gtd * b.gtd;
  if (d2sq >= 0) {
    const d2 = Math.sqrt(d2sq);
    const m = b.t - (b.t - a.t) * ((b.gtd + d2 - d1) / (b.gtd - a.gtd + 2 * d2));
    if (Number.isFinite(m)) return Math.min(Math.max(m, lo), hi);
  }
  return (lo + hi) / 2;
}
