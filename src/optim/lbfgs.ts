/**
 * L-BFGS, the limited-memory quasi-Newton method (Liu & Nocedal 1989; Nocedal & Wright,
 * "Numerical Optimization", 2nd ed., Algorithm 7.4 with the line search of Algorithms 3.5/3.6), for
 * full-batch problems: small models, logistic regression, fine-tuning a last layer.
 *
 * Design: the loss and its gradient come from the tensor engine (`tf.valueAndGrads` over the leaves
 * of the parameter tree); everything else (the two-loop recursion, the line search, the stopping
 * tests) runs on the host in float64 over the flattened leaves. The point being evaluated is kept
 * as float32, exactly the values the tensors hold, so the loss reported is the loss of the params
 * returned. Memory: 2·memory vectors of n float64 (n = number of parameters; 160 MB for n = 10⁶ and
 * memory = 10). Reads are asynchronous (`await tensor.data()`), so it runs on every backend.
 */
import * as tf from '@tensorflow/tfjs-core';
import { checkNumber, InvalidArgumentError } from '../errors.js';
import { type ParamTree, isTensor, treeLeavesWithPaths, treeUnflatten } from '../tree/tree.js';

export interface LbfgsIteration {
  /** 1 for the first completed iteration. */
  iteration: number;
  loss: number;
  /** max |gᵢ| at the new point. */
  gradientNorm: number;
  /** The step length t accepted by the line search (the step is t·d). */
  stepSize: number;
  /** Loss-and-gradient evaluations so far. */
  evaluations: number;
  /** The new point, as temporary tensors: valid during the callback only (disposed after it returns). */
  params: ParamTree;
}

export interface LbfgsOptions {
  /** Iterations (line searches) at most, an integer >= 0. Default 100. */
  maxIterations?: number;
  /** Number of (s, y) pairs kept, an integer >= 1. Default 10. */
  memory?: number;
  /**
   * Stop, converged, when max |gᵢ| <= tolerance, or when the loss changes by at most
   * tolerance · max(|f_k|, |f_k+1|, 1) in an iteration, or when the line search cannot decrease the
   * loss and the quasi-Newton model predicts a decrease (½|g·d|) below that bound. Default 1e-7.
   */
  tolerance?: number;
  /**
   * 'strong-wolfe' (cubic interpolation, Nocedal & Wright 3.5/3.6) or 'backtracking' (Armijo only).
   * Default 'strong-wolfe'.
   */
  lineSearch?: 'strong-wolfe' | 'backtracking';
  /** Sufficient-decrease (Armijo) constant, in (0, 1). Default 1e-4. */
  c1?: number;
  /** Curvature constant of the strong Wolfe conditions, in (c1, 1). Default 0.9. */
  c2?: number;
  /** Loss-and-gradient evaluations allowed per line search, an integer >= 1. Default 25. */
  maxLineSearchEvaluations?: number;
  /** Called after every iteration; may be async (it is awaited). */
  onIteration?: (info: LbfgsIteration) => void | Promise<void>;
}

export interface LbfgsResult {
  /** New tensors (the caller owns them): the last point with a finite loss and gradient. */
  params: ParamTree;
  /** The loss at `params` (NaN or ±Infinity only when the starting point already had one). */
  loss: number;
  iterations: number;
  /** True when a tolerance test stopped it. */
  converged: boolean;
  /**
   * Why it stopped: 'gradient norm below tolerance', 'loss change below tolerance',
   * 'predicted decrease below tolerance', 'max iterations',
   * 'loss is NaN/Inf at iteration k' or 'line search failed at iteration k'.
   */
  reason: string;
  /** Loss-and-gradient evaluations made. */
  evaluations: number;
  /** max |gᵢ| at `params`. */
  gradientNorm: number;
}

const DEFAULTS = {
  maxIterations: 100,
  memory: 10,
  tolerance: 1e-7,
  lineSearch: 'strong-wolfe' as const,
  c1: 1e-4,
  c2: 0.9,
  maxLineSearchEvaluations: 25,
};
const OPTION_KEYS = [...Object.keys(DEFAULTS), 'onIteration'];

/** A point on the line x + t·d. `g` is null where the loss or gradient was not finite. */
interface Point {
  t: number;
  f: number;
  g: Float64Array | null;
  gtd: number;
  x: Float32Array;
}

