/**
 * BFGS, the quasi-Newton method with a full inverse-Hessian approximation (Nocedal & Wright,
 * "Numerical Optimization", 2nd ed., Algorithm 6.1), for small full-batch problems: the dense
 * n×n counterpart of lbfgs, with the same line search and stopping tests.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { ParamTree } from '../tree/tree.js';
import { type DescentIteration, type DescentResult, type DirectionRule, checkDenseMethod, checkHook, descend, refuseDenseMatrix } from './descent.js';
import { countParams, flatLoss } from './flat_loss.js';
import { strongWolfe } from './line_search.js';
import { dot } from './vector64.js';

export interface BfgsOptions {
  /** Iterations (line searches) at most, an integer >= 0. Default 100. */
  maxIterations?: number;
  /**
   * Stop, converged, when max |gᵢ| <= tolerance, when the loss changes by at most
   * tolerance · max(|f_k|, |f_k+1|, 1) in an iteration, or when the line search cannot decrease the
   * loss and the quasi-Newton model predicts a decrease (½|g·d|) below that bound. Default 1e-7.
   */
  tolerance?: number;
  /**
   * Refuse problems with more parameters than this, an integer >= 1: the approximation holds n²
   * float64 values (200 MB at n = 5000). Default 5000.
   */
  maxParams?: number;
  /** Called after every iteration; may be async (it is awaited). */
  onIteration?: (info: DescentIteration) => void | Promise<void>;
}

/** What bfgs returns: the fields of LbfgsResult. */
export type BfgsResult = DescentResult;

const DEFAULTS = { maxIterations: 100, tolerance: 1e-7, maxParams: 5000 };

/**
 * Minimises `loss(params)` with BFGS, using the full batch at every evaluation.
 *
 * Keeps H ≈ ∇²L⁻¹ as a dense n×n float64 matrix on the host; the direction is d = −H·∇L. The first
 * iteration goes along −∇L (first trial step min(1, 1/‖∇L‖₁)); after the first step H₀ is scaled to
 * (yᵀs / yᵀy)·I (Nocedal & Wright eq. 6.20), and every step with yᵀs > 1e-10 applies the
 * inverse update H ← (I − ρ s yᵀ) H (I − ρ y sᵀ) + ρ s sᵀ, ρ = 1/yᵀs (eq. 6.17), with
 * s = θ_k+1 − θ_k and y = ∇L_k+1 − ∇L_k. The step length comes from lbfgs's strong-Wolfe line search
 * (c1 = 1e-4, c2 = 0.9, 25 evaluations, first trial 1). If d is not a descent direction or its line
 * search fails, H is reset and the iteration retried along −∇L. NaN/Inf losses, the stopping tests
 * and the result follow lbfgs. Problems with n > maxParams are refused before any work.
 * Compare scipy.optimize.minimize(method='BFGS'), which starts from H₀ = I without the scaling.
 *
 * @example
 * const rosenbrock = (p: ParamTree) => {
 *   const [x, y] = tf.unstack(p as tf.Tensor);
 *   return tf.add(tf.mul(100, tf.square(tf.sub(y, tf.square(x)))), tf.square(tf.sub(1, x))) as tf.Scalar;
 * };
 * const start = tf.tensor1d([-1.2, 1]);
 * const { params, iterations, converged } = await bfgs(rosenbrock, start);
 * // params ≈ [1, 1], converged: true, iterations ≈ 35
 */
export async function bfgs(
  loss: (params: ParamTree) => tf.Scalar,
  params: ParamTree,
  options: BfgsOptions = {},
): Promise<BfgsResult> {
  const o = checkDenseMethod('bfgs', loss, options, DEFAULTS);
  const { maxIterations, tolerance, maxParams } = o;
  const onIteration = checkHook(o.onIteration as BfgsOptions['onIteration']);
  const n = countParams(params);
  refuseDenseMatrix(n, maxParams, 'the inverse-Hessian approximation');
  return descend(flatLoss(loss, params), inverseHessian(n), {
    maxIterations,
    tolerance,
    search: strongWolfe,
    c1: 1e-4,
    c2: 0.9,
    maxLineSearchEvaluations: 25,
    onIteration,
  });
}

/** The BFGS direction −H·g with the dense inverse update; no H yet (or after a reset) means steepest descent. */
function inverseHessian(n: number): DirectionRule {
  let H: Float64Array | null = null;
  return {
    direction(_x, g) {
      if (H === null) return null;
      const d = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        let v = 0;
        for (let j = 0; j < n; j++) v += H[i * n + j] * g[j];
        d[i] = -v;
      }
      return d;
    },
    update(s, y) {
      const sy = dot(s, y);
      if (sy <= 1e-10) return;
      if (H === null) {
        H = new Float64Array(n * n);
        const gamma = sy / dot(y, y);
        for (let i = 0; i < n; i++) H[i * n + i] = gamma;
      }
      // H ← H − ρ(Hy sᵀ + s (Hy)ᵀ) + (ρ² yᵀHy + ρ) s sᵀ, the product form expanded (H symmetric).
      const rho = 1 / sy;
      const Hy = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        let v = 0;
        for (let j = 0; j < n; j++) v += H[i * n + j] * y[j];
        Hy[i] = v;
      }
      const c = rho * rho * dot(y, Hy) + rho;
      for (let i = 0; i < n; i++)
        for (let j = 0; j < n; j++) H[i * n + j] += -rho * (Hy[i] * s[j] + s[i] * Hy[j]) + c * s[i] * s[j];
    },
    reset() {
      H = null;
    },
  };
}
