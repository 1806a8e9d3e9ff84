/**
 * Dense symmetric positive-definite solves on the host in float64, for newton's step: the Cholesky
 * factorisation A = L·Lᵀ, its two triangular solves, and the factorisation of A + τI with τ raised
 * until A + τI is positive definite (Nocedal & Wright, "Numerical Optimization", 2nd ed.,
 * Algorithm 3.3, "Cholesky with added multiple of the identity"). Matrices are n×n, row-major.
 */

/**
 * The lower-triangular L with A = L·Lᵀ (row-major, zeros above the diagonal), or null when A is not
 * numerically positive definite: a pivot <= 1e-12 · max |Aᵢᵢ| (or not finite) counts as a failure.
 *
 * @example
 * cholesky(Float64Array.of(4, 2, 2, 3), 2); // [2, 0, 1, √2]
 */
export function cholesky(A: Float64Array, n: number): Float64Array | null {
  let scale = 0;
  for (let i = 0; i < n; i++) scale = Math.max(scale, Math.abs(A[i * n + i]));
  const floor = 1e-12 * scale;
  const L = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    let pivot = A[j * n + j];
    for (let k = 0; k < j; k++) pivot -= L[j * n + k] * L[j * n + k];
    if (!(pivot > floor)) return null; // also catches NaN
    const ljj = Math.sqrt(pivot);
    L[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let v = A[i * n + j];
      for (let k = 0; k < j; k++) v -= L[i * n + k] * L[j * n + k];
      L[i * n + j] = v / ljj;
    }
  }
  return L;
}

/**
 * x with L·Lᵀ·x = b (forward then back substitution).
 *
 * @example
 * choleskySolve(cholesky(Float64Array.of(4, 2, 2, 3), 2)!, Float64Array.of(6, 5), 2); // [1, 1]
 */
export function choleskySolve(L: Float64Array, b: Float64Array, n: number): Float64Array {
  const x = Float64Array.from(b);
  for (let i = 0; i < n; i++) {
    let v = x[i];
    for (let k = 0; k < i; k++) v -= L[i * n + k] * x[k];
    x[i] = v / L[i * n + i];
  }
  for (let i = n - 1; i >= 0; i--) {
    let v = x[i];
    for (let k = i + 1; k < n; k++) v -= L[k * n + i] * x[k];
    x[i] = v / L[i * n + i];
  }
  return x;
}

/**
 * The Cholesky factor of A + τI for the smallest τ >= 0 this search finds that makes it positive
 * definite (Nocedal & Wright Algorithm 3.3, Levenberg–Marquardt style): τ = 0 when A is positive
 * definite; otherwise τ starts at β − min Aᵢᵢ (or β when the diagonal is positive), with
 * β = 1e-3 · max(1, max |Aᵢᵢ|), and is multiplied by 10 until the factorisation succeeds.
 * Throws only if A is not finite.
 *
 * @example
 * const { L, tau } = dampedCholesky(Float64Array.of(1, 0, 0, -2), 2); // tau ≈ 2.003
 */
export function dampedCholesky(A: Float64Array, n: number): { L: Float64Array; tau: number } {
  const plain = cholesky(A, n);
  if (plain !== null) return { L: plain, tau: 0 };
  let minDiagonal = Infinity;
  let maxDiagonal = 0;
  for (let i = 0; i < n; i++) {
    minDiagonal = Math.min(minDiagonal, A[i * n + i]);
    maxDiagonal = Math.max(maxDiagonal, Math.abs(A[i * n + i]));
  }
  if (!Number.isFinite(minDiagonal) || !Number.isFinite(maxDiagonal)) throw new Error('dampedCholesky: A is not finite');
  const beta = 1e-3 * Math.max(1, maxDiagonal);
  let tau = minDiagonal > 0 ? beta : beta - minDiagonal;
  for (;;) {
    const shifted = Float64Array.from(A);
    for (let i = 0; i < n; i++) shifted[i * n + i] += tau;
    const L = cholesky(shifted, n);
    if (L !== null) return { L, tau };
    tau *= 10;
  }
}