/**
 * Minimises `loss(params)` with L-BFGS and a line search, using the full batch at every evaluation.
 *
 * Each iteration computes the direction d = −H·g by the two-loop recursion over the last `memory`
 * pairs (s = x_k+1 − x_k, y = g_k+1 − g_k; pairs with s·y <= 1e-10 are skipped; H₀ = (s·y / y·y)·I),
 * then a line search along d: the first step is min(1, 1/‖g‖₁) (as in PyTorch), later ones t = 1.
 * If the direction is not one of descent, or the line search fails, the memory is cleared and the
 * iteration retried along −g; if that also fails it stops with converged: false. A trial point whose
 * loss or gradient is NaN/Inf is treated as "too far" and the step shrinks; if no finite point with
 * enough decrease is found, it stops with reason 'loss is NaN/Inf at iteration k'. It never returns
 * NaN params: the result is always the last point whose loss and gradient were finite.
 *
 * `loss` is called with a tree of the same structure as `params` holding temporary float32 tensors
 * (do not keep them) and must return a scalar that depends on every leaf. Nothing the caller owns is
 * disposed; `result.params` are new tensors. Defaults follow torch.optim.LBFGS with
 * `line_search_fn='strong_wolfe'` (history 10, c1 = 1e-4, c2 = 0.9, 25 evaluations per line search),
 * except the stopping tests, which use the single `tolerance` above.
 *
 * @example
 * const rosenbrock = (p: ParamTree) => {
 *   const [x, y] = tf.unstack(p as tf.Tensor);
 *   return tf.add(tf.mul(100, tf.square(tf.sub(y, tf.square(x)))), tf.square(tf.sub(1, x))) as tf.Scalar;
 * };
 * const start = tf.tensor1d([-1.2, 1]);
 * const { params, loss, iterations, converged } = await lbfgs(rosenbrock, start, { maxIterations: 100 });
 * // params ≈ [1, 1], converged: true, iterations ≈ 35
 */
