/**
 * The standard normal truncated to [a, b]: log-mass, quantile and log-density, computed in log space
 * so kernels far in a tail stay finite. Follows scipy's `truncnorm` as Optuna 3.1 re-implements it
 * (`optuna/samplers/_tpe/_truncnorm.py`): the mass in the left tail from log Φ, the central mass as
 * log1p(−Φ(a) − Φ(−b)), the quantile by bisection on log Φ.
 */
import { erf, erfc } from './erf.js';

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

/** Φ(a), the standard normal CDF. */
export function ndtr(a: number): number {
  const x = a / Math.SQRT2;
  if (x < -Math.SQRT1_2) return 0.5 * erfc(-x);
  if (x < Math.SQRT1_2) return 0.5 + 0.5 * erf(x);
  return 1 - 0.5 * erfc(x);
}

/** log Φ(a), with the asymptotic series below −20 where Φ underflows. */
export function logNdtr(a: number): number {
  if (a > 6) return -ndtr(-a);
  if (a > -20) return Math.log(ndtr(a));
  const logLhs = -0.5 * a * a - Math.log(-a) - LOG_SQRT_2PI;
  // 1 − 1/a² + 1·3/a⁴ − 1·3·5/a⁶ …, summed until it stops changing.
  let last = 0;
  let sum = 1;
  let numerator = 1;
  let denom = 1;
  let sign = 1;
  for (let i = 1; Math.abs(last - sum) > Number.EPSILON; i++) {
    last = sum;
    sign = -sign;
    denom /= a * a;
    numerator *= 2 * i - 1;
    sum += sign * numerator * denom;
  }
  return logLhs + Math.log(sum);
}

/** log(exp(p) − exp(q)) for p >= q. */
function logDiff(p: number, q: number): number {
  return p + Math.log1p(-Math.exp(q - p));
}

/** log(exp(p) + exp(q)). */
function logSum(p: number, q: number): number {
  const m = Math.max(p, q);
  if (m === -Infinity) return -Infinity;
  return m + Math.log(Math.exp(p - m) + Math.exp(q - m));
}

/** log P(a <= Z <= b) for a standard normal Z, a <= b. */
export function logGaussMass(a: number, b: number): number {
  if (b <= 0) return logDiff(logNdtr(b), logNdtr(a));
  if (a > 0) return logDiff(logNdtr(-a), logNdtr(-b));
  return Math.log1p(-ndtr(a) - ndtr(-b));
}

/** The z with log Φ(z) = y, by 100 bisection steps on [−100, 100]. */
function ndtriExp(y: number): number {
  let lo = -100;
  let hi = 100;
  let m = 0;
  for (let i = 0; i < 100; i++) {
    m = (lo + hi) / 2;
    if (logNdtr(m) < y) lo = m;
    else hi = m;
  }
  return m;
}

/** The q-quantile of the standard normal truncated to [a, b]. */
export function truncnormPpf(q: number, a: number, b: number): number {
  if (a === b) return NaN;
  if (q === 0) return a;
  if (q === 1) return b;
  if (a < 0) return ndtriExp(logSum(logNdtr(a), Math.log(q) + logGaussMass(a, b)));
  return -ndtriExp(logSum(logNdtr(-b), Math.log1p(-q) + logGaussMass(a, b)));
}

/**
 * log of the truncated normal's density at the standardised point z = (x − μ)/σ, as Optuna 3.1
 * computes it: log φ(z) − log mass(a, b), without the −log σ of the change of variables (so it is
 * the density in units of σ; Optuna's TPE compares these values as they are).
 */
export function truncnormLogPdfStd(z: number, a: number, b: number): number {
  if (a === b) return NaN;
  if (z < a || z > b) return -Infinity;
  return -0.5 * z * z - LOG_SQRT_2PI - logGaussMass(a, b);
}
