/**
 * The principal axes of a data set — the top k eigenpairs of its covariance — by one of two
 * routes, shared by `fitPca` and `fitWhitening`:
 *
 * - 'exact': the d × d covariance and its full eigendecomposition on the host in float64
 *   (`meanAndCovariance`, `symmetricEigen`), O(n·d² + d³): every eigenpair to float64 accuracy.
 * - 'randomized': randomized subspace iteration on the tensor engine (`randomizedEigen`),
 *   O(q·n·d·(k + oversampling)): the top k only, in float32 products.
 *
 * 'auto' (the default) takes 'randomized' when d > 500 and k < d/2, else 'exact'. Below
 * d = 500 (scikit-learn's threshold for its randomized PCA) the exact route takes about a second
 * or less; from k = d/2 on, the randomized route saves little and its trailing components
 * converge slowly where the spectrum is flat.
 *
 * Signs: each axis is oriented so that its entry of largest magnitude is positive (the first one
 * on a tie), so both routes and every run give the same signs.
 */
import { checkNumber, InvalidArgumentError } from '../errors.js';
import type { ArrayDataset } from './dataset.js';
import { symmetricEigen } from './eigen.js';
import { randomizedEigen } from './randomized-eigen.js';
import { checkFitSize, groupMoments, meanAndCovariance, sizeOf } from './statistics.js';

/** How the eigenpairs are computed (see the module comment). */
export type PcaSolver = 'auto' | 'exact' | 'randomized';

export interface PrincipalAxesOptions {
  /** Number of axes, 1 <= k <= d. */
  k: number;
  /** Default 'auto': 'randomized' when d > 500 and k < d/2, else 'exact'. */
  solver?: PcaSolver;
  /** Randomized route: test vectors beyond k, Halko et al.'s p (default max(10, k): see `fitPca`). */
  oversampling?: number;
  /** Randomized route: power iterations q (default 4). */
  powerIterations?: number;
  /** Randomized route: seed of the Gaussian test matrix (default 0). */
  seed?: number;
}

/** The fitted axes: mean (d), the top k eigenvalues (largest first) and unit axes (k × d rows). */
export interface PrincipalAxes {
  solver: 'exact' | 'randomized';
  mean: Float64Array;
  values: Float64Array;
  vectors: Float64Array;
  /** The covariance trace: the total variance. */
  totalVariance: number;
}

/** The solver 'auto' picks for k axes of d-dimensional data. */
export function autoSolver(k: number, d: number): 'exact' | 'randomized' {
  return d > 500 && k < d / 2 ? 'randomized' : 'exact';
}

/** Flips each row of the k × d `vectors` so that its entry of largest magnitude is positive. */
function orient(vectors: Float64Array, k: number, d: number): void {
  for (let r = 0; r < k; r++) {
    let at = r * d;
    for (let t = r * d; t < (r + 1) * d; t++) if (Math.abs(vectors[t]) > Math.abs(vectors[at])) at = t;
    if (vectors[at] < 0) for (let t = r * d; t < (r + 1) * d; t++) vectors[t] = -vectors[t];
  }
}

/**
 * Fits the top k principal axes of `ds`'s examples (see the module comment). `what` names the
 * caller in errors.
 *
 * @example
 * const { values, vectors } = principalAxes(train, { k: 50 });   // randomized for d = 784
 */
export function principalAxes(ds: ArrayDataset, options: PrincipalAxesOptions, what = 'principalAxes'): PrincipalAxes {
  const d = sizeOf(ds.xShape);
  const k = checkNumber('k', options.k, { min: 1, max: d, integer: true });
  const o = {
    solver: 'auto' as PcaSolver,
    oversampling: Math.max(10, k),
    powerIterations: 4,
    seed: 0,
    ...options,
  };
  if (o.solver !== 'auto' && o.solver !== 'exact' && o.solver !== 'randomized')
    throw new InvalidArgumentError('solver', o.solver, "'auto', 'exact' or 'randomized'");
  checkNumber('oversampling', o.oversampling, { min: 0, integer: true });
  checkNumber('powerIterations', o.powerIterations, { min: 0, integer: true });
  if (!Number.isSafeInteger(o.seed)) throw new InvalidArgumentError('seed', o.seed, 'a safe integer');
  checkFitSize(what, ds);
  const solver = o.solver === 'auto' ? autoSolver(k, d) : o.solver;
  let axes: PrincipalAxes;
  if (solver === 'exact') {
    const { mean, covariance } = meanAndCovariance(ds);
    const { values, vectors } = symmetricEigen(covariance, d);
    let trace = 0;
    for (let i = 0; i < d; i++) trace += covariance[i * d + i];
    axes = { solver, mean, values: values.slice(0, k).map((v) => Math.max(0, v)), vectors: vectors.slice(0, k * d), totalVariance: trace };
  } else {
    for (let i = 0; i < ds.x.length; i++)
      if (!Number.isFinite(ds.x[i])) throw new InvalidArgumentError(`${what}: x[${i}]`, ds.x[i], 'finite values');
    const { mean, variance } = groupMoments(ds, 'feature');
    const top = randomizedEigen(ds.x, ds.size, d, mean, { k, oversampling: o.oversampling, powerIterations: o.powerIterations, seed: o.seed });
    axes = { solver, mean, ...top, totalVariance: variance.reduce((a, b) => a + b, 0) };
  }
  orient(axes.vectors, k, d);
  return axes;
}