export async function lbfgs(
  loss: (params: ParamTree) => tf.Scalar,
  params: ParamTree,
  options: LbfgsOptions = {},
): Promise<LbfgsResult> {
  if (typeof loss !== 'function') throw new InvalidArgumentError('loss', loss, 'a function (params) => scalar tensor');
  if (options === null || typeof options !== 'object') throw new InvalidArgumentError('lbfgs options', options, 'an object');
  for (const k of Object.keys(options))
    if (!OPTION_KEYS.includes(k)) throw new InvalidArgumentError('lbfgs option', k, `one of ${OPTION_KEYS.join(', ')}`);
  const defined = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
  const o = { ...DEFAULTS, ...defined } as typeof DEFAULTS & Pick<LbfgsOptions, 'onIteration'>;
  const maxIterations = checkNumber('maxIterations', o.maxIterations, { min: 0, integer: true });
  const memory = checkNumber('memory', o.memory, { min: 1, integer: true });
  const tolerance = checkNumber('tolerance', o.tolerance, { min: 0 });
  const c1 = checkNumber('c1', o.c1, { min: 0, max: 1, minExclusive: true, maxExclusive: true });
  const c2 = checkNumber('c2', o.c2, { min: c1, max: 1, minExclusive: true, maxExclusive: true });
  const maxLs = checkNumber('maxLineSearchEvaluations', o.maxLineSearchEvaluations, { min: 1, integer: true });
  if (o.lineSearch !== 'strong-wolfe' && o.lineSearch !== 'backtracking')
    throw new InvalidArgumentError('lineSearch', o.lineSearch, "'strong-wolfe' or 'backtracking'");
  if (o.onIteration !== undefined && typeof o.onIteration !== 'function')
    throw new InvalidArgumentError('onIteration', o.onIteration, 'a function');

  const leaves = treeLeavesWithPaths(params);
  if (leaves.length === 0) throw new InvalidArgumentError('params', params, 'a tree with at least one tensor');
  for (const [path, leaf] of leaves)
    if (leaf.dtype !== 'float32')
      throw new InvalidArgumentError(`params${path ? '.' + path : ''}`, `${leaf.dtype} tensor`, 'float32 tensors');
  const shapes = leaves.map(([, leaf]) => leaf.shape);
  const sizes = leaves.map(([, leaf]) => leaf.size);
  const n = sizes.reduce((a, b) => a + b, 0);

  /** New float32 tensors holding x, one per leaf (copies: x is never aliased). */
  const toTensors = (x: Float32Array): tf.Tensor[] => {
    let offset = 0;
    return shapes.map((shape, i) => {
      const t = tf.tensor(x.slice(offset, offset + sizes[i]), shape, 'float32');
      offset += sizes[i];
      return t;
    });
  };

  const valueAndGrads = tf.valueAndGrads((...xs: tf.Tensor[]) => {
    const value = loss(treeUnflatten(params, xs));
    if (!isTensor(value) || value.rank !== 0)
      throw new InvalidArgumentError(
        'loss',
        isTensor(value) ? `a tensor of shape [${value.shape}]` : value,
        'a function returning a scalar tensor',
      );
    return value;
  });

  let evaluations = 0;
  /** Loss and gradient at x (float64 copies); g is null when either is not finite. */
  const evaluate = async (x: Float32Array): Promise<{ f: number; g: Float64Array | null }> => {
    evaluations++;
    const inputs = toTensors(x);
    let result: { value: tf.Scalar; grads: tf.Tensor[] } | undefined;
    try {
      result = valueAndGrads(inputs);
      const [fv, ...gs] = await Promise.all([result.value.data(), ...result.grads.map((g) => g.data())]);
      const f = fv[0];
      const g = new Float64Array(n);
      let offset = 0;
      let finite = Number.isFinite(f);
      for (const part of gs) {
        for (let i = 0; i < part.length; i++) {
          const v = part[i];
          if (!Number.isFinite(v)) finite = false;
          g[offset + i] = v;
        }
        offset += part.length;
      }
      return { f, g: finite ? g : null };
    } finally {
      tf.dispose(inputs);
      if (result) tf.dispose([result.value, ...result.grads]);
    }
  };

  // Start: flatten the caller's params (read only) into one float32 vector.
  let x: Float32Array = new Float32Array(n);
  {
    let offset = 0;
    for (const [, leaf] of leaves) {
      x.set(await leaf.data(), offset);
      offset += leaf.size;
    }
  }
  const start = await evaluate(x);
  let f = start.f;
  if (start.g === null) return finish(x, f, NaN, 0, false, 'loss is NaN/Inf at iteration 0');
  let g: Float64Array = start.g;
  let gNorm = maxAbs(g);
  if (gNorm <= tolerance) return finish(x, f, gNorm, 0, true, 'gradient norm below tolerance');

  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const rho: number[] = [];

  for (let k = 1; k <= maxIterations; k++) {
    let found: Point | undefined;
    let sawNonFinite = false;
    let predicted = Infinity; // ½·|g·d| along the quasi-Newton direction: the model's predicted decrease
    for (let attempt = 0; attempt < 2 && found === undefined; attempt++) {
      sawNonFinite = false;
      let d = attempt === 0 && S.length > 0 ? twoLoop(g, S, Y, rho) : negate(g);
      let gtd = dot(g, d);
      if (!(gtd < 0)) {
        // Not a descent direction (a poor curvature estimate): fall back to steepest descent.
        S.length = Y.length = rho.length = 0;
        d = negate(g);
        gtd = dot(g, d);
      } else if (attempt === 0 && S.length > 0) predicted = -0.5 * gtd;
      const t0 = S.length === 0 ? Math.min(1, 1 / sumAbs(g)) : 1;
      const phi = async (t: number): Promise<Point> => {
        const xt = new Float32Array(n);
        for (let i = 0; i < n; i++) xt[i] = x[i] + t * d[i];
        const { f: ft, g: gt } = await evaluate(xt);
        if (gt === null) sawNonFinite = true;
        return { t, f: gt === null ? NaN : ft, g: gt, gtd: gt === null ? NaN : dot(gt, d), x: xt };
      };
      const base: Point = { t: 0, f, g, gtd, x };
      const search = o.lineSearch === 'strong-wolfe' ? strongWolfe : backtracking;
      found = await search(phi, base, t0, { c1, c2, maxEvaluations: maxLs, dNorm: maxAbs(d) });
      if (found === undefined) {
        // At float32's noise floor no step decreases the loss measurably: if the quasi-Newton
        // model predicts less than the loss-change tolerance anyway, that is convergence.
        if (!sawNonFinite && predicted <= tolerance * Math.max(Math.abs(f), 1))
          return finish(x, f, gNorm, k - 1, true, 'predicted decrease below tolerance');
        if (S.length === 0) break; // steepest descent failed too
        S.length = Y.length = rho.length = 0;
      }
    }
    if (found === undefined || found.g === null)
      return finish(
        x,
        f,
        gNorm,
        k - 1,
        false,
        sawNonFinite ? `loss is NaN/Inf at iteration ${k}` : `line search failed at iteration ${k}`,
      );

    const s = new Float64Array(n);
    for (let i = 0; i < n; i++) s[i] = found.x[i] - x[i];
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) y[i] = found.g[i] - g[i];
    const sy = dot(s, y);
    if (sy > 1e-10) {
      if (S.length === memory) {
        S.shift();
        Y.shift();
        rho.shift();
      }
      S.push(s);
      Y.push(y);
      rho.push(1 / sy);
    }
    const fOld = f;
    x = found.x;
    f = found.f;
    g = found.g;
    gNorm = maxAbs(g);
    if (o.onIteration) {
      const tensors = toTensors(x);
      try {
        const info = { iteration: k, loss: f, gradientNorm: gNorm, stepSize: found.t, evaluations };
        await o.onIteration({ ...info, params: treeUnflatten(params, tensors) });
      } finally {
        tf.dispose(tensors);
      }
    }
    if (gNorm <= tolerance) return finish(x, f, gNorm, k, true, 'gradient norm below tolerance');
    if (Math.abs(fOld - f) <= tolerance * Math.max(Math.abs(fOld), Math.abs(f), 1))
      return finish(x, f, gNorm, k, true, 'loss change below tolerance');
  }
  return finish(x, f, gNorm, maxIterations, false, 'max iterations');

  function finish(
    xEnd: Float32Array,
    fEnd: number,
    gradientNorm: number,
    iterations: number,
    converged: boolean,
    reason: string,
  ): LbfgsResult {
    const paramsEnd = treeUnflatten(params, toTensors(xEnd));
    return { params: paramsEnd, loss: fEnd, iterations, converged, reason, evaluations, gradientNorm };
  }
}

