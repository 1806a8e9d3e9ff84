/**
 * L-BFGS, the limited-memory quasi-Newton method (Liu & Nocedal 1989; Nocedal & Wright,
 * "Numerical Optimization", 2nd ed., Algorithm 7.4 with the line search of Algorithms 3.5/3.6), for
 * full-batch problems: small models, logistic regression, fine-tuning a last layer.
 *
 * Design: the loss and its gradient come from the tensor engine (`tf.valueAndGrads` over the leaves
 * of the parameter tree, flat_loss.ts); everything else (the two-loop recursion, the line search of
 * line_search.ts, the loop and stopping tests of descent.ts, shared with bfgs and newton) runs on the
 * host in float64 over the flattened leaves. The point being evaluated is kept
 * as float32, exactly the values the tensors hold, so the loss reported is the loss of the params
 * returned. Memory: 2·memory vectors of n float64 (n = number of parameters; 160 MB for n = 10⁶ and
 * memory = 10). Reads are asynchronous (`await tensor.data()`), so it runs on every backend.
 */
import * as tf from '@tensorflow/tfjs-core';
import { checkNumber, InvalidArgumentError } from '../errors.js';
import type { ParamTree } from '../tree/tree.js';
import { type DescentIteration, type DescentResult, type DirectionRule, descend, mergeOptions } from './descent.js';
import { flatLoss } from './flat_loss.js';
import { backtracking, strongWolfe } from './line_search.js';
import { axpy, dot } from './vector64.js';

/** What lbfgs reports after each iteration. */
export type LbfgsIteration = DescentIteration;

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

/**
 * What lbfgs returns: params (new tensors the caller owns), loss, iterations, converged, reason
 * ('gradient norm below tolerance', 'loss change below tolerance', 'predicted decrease below
 * tolerance', 'max iterations', 'loss is NaN/Inf at iteration k' or 'line search failed at
 * iteration k'), evaluations and gradientNorm (max |gᵢ| at params).
 */
export type LbfgsResult = DescentResult;

const DEFAULTS = {
  maxIterations: 100,
  memory: 10,
  tolerance: 1e-7,
  lineSearch: 'strong-wolfe' as const,
  c1: 1e-4,
  c2: 0.9,
  maxLineSearchEvaluations: 25,
};

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
  const o = mergeOptions('lbfgs', options, DEFAULTS, ['onIteration']) as typeof DEFAULTS & Pick<LbfgsOptions, 'onIteration'>;
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

  const problem = flatLoss(loss, params);
  const search = o.lineSearch === 'strong-wolfe' ? strongWolfe : backtracking;
  return descend(problem, limitedMemory(memory), {
    maxIterations,
    tolerance,
    search,
    c1,
    c2,
    maxLineSearchEvaluations: maxLs,
    onIteration: o.onIteration,
  });
}

/**
 * The L-BFGS direction: −H·g by the two-loop recursion over the last `memory` pairs; pairs with
 * s·y <= 1e-10 are skipped; none yet (or after a reset) means steepest descent.
 */
function limitedMemory(memory: number): DirectionRule {
  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const rho: number[] = [];
  return {
    direction: (_x, g) => (S.length > 0 ? twoLoop(g, S, Y, rho) : null),
    update(s, y) {
      const sy = dot(s, y);
      if (sy <= 1e-10) return;
      if (S.length === memory) {
        S.shift();
        Y.shift();
        rho.shift();
      }
      S.push(s);
      Y.push(y);
      rho.push(1 / sy);
    },
    reset() {
      S.length = Y.length = rho.length = 0;
    },
  };
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
