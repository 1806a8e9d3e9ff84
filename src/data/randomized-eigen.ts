/**
 * The top k eigenpairs of a data set's covariance C = X̄ᵀX̄ / n (X̄ the centred n × d examples)
 * without forming C: randomized subspace iteration (Halko, Martinsson & Tropp 2011, "Finding
 * structure with randomness", Algorithms 4.4 and 5.3).
 *
 * 1. Q₀ = orth(Ω), Ω a d × l Gaussian test matrix, l = k + oversampling.
 * 2. q power iterations Qᵢ = orth(C·Qᵢ₋₁), with C·Q computed as X̄ᵀ(X̄·Q) / n: two matrix products
 *    of n·d·l multiply-adds each on the tensor engine (`tf.matMul`: trainkit's GEMM on wasm),
 *    re-orthonormalised on the host in float64 (`orthonormalizeRows`).
 * 3. Rayleigh–Ritz: the l × l matrix B = Qᵀ C Q = (X̄Q)ᵀ(X̄Q) / n, its eigendecomposition
 *    B = U Λ Uᵀ (`symmetricEigen`, float64), and the eigenvectors Q·U.
 *
 * Each iteration multiplies the share of an eigenvector j ≤ k outside span(Q) by about
 * λ_{l+1}/λⱼ, so q iterations leave an angle of about tan θ₀ · (λ_{l+1}/λⱼ)^q (Saad 2011,
 * "Numerical Methods for Large Eigenvalue Problems", Theorem 5.2), with tan θ₀ the angle of the
 * Gaussian start (of order √(d·l)/(l − j) with high probability). Ritz values never exceed the
 * true eigenvalues and err by about λⱼ·sin²θ. The products run in float32: results carry a
 * relative error of order 1e-6·λ₁/(gap to the neighbouring eigenvalue) besides.
 *
 * Cost: (2q + 2)·n·d·l multiply-adds on the engine, 4·(q + 1)·l²·d on the host, memory n·d
 * float32 on the engine (the centred data) plus a few l × d and n × l matrices.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../engine/rng.js';
import { symmetricEigen } from './eigen.js';
import { orthonormalizeRows } from './orthonormalize.js';

export interface RandomizedEigenOptions {
  /** Number of eigenpairs wanted, 1 <= k <= d. */
  k: number;
  /** Extra test vectors beyond k (l = min(d, k + oversampling)). */
  oversampling: number;
  /** Power iterations q. */
  powerIterations: number;
  /** Seed of the Gaussian test matrix. */
  seed: number;
}

/** The top k eigenvalues (largest first) and unit eigenvectors (rows, k × d) of the covariance. */
export interface TopEigen {
  values: Float64Array;
  vectors: Float64Array;
}

/** Q (rows of `qt`, l × d) as a float32 tensor of shape [l, d]. */
const upload = (qt: Float64Array, l: number, d: number): tf.Tensor2D => tf.tensor2d(Float32Array.from(qt), [l, d]);

/**
 * Randomized subspace iteration (see the module comment) on the row-major n × d examples `x`
 * centred on `mean`. Options are taken as given (the caller checks them).
 *
 * @example
 * const { values, vectors } = randomizedEigen(ds.x, ds.size, 784, mean, { k: 50, oversampling: 10, powerIterations: 7, seed: 0 });
 */
export function randomizedEigen(
  x: Float32Array,
  n: number,
  d: number,
  mean: ArrayLike<number>,
  options: RandomizedEigenOptions,
): TopEigen {
  const { k, oversampling, powerIterations, seed } = options;
  const l = Math.min(d, k + oversampling);
  const rng = new Rng(seed);
  const qt = new Float64Array(l * d);
  for (let i = 0; i < qt.length; i++) qt[i] = rng.normal();
  orthonormalizeRows(qt, l, d, rng);
  const centred = tf.tidy(() => tf.sub(tf.tensor2d(x, [n, d]), tf.tensor1d(Float32Array.from(mean))));
  let b: Float32Array;
  try {
    for (let i = 0; i < powerIterations; i++) {
      // (X̄ᵀ(X̄Q))ᵀ = (X̄Q)ᵀX̄, l × d: the rows of the next Qᵀ before orthonormalisation (the 1/n does not change the span).
      const z = tf.tidy(() => tf.matMul(tf.matMul(centred, upload(qt, l, d), false, true), centred, true, false));
      qt.set(z.dataSync());
      z.dispose();
      orthonormalizeRows(qt, l, d, rng);
    }
    const bt = tf.tidy(() => {
      const y = tf.matMul(centred, upload(qt, l, d), false, true);
      return tf.matMul(y, y, true, false);
    });
    b = bt.dataSync() as Float32Array;
    bt.dispose();
  } finally {
    centred.dispose();
  }
  const small = new Float64Array(l * l);
  // Symmetrise: the float32 product is symmetric only up to rounding.
  for (let r = 0; r < l; r++) for (let c = 0; c < l; c++) small[r * l + c] = (b[r * l + c] + b[c * l + r]) / (2 * n);
  const eig = symmetricEigen(small, l);
  const values = Float64Array.from(eig.values.subarray(0, k), (v) => Math.max(0, v));
  const vectors = new Float64Array(k * d);
  for (let r = 0; r < k; r++)
    for (let j = 0; j < l; j++) {
      const u = eig.vectors[r * l + j];
      const row = j * d;
      const out = r * d;
      for (let t = 0; t < d; t++) vectors[out + t] += u * qt[row + t];
    }
  return { values, vectors };
}
