/**
 * Orthonormalising a few long vectors on the host in float64: the QR step of randomized subspace
 * iteration (`randomizedEigen`), where the vectors are the rows of an l × d matrix (l ≲ a few
 * hundred, d in the thousands).
 *
 * Algorithm: modified Gram–Schmidt, each row orthogonalised twice against the rows before it
 * ("twice is enough", Giraud, Langou & Rozložník 2005: the second pass restores orthogonality to
 * working precision however ill-conditioned the input). A row left with almost nothing of its own
 * (the input's rank is below l) is replaced by a fresh random direction, so the result always has
 * l orthonormal rows. Cost 2·l²·d multiply-adds (two passes of a dot product and an update per pair).
 */
import type { Rng } from '../engine/rng.js';

/** A row that keeps less than this share of its norm after orthogonalisation is treated as dependent. */
const DEPENDENT = 1e-10;
/** Random replacements tried for one dependent row before giving up (each succeeds almost surely). */
const MAX_REDRAWS = 10;

/** Subtracts from row j its projections on rows 0..j-1, twice; returns the remaining norm. */
function orthogonalize(a: Float64Array, j: number, d: number): number {
  const vj = j * d;
  for (let pass = 0; pass < 2; pass++)
    for (let i = 0; i < j; i++) {
      const vi = i * d;
      let dot = 0;
      for (let t = 0; t < d; t++) dot += a[vi + t] * a[vj + t];
      for (let t = 0; t < d; t++) a[vj + t] -= dot * a[vi + t];
    }
  let norm = 0;
  for (let t = 0; t < d; t++) norm += a[vj + t] * a[vj + t];
  return Math.sqrt(norm);
}

/**
 * Replaces the l rows of the row-major l × d matrix `a` (l <= d) by an orthonormal basis of their
 * span, row j spanning the same space as rows 0..j of the input where the input has full rank;
 * `rng` draws the replacements of dependent rows. Returns `a`.
 *
 * @example
 * const q = orthonormalizeRows(Float64Array.of(3, 4, 0, 1, 1, 1), 2, 3, new Rng(0));
 * // rows [0.6, 0.8, 0] and [-0.37, 0.28, 0.88] (rounded)
 */
export function orthonormalizeRows(a: Float64Array, l: number, d: number, rng: Rng): Float64Array {
  for (let j = 0; j < l; j++) {
    const vj = j * d;
    let before = 0;
    for (let t = 0; t < d; t++) before += a[vj + t] * a[vj + t];
    let norm = orthogonalize(a, j, d);
    for (let redraw = 0; !(norm > DEPENDENT * Math.sqrt(before)); redraw++) {
      if (redraw === MAX_REDRAWS) throw new Error(`orthonormalizeRows: row ${j} stays dependent after ${MAX_REDRAWS} random draws (l = ${l} > d = ${d}?)`);
      before = 0;
      for (let t = 0; t < d; t++) {
        a[vj + t] = rng.normal();
        before += a[vj + t] * a[vj + t];
      }
      norm = orthogonalize(a, j, d);
    }
    for (let t = 0; t < d; t++) a[vj + t] /= norm;
  }
  return a;
}
