/**
 * Newton's method with the exact Hessian, for small full-batch problems (Nocedal & Wright,
 * "Numerical Optimization", 2nd ed., §3.3–3.4: the Newton step with a line search, and a multiple
 * of the identity added where the Hessian is not positive definite).
 */
import type * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError } from '../errors.js';
import type { ParamTree } from '../tree/tree.js';
import { choleskySolve, dampedCholesky } from './cholesky.js';
import { type DescentIteration, type DescentResult, type DirectionRule, checkDenseMethod, checkHook, descend, refuseDenseMatrix } from './descent.js';
import { countParams, flatLoss } from './flat_loss.js';
import { hessian } from './hessian.js';
import { strongWolfe } from './line_search.js';

export interface NewtonOptions {
  /** Iterations (Newton steps) at most, an integer >= 0. Default 50. */
  maxIterations?: number;
  /**
   * Stop, converged, when max |gᵢ| <= tolerance, when the loss changes by at most
   * tolerance · max(|f_k|, |f_k+1|, 1) in an iteration, or when the line search cannot decrease the
   * loss and the Newton model predicts a decrease (½|g·d|) below that bound. Default 1e-7.
   */
  tolerance?: number;
  /**
   * 'lineSearch': the step length along the Newton direction comes from the strong-Wolfe line search
   * (first trial 1, the full Newton step). A number t in (0, 1]: every step is t times the Newton
   * direction, taken whether the loss falls or not (damped Newton; it stops if the loss there is
   * NaN/Inf). Default 'lineSearch'.
   */
  damping?: 'lineSearch' | number;
  /**
   * Refuse problems with more parameters than this, an integer >= 1: the Hessian holds n² float64
   * values (32 MB at n = 2000) and costs about 3n loss evaluations. Default 2000.
   */
  maxParams?: number;
  /** Called after every iteration; may be async (it is awaited). */
  onIteration?: (info: DescentIteration) => void | Promise<void>;
}

/** What newton returns: the fields of LbfgsResult, and what the Hessians cost. */
export interface NewtonResult extends DescentResult {
  /** Hessians computed (one per iteration, n gradient-of-gradient passes each). */
  hessianEvaluations: number;
  /** Hessians that were not positive definite, so that τI was added before the solve. */
  regularizedSteps: number;
}

const DEFAULTS = {
  maxIterations: 50,
  tolerance: 1e-7,
  damping: 'lineSearch' as 'lineSearch' | number,
  maxParams: 2000,
};

/**
 * Minimises `loss(params)` with Newton's method, using the full batch at every evaluation.
 *
 * Each iteration computes the exact Hessian H at θ (row i = ∇(∂L/∂θᵢ) by reverse-over-reverse
 * `tf.grads`, see hessian.ts), factorises it in float64 on the host by Cholesky and takes the
 * Newton direction d = −H⁻¹∇L. Where H is not positive definite (a saddle or a concave region),
 * τI is added, τ raised until the Cholesky factorisation succeeds (Levenberg–Marquardt style,
 * Nocedal & Wright Algorithm 3.3), so d is always a descent direction and the method still descends
 * from an indefinite start; `regularizedSteps` counts those iterations. The step length comes from the
 * strong-Wolfe line search lbfgs uses (first trial 1), or is fixed by `damping`. If the line search
 * fails along d (or the Hessian is not finite), the iteration is retried along −∇L. NaN/Inf losses,
 * the stopping tests and the result follow lbfgs: never NaN params, `converged: false` with a
 * reason when it cannot go on.
 *
 * Problems with n > maxParams parameters are refused with an InvalidArgumentError before any work.
 * Defaults: 50 iterations, tolerance 1e-7, c1 = 1e-4, c2 = 0.9, 25 evaluations per line search.
 * Compare scipy.optimize.minimize(method='trust-exact' or 'Newton-CG').
 *
 * @example
 * const rosenbrock = (p: ParamTree) => {
 *   const [x, y] = tf.unstack(p as tf.Tensor);
 *   return tf.add(tf.mul(100, tf.square(tf.sub(y, tf.square(x)))), tf.square(tf.sub(1, x))) as tf.Scalar;
 * };
 * const start = tf.tensor1d([-1.2, 1]);
 * const { params, iterations, converged } = await newton(rosenbrock, start);
 * // params ≈ [1, 1], converged: true, iterations ≈ 20
 */
export async function newton(
  loss: (params: ParamTree) => tf.Scalar,
  params: ParamTree,
  options: NewtonOptions = {},
): Promise<NewtonResult> {
  const o = checkDenseMethod('newton', loss, options, DEFAULTS);
  const { maxIterations, tolerance, maxParams } = o;
  const damping = o.damping;
  if (damping !== 'lineSearch' && !(typeof damping === 'number' && damping > 0 && damping <= 1))
    throw new InvalidArgumentError('damping', damping, "'lineSearch' or a step length in (0, 1]");
  const onIteration = checkHook(o.onIteration as NewtonOptions['onIteration']);
  const n = countParams(params);
  refuseDenseMatrix(n, maxParams, 'the Hessian');

  const problem = flatLoss(loss, params);
  let hessianEvaluations = 0;
  let regularizedSteps = 0;
  const newtonDirection: DirectionRule = {
    async direction(x, g) {
      const H = await hessian(problem, x);
      hessianEvaluations++;
      if (H === null) return null;
      const { L, tau } = dampedCholesky(H, n);
      if (tau > 0) regularizedSteps++;
      return choleskySolve(L, g, n).map((v) => -v);
    },
    update: () => {},
    reset: () => {},
  };
  const result = await descend(problem, newtonDirection, {
    maxIterations,
    tolerance,
    search: strongWolfe,
    c1: 1e-4,
    c2: 0.9,
    maxLineSearchEvaluations: 25,
    fixedStep: damping === 'lineSearch' ? undefined : damping,
    onIteration,
  });
  return { ...result, hessianEvaluations, regularizedSteps };
}
