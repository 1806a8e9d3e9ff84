/**
 * Principal component analysis (Pearson 1901; Hotelling 1933), fitted on the training set: the top
 * k eigenvectors of the covariance matrix (`principalAxes`). Two routes: 'exact' forms the
 * covariance and decomposes it fully on the host in float64, O(n·d² + d³); 'randomized' finds the
 * top k by randomized subspace iteration with its products on the tensor engine, O(n·d·k). The
 * default picks 'randomized' when d > 500 and k < d/2.
 *
 * Measured with `npx tsx bench/pca.ts --exact` (wasm, 2 threads, on a shared 2-core machine at load
 * average ~4.5): 10,000 Fashion-MNIST images (d = 784, k = 50): exact 9.3 s, randomized 1.3 s;
 * 10,000 × 3,072 (k = 100): randomized 5.6 s, exact ~6 minutes by its O(n·d² + d³) count scaled
 * from d = 784 (not run). At load ~8 the same runs took 26 s, 3.5 s and (before the products ran
 * block by block) 41 s.
 */
import type { ArrayDataset } from './dataset.js';
import { principalAxes, type PrincipalAxesOptions } from './principal-axes.js';
import { checkShape, projectCentered, sizeOf } from './statistics.js';

/** The plain-data state of a fitted PCA. JSON-serialisable. */
export interface Pca {
  kind: 'pca';
  /** The example shape it was fitted on (d = its size). */
  inputShape: number[];
  /** The training mean, d values. */
  mean: number[];
  /** k × d, row-major: row i is the i-th principal axis (unit length). */
  components: number[];
  /** Variance of the training data along each component (the covariance eigenvalues), largest first. */
  variances: number[];
  /** Total variance of the training data (the covariance trace). */
  totalVariance: number;
  /** The route that computed the components. */
  solver: 'exact' | 'randomized';
}

/** Options of `fitPca`: k and the route (see `PrincipalAxesOptions`). */
export type PcaOptions = PrincipalAxesOptions;

/**
 * Fits PCA with k components (1 <= k <= d). Applying it (`applyPreprocessor`) maps each example to
 * its k coordinates along the principal axes, xShape [k]; `pcaReconstruct` maps them back.
 * The share of variance kept is `sum(variances) / totalVariance`.
 *
 * Defaults: `solver: 'auto'` ('randomized' when d > 500 and k < d/2, else 'exact');
 * randomized route (Halko, Martinsson & Tropp 2011): `oversampling` max(10, k), so the subspace
 * has l = min(d, 2k) dimensions at least k + 10, `powerIterations: 4`, `seed: 0` (the same seed
 * gives the same components). Why l = 2k and q = 4 rather than scikit-learn's l = k + 10 and
 * q = 7: for the same number of products (l·(q + 1)), measured on 10,000 Fashion-MNIST images
 * with k = 50, the largest relative error of the 50 variances was 8.7e-4 against 1.3e-2 (the
 * top 10 agree to float32 precision either way). Each component's entry of largest magnitude is
 * positive.
 *
 * @example
 * const pca = fitPca(train, { k: 50 });                // randomized for 784-pixel images
 * const small = applyPreprocessor(pca, validation);   // xShape [50], using train's mean and axes
 * const exact = fitPca(train, { k: 50, solver: 'exact' });
 */
export function fitPca(ds: ArrayDataset, options: PcaOptions): Pca {
  const axes = principalAxes(ds, options, 'fitPca');
  return {
    kind: 'pca',
    inputShape: [...ds.xShape],
    mean: [...axes.mean],
    components: [...axes.vectors],
    variances: [...axes.values],
    totalVariance: axes.totalVariance,
    solver: axes.solver,
  };
}

/** The k PCA coordinates of row-major examples of the fitted shape. */
export function pcaValues(p: Pca, x: Float32Array): Float32Array {
  return projectCentered(x, sizeOf(p.inputShape), p.mean, p.components, p.variances.length);
}

/**
 * Maps PCA coordinates (xShape [k]) back to the input space: x̂ = mean + Σᵢ yᵢ·componentᵢ, the
 * best rank-k approximation of the centred data in the squared-error sense.
 *
 * @example
 * const approx = pcaReconstruct(pca, applyPreprocessor(pca, validation));
 */
export function pcaReconstruct(p: Pca, ds: ArrayDataset): ArrayDataset {
  const k = p.variances.length;
  checkShape('pcaReconstruct', [k], ds.xShape);
  const d = sizeOf(p.inputShape);
  const x = new Float32Array(ds.size * d);
  for (let i = 0; i < ds.size; i++)
    for (let j = 0; j < d; j++) {
      let s = p.mean[j];
      for (let r = 0; r < k; r++) s += ds.x[i * k + r] * p.components[r * d + j];
      x[i * d + j] = s;
    }
  return { ...ds, xShape: [...p.inputShape], x };
}
