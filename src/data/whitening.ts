/**
 * Whitening, fitted on the training set: decorrelate the features and give each unit variance.
 * PCA whitening rotates onto the principal axes and divides by √(λ + ε); ZCA whitening (Bell &
 * Sejnowski 1997) rotates back, W = V·diag(1/√(λ + ε))·Vᵀ, the whitening closest to the original
 * data (images stay images). ε regularises tiny eigenvalues (the course's 1e-5). The eigenpairs
 * come from `principalAxes`: ZCA needs all d of them (the exact route); PCA whitening with k
 * components may take the randomized route, as `fitPca` does.
 */
import { checkNumber, InvalidArgumentError } from '../errors.js';
import type { ArrayDataset } from './dataset.js';
import { principalAxes, type PrincipalAxesOptions } from './principal-axes.js';
import { projectCentered, sizeOf } from './statistics.js';

/** The plain-data state of a fitted whitening: x' = W·(x − mean). JSON-serialisable. */
export interface Whitening {
  kind: 'whitening';
  method: 'pca' | 'zca';
  /** The example shape it was fitted on (d = its size). */
  inputShape: number[];
  mean: number[];
  /** out × d, row-major (out = k for PCA whitening, d for ZCA). */
  matrix: number[];
  /** Output example shape: [k] for PCA whitening, the input shape for ZCA. */
  outputShape: number[];
  epsilon: number;
}

export interface WhiteningOptions extends Omit<PrincipalAxesOptions, 'k'> {
  /** 'zca' (default) or 'pca'. */
  method?: 'pca' | 'zca';
  /** Added to each eigenvalue before the square root (default 1e-5). */
  epsilon?: number;
  /** PCA whitening only: keep the top k components (default all d). */
  k?: number;
}

/**
 * Fits PCA or ZCA whitening. On the training data itself the whitened covariance is
 * diag(λᵢ / (λᵢ + ε)): the identity up to ε. `solver`, `oversampling`, `powerIterations` and
 * `seed` choose how the eigenpairs are computed, as for `fitPca` (default 'auto'); ZCA whitening
 * takes the exact route.
 *
 * @example
 * const zca = fitWhitening(train, { method: 'zca', epsilon: 1e-2 });
 * const white = applyPreprocessor(zca, validation);   // train's mean and W
 */
export function fitWhitening(ds: ArrayDataset, options: WhiteningOptions = {}): Whitening {
  const d = sizeOf(ds.xShape);
  // `route`: the options of principalAxes (solver, oversampling, powerIterations, seed), as given.
  const { method, epsilon, k, ...route } = { method: 'zca' as const, epsilon: 1e-5, k: d, ...options };
  if (method !== 'pca' && method !== 'zca') throw new InvalidArgumentError('method', method, "'pca' or 'zca'");
  checkNumber('epsilon', epsilon, { min: 0 });
  checkNumber('k', k, { min: 1, max: d, integer: true });
  if (method === 'zca' && k !== d) throw new InvalidArgumentError('k', k, `${d} (all components) for ZCA whitening`);
  if (method === 'zca' && route.solver === 'randomized')
    throw new InvalidArgumentError('solver', route.solver, "'auto' or 'exact' for ZCA whitening (it needs all d eigenpairs)");
  const { mean, values, vectors } = principalAxes(ds, { ...route, k }, 'fitWhitening');
  const inv = Array.from(values.subarray(0, k), (v) => {
    const s = Math.max(0, v) + epsilon;
    if (s <= 0) throw new InvalidArgumentError('epsilon', epsilon, '> 0: the covariance is singular');
    return 1 / Math.sqrt(s);
  });
  let matrix: number[];
  if (method === 'pca') {
    matrix = new Array<number>(k * d);
    for (let r = 0; r < k; r++) for (let j = 0; j < d; j++) matrix[r * d + j] = inv[r] * vectors[r * d + j];
  } else {
    const w = new Float64Array(d * d);
    for (let r = 0; r < d; r++)
      for (let a = 0; a < d; a++) {
        const va = vectors[r * d + a] * inv[r];
        if (va === 0) continue;
        for (let b = 0; b < d; b++) w[a * d + b] += va * vectors[r * d + b];
      }
    matrix = [...w];
  }
  return {
    kind: 'whitening',
    method: method,
    inputShape: [...ds.xShape],
    mean: [...mean],
    matrix,
    outputShape: method === 'pca' ? [k] : [...ds.xShape],
    epsilon: epsilon,
  };
}

/** Whitens row-major examples of the fitted shape. */
export function whitenValues(p: Whitening, x: Float32Array): Float32Array {
  return projectCentered(x, sizeOf(p.inputShape), p.mean, p.matrix, sizeOf(p.outputShape));
}
