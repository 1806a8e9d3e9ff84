/**
 * The loop the full-batch minimisers share (lbfgs, bfgs, newton): at each iteration a direction rule
 * proposes a search direction d from the current point and gradient, a line search picks the step
 * t along it, the rule learns from the step, and the stopping tests run. Only the direction rule
 * differs between the three methods (Nocedal & Wright, "Numerical Optimization", 2nd ed., ch. 3).
 */
import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, checkNumber } from '../errors.js';
import type { ParamTree } from '../tree/tree.js';
import type { FlatLoss } from './flat_loss.js';
import type { LinePoint, LineSearch } from './line_search.js';
import { dot, maxAbs, negate, sumAbs } from './vector64.js';

/** What a full-batch minimiser reports after each iteration. */
export interface DescentIteration {
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

/** What a full-batch minimiser returns. */
export interface DescentResult {
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

/** How a method chooses its search direction. */
export interface DirectionRule {
  /** The method's direction at x (g: the gradient there), or null for steepest descent −g. */
  direction(x: Float32Array, g: Float64Array): Float64Array | null | Promise<Float64Array | null>;
  /** Learns from an accepted step: s = x₊ − x, y = g₊ − g. */
  update(s: Float64Array, y: Float64Array): void;
  /** Forgets what it learned (its direction was not one of descent, or its line search failed). */
  reset(): void;
}

export interface DescentOptions {
  maxIterations: number;
  tolerance: number;
  search: LineSearch;
  c1: number;
  c2: number;
  maxLineSearchEvaluations: number;
  /** A fixed step length along the rule's direction instead of a line search (no steepest-descent retry). */
  fixedStep?: number;
  onIteration?: (info: DescentIteration) => void | Promise<void>;
}

/** A single evaluation at t0: accepted whatever its loss, unless it is not finite. */
const fixed: LineSearch = async (phi, _base, t0) => {
  const point = await phi(t0);
  return point.g === null ? undefined : point;
};

/**
 * Minimises `problem` from its start with the directions of `rule`.
 *
 * Each iteration takes the rule's direction d (steepest descent −g when it has none, or when d is
 * not one of descent, after which the rule is reset) and searches along it: the first trial step
 * is 1 along the rule's direction and min(1, 1/‖g‖₁) along −g (as torch.optim.LBFGS). If the line
 * search fails along the rule's direction, the rule is reset and the iteration retried along −g; if
 * that also fails it stops with converged: false. A trial point whose loss or gradient is NaN/Inf
 * is treated as "too far" and the step shrinks; if no finite point with enough decrease is found,
 * it stops with reason 'loss is NaN/Inf at iteration k'. It never returns NaN params: the result is
 * always the last point whose loss and gradient were finite.
 *
 * Stops, converged, when max |gᵢ| <= tolerance, when the loss changes by at most
 * tolerance · max(|f_k|, |f_k+1|, 1) in an iteration, or when the line search cannot decrease the
 * loss and the rule's model predicts a decrease (½|g·d|) below that bound.
 *
 * @example
 * const problem = flatLoss((p) => tf.sum(tf.square(p as tf.Tensor)) as tf.Scalar, tf.tensor1d([1, 2]));
 * const steepest = { direction: () => null, update: () => {}, reset: () => {} };
 * const result = await descend(problem, steepest, {
 *   maxIterations: 50, tolerance: 1e-7, search: strongWolfe, c1: 1e-4, c2: 0.9, maxLineSearchEvaluations: 25,
 * });
 */
export async function descend(problem: FlatLoss, rule: DirectionRule, o: DescentOptions): Promise<DescentResult> {
  const { n } = problem;
  const { maxIterations, tolerance } = o;
  const search = o.fixedStep === undefined ? o.search : fixed;
  const lineSearchOptions = { c1: o.c1, c2: o.c2, maxEvaluations: o.maxLineSearchEvaluations };

  let x = await problem.start();
  const start = await problem.evaluate(x);
  let f = start.f;
  if (start.g === null) return finish(x, f, NaN, 0, false, 'loss is NaN/Inf at iteration 0');
  let g: Float64Array = start.g;
  let gNorm = maxAbs(g);
  if (gNorm <= tolerance) return finish(x, f, gNorm, 0, true, 'gradient norm below tolerance');

  for (let k = 1; k <= maxIterations; k++) {
    let found: LinePoint | undefined;
    let sawNonFinite = false;
    let predicted = Infinity; // ½·|g·d| along the rule's direction: its model's predicted decrease
    const attempts = o.fixedStep === undefined ? 2 : 1;
    for (let attempt = 0; attempt < attempts && found === undefined; attempt++) {
      sawNonFinite = false;
      let d = attempt === 0 ? await rule.direction(x, g) : null;
      let ruled = d !== null;
      let gtd = d === null ? NaN : dot(g, d);
      if (d === null || !(gtd < 0)) {
        // No direction, or not one of descent (a poor curvature estimate): steepest descent.
        if (d !== null) rule.reset();
        d = negate(g);
        gtd = dot(g, d);
        ruled = false;
      } else if (attempt === 0) predicted = -0.5 * gtd;
      const t0 = o.fixedStep ?? (ruled ? 1 : Math.min(1, 1 / sumAbs(g)));
      const dir = d;
      const phi = async (t: number): Promise<LinePoint> => {
        const xt = new Float32Array(n);
        for (let i = 0; i < n; i++) xt[i] = x[i] + t * dir[i];
        const { f: ft, g: gt } = await problem.evaluate(xt);
        if (gt === null) sawNonFinite = true;
        return { t, f: gt === null ? NaN : ft, g: gt, gtd: gt === null ? NaN : dot(gt, dir), x: xt };
      };
      const base: LinePoint = { t: 0, f, g, gtd, x };
      found = await search(phi, base, t0, { ...lineSearchOptions, dNorm: maxAbs(d) });
      if (found === undefined) {
        // At float32's noise floor no step decreases the loss measurably: if the model predicts
        // less than the loss-change tolerance anyway, that is convergence.
        if (!sawNonFinite && predicted <= tolerance * Math.max(Math.abs(f), 1))
          return finish(x, f, gNorm, k - 1, true, 'predicted decrease below tolerance');
        if (!ruled) break; // steepest descent failed too
        rule.reset();
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
    rule.update(s, y);
    const fOld = f;
    x = found.x;
    f = found.f;
    g = found.g;
    gNorm = maxAbs(g);
    if (o.onIteration) {
      const tensors = problem.toTensors(x);
      try {
        const info = { iteration: k, loss: f, gradientNorm: gNorm, stepSize: found.t, evaluations: problem.evaluations };
        await o.onIteration({ ...info, params: problem.toTree(tensors) });
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
  ): DescentResult {
    const params = problem.toTree(problem.toTensors(xEnd));
    return { params, loss: fEnd, iterations, converged, reason, evaluations: problem.evaluations, gradientNorm };
  }
}

/**
 * `{ ...defaults, ...options }` after checking that `options` is an object whose keys are the
 * defaults' or `extraKeys` (an undefined value keeps the default); throws InvalidArgumentError
 * naming `name`'s bad option otherwise.
 *
 * @example
 * mergeOptions('bfgs', { tolerance: 1e-9 }, { maxIterations: 100, tolerance: 1e-7 }, ['onIteration']);
 */
export function mergeOptions<D extends object>(
  name: string,
  options: unknown,
  defaults: D,
  extraKeys: readonly string[],
): D & Record<string, unknown> {
  if (options === null || typeof options !== 'object') throw new InvalidArgumentError(`${name} options`, options, 'an object');
  const keys = [...Object.keys(defaults), ...extraKeys];
  for (const k of Object.keys(options))
    if (!keys.includes(k)) throw new InvalidArgumentError(`${name} option`, k, `one of ${keys.join(', ')}`);
  const defined = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
  return { ...defaults, ...defined } as D & Record<string, unknown>;
}

/**
 * The checks every dense full-batch method (newton, bfgs) makes first, in this order: the loss is a
 * function, the option names are known, then maxIterations, tolerance and maxParams. Returns the
 * merged options.
 */
export function checkDenseMethod<D extends { maxIterations: number; tolerance: number; maxParams: number }>(
  name: string,
  loss: unknown,
  options: unknown,
  defaults: D,
): D & Record<string, unknown> {
  if (typeof loss !== 'function') throw new InvalidArgumentError('loss', loss, 'a function (params) => scalar tensor');
  const o = mergeOptions(name, options, defaults, ['onIteration']);
  checkNumber('maxIterations', o.maxIterations, { min: 0, integer: true });
  checkNumber('tolerance', o.tolerance, { min: 0 });
  checkNumber('maxParams', o.maxParams, { min: 1, integer: true });
  return o;
}

/** Throws InvalidArgumentError unless `f` is undefined or a function (an `onIteration` hook). */
export function checkHook<F>(f: F): F {
  if (f !== undefined && typeof f !== 'function') throw new InvalidArgumentError('onIteration', f, 'a function');
  return f;
}

/**
 * Refuses, before any work, a problem of n parameters whose n × n float64 `matrix` (the Hessian,
 * the inverse-Hessian approximation) would pass `maxParams`, naming n, the limit and the memory.
 */
export function refuseDenseMatrix(n: number, maxParams: number, matrix: string): void {
  if (n <= maxParams) return;
  throw new InvalidArgumentError(
    'params',
    `${n} parameters`,
    `at most maxParams = ${maxParams}: ${matrix} would hold n² = ${n * n} float64 values ` +
      `(${((8 * n * n) / 2 ** 20).toFixed(0)} MiB); raise maxParams or use lbfgs`,
  );
}