interface SearchOptions {
  c1: number;
  c2: number;
  maxEvaluations: number;
  /** max |dᵢ|: the zoom stops when the bracket moves x by less than 1e-10. */
  dNorm: number;
}

type Search = (phi: (t: number) => Promise<Point>, base: Point, t0: number, o: SearchOptions) => Promise<Point | undefined>;

/**
 * Line search for the strong Wolfe conditions, f(t) <= f(0) + c1·t·f'(0) and |f'(t)| <= c2·|f'(0)|
 * (Nocedal & Wright Algorithms 3.5 and 3.6): grow the step until a bracket is found, then zoom
 * with safeguarded cubic interpolation. Returns the accepted point; a point with sufficient
 * decrease but not the curvature condition when the budget runs out; undefined when no trial point
 * decreased the loss enough.
 */
const strongWolfe: Search = async (phi, base, t0, { c1, c2, maxEvaluations, dNorm }) => {
  const armijo = (p: Point) => p.g !== null && p.f <= base.f + c1 * p.t * base.gtd;
  const curvature = (p: Point) => Math.abs(p.gtd) <= -c2 * base.gtd;
  let evals = 0;
  let prev = base;
  let t = t0;
  let lo: Point;
  let hi: Point;
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

/** Armijo backtracking: shrink t by safeguarded quadratic interpolation (to [0.1·t, 0.5·t]) until f decreases enough. */
const backtracking: Search = async (phi, base, t0, { c1, maxEvaluations }) => {
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
function cubicMinimum(p1: Point, p2: Point, lo: number, hi: number): number {
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

/**
 * d = −H·g by the two-loop recursion (Nocedal & Wright Algorithm 7.4), with H₀ = γI and
 * γ = s·y / y·y of the newest pair.
 */
function twoLoop(g: Float64Array, S: Float64Array[], Y: Float64Array[], rho: number[]): Float64Array {
  const q = Float64Array.from(g);
  const m = S.length;
  const alpha = new Float64Array(m);
  for (let i = m - 1; i >= 0; i--) {
    alpha[i] = rho[i] * dot(S[i], q);
    axpy(-alpha[i], Y[i], q);
  }
  const last = m - 1;
  const gamma = 1 / (rho[last] * dot(Y[last], Y[last]));
  for (let i = 0; i < q.length; i++) q[i] *= gamma;
  for (let i = 0; i < m; i++) {
    const beta = rho[i] * dot(Y[i], q);
    axpy(alpha[i] - beta, S[i], q);
  }
  for (let i = 0; i < q.length; i++) q[i] = -q[i];
  return q;
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function axpy(alpha: number, x: Float64Array, y: Float64Array): void {
  for (let i = 0; i < y.length; i++) y[i] += alpha * x[i];
}

function negate(g: Float64Array): Float64Array {
  return g.map((v) => -v);
}

function maxAbs(v: Float64Array): number {
  let m = 0;
  for (let i = 0; i < v.length; i++) m = Math.max(m, Math.abs(v[i]));
  return m;
}

function sumAbs(v: Float64Array): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += Math.abs(v[i]);
  return s;
}
