/**
 * Whitening, fitted on the training set: decorrelate the features and give each unit variance.
 * PCA whitening rotates onto the principal axes and divides by √(λ + ε); ZCA whitening (Bell &
 * Sejnowski 1997) rotates back, W = V·diag(1/√(λ + ε))·Vᵀ, the whitening closest to the original
 * data (images stay images). ε regularises tiny eigenvalues (the course's 1e-5). Covariance and
 * eigendecomposition run on the host in float64, as in `fitPca`.
 */
import { checkNumber, InvalidArgumentError } from '../errors.js';
import type { ArrayDataset } from './dataset.js';
import { symmetricEigen } from './eigen.js';
import { checkFitSize, meanAndCovariance, projectCentered, sizeOf } from './statistics.js';

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

export interface WhiteningOptions {
  /** 'zca' (default) or 'pca'. */
  method?: 'pca' | 'zca';
  /** Added to each eigenvalue before the square root (default 1e-5). */
  epsilon?: number;
  /** PCA whitening only: keep the top k components (default all d). */
  k?: number;
}

/**
 * Fits PCA or ZCA whitening. On the training data itself the whitened covariance is
 * diag(λᵢ / (λᵢ + ε)): the identity up to ε.
 *
 * @example
 * const zca = fitWhitening(train, { method: 'zca', epsilon: 1e-2 });
 * const white = applyPreprocessor(zca, validation);   // train's mean and W
 */
export function fitWhitening(ds: ArrayDataset, options: WhiteningOptions = {}): Whitening {
  const d = sizeOf(ds.xShape);
  const o = { method: 'zca' as const, epsilon: 1e-5, k: d, ...options };
  if (o.method !== 'pca' && o.method !== 'zca') throw new InvalidArgumentError('method', o.method, "'pca' or 'zca'");
  checkNumber('epsilon', o.epsilon, { min: 0 });
  checkNumber('k', o.k, { min: 1, max: d, integer: true });
  if (o.method === 'zca' && o.k !== d) throw new InvalidArgumentError('k', o.k, `${d} (all components) for ZCA whitening`);
  checkFitSize('fitWhitening', ds);
  const { mean, covariance } = meanAndCovariance(ds);
  const { values, vectors } = symmetricEigen(covariance, d);
  const inv = Array.from(values.subarray(0, o.k), (v) => {
    const s = Math.max(0, v) + o.epsilon;
    if (s <= 0) throw new InvalidArgumentError('epsilon', o.epsilon, '> 0: the covariance is singular');
    return 1 / Math.sqrt(s);
  });
  let matrix: number[];
  if (o.method === 'pca') {
    matrix = new Array<number>(o.k * d);
    for (let r = 0; r < o.k; r++) for (let j = 0; j < d; j++) matrix[r * d + j] = inv[r] * vectors[r * d + j];
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
    method: o.method,
    inputShape: [...ds.xShape],
    mean: [...mean],
    matrix,
    outputShape: o.method === 'pca' ? [o.k] : [...ds.xShape],
    epsilon: o.epsilon,
  };
}

/** Whitens row-major examples of the fitted shape. */
export function whitenValues(p: Whitening, x: Float32Array): Float32Array {
  return projectCentered(x, sizeOf(p.inputShape), p.mean, p.matrix, sizeOf(p.outputShape));
}
