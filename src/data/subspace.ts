/**
 * How far apart two k-dimensional subspaces of R^d are: the largest principal angle between them
 * (Björck & Golub 1973). With orthonormal bases A and B (k × d rows), the cosines of the principal
 * angles are the singular values of A·Bᵀ, so sin²θ_max = 1 − σ_min² = 1 − λ_min((A·Bᵀ)(A·Bᵀ)ᵀ).
 * Used to compare PCA routes (tests and benchmarks).
 */
import { symmetricEigen } from './eigen.js';

/**
 * The sine of the largest principal angle between the spans of the orthonormal rows of `a` and
 * `b` (both k × d, row-major), in float64: 0 for the same subspace, 1 when some direction of one
 * is orthogonal to the other. Accurate down to about 1e-8 (it goes through 1 − cos²).
 *
 * @example
 * subspaceSine(Float64Array.of(1, 0, 0), Float64Array.of(0.6, 0.8, 0), 1, 3);   // 0.8
 */
export function subspaceSine(a: ArrayLike<number>, b: ArrayLike<number>, k: number, d: number): number {
  const m = new Float64Array(k * k);
  for (let i = 0; i < k; i++)
    for (let j = 0; j < k; j++) {
      let s = 0;
      for (let t = 0; t < d; t++) s += a[i * d + t] * b[j * d + t];
      m[i * k + j] = s;
    }
  const g = new Float64Array(k * k);
  for (let i = 0; i < k; i++)
    for (let j = 0; j < k; j++) {
      let s = 0;
      for (let t = 0; t < k; t++) s += m[i * k + t] * m[j * k + t];
      g[i * k + j] = s;
    }
  const smallest = symmetricEigen(g, k).values[k - 1];
  return Math.sqrt(Math.max(0, 1 - smallest));
}
