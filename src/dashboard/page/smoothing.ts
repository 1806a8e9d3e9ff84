/**
 * TensorBoard's smoothing of a noisy curve: an exponential moving average with its start-up bias
 * removed. With `beta` the weight of the past (0: no smoothing, 0.99: very smooth),
 *
 *   m_t = beta · m_{t-1} + (1 − beta) · v_t,   m_0 = 0,   smoothed_t = m_t / (1 − beta^t)
 *
 * (t counts the finite values seen so far, from 1). Without the division the curve would start near
 * 0 and creep up; with it the first smoothed value is the first value. As in TensorBoard, a value that
 * is not finite (a diverged loss: NaN, ±Infinity) is passed through unsmoothed and does not enter the
 * average, and a curve whose values are all equal is returned as is (no rounding noise). Points are
 * smoothed in the order given, so callers pass them sorted by step.
 */
import type { Points } from '../api.js';

/** The debiased EMA of `points`' values (same steps); `beta` in [0, 1). */
export function debiasedEma(points: Points, beta: number): Points {
  if (!(beta >= 0 && beta < 1)) throw new RangeError(`smoothing beta must be in [0, 1), got ${beta}`);
  const first = points.find(([, v]) => Number.isFinite(v))?.[1];
  if (first === undefined || points.every(([, v]) => !Number.isFinite(v) || v === first)) return points.map(([s, v]) => [s, v]);
  const out: Points = new Array(points.length);
  let m = 0;
  let t = 0;
  for (let i = 0; i < points.length; i++) {
    const [step, v] = points[i];
    if (!Number.isFinite(v)) {
      out[i] = [step, v];
      continue;
    }
    t++;
    m = beta * m + (1 - beta) * v;
    out[i] = [step, m / (1 - beta ** t)];
  }
  return out;
}
