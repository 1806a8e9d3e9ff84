/**
 * Gamma and Beta draws from trainkit's seeded `Rng` (Marsaglia & Tsang 2000), for mixup's and
 * CutMix's mixing weight λ ~ Beta(α, α).
 */
import type { Rng } from '../engine/rng.js';

/** A Gamma(shape, 1) draw, shape > 0 (shape < 1 through Gamma(shape + 1)·U^(1/shape)). */
export function gammaDraw(rng: Rng, shape: number): number {
  if (shape < 1) return gammaDraw(rng, shape + 1) * Math.pow(1 - rng.next(), 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const z = rng.normal();
    const v = (1 + c * z) ** 3;
    if (v <= 0) continue;
    const u = 1 - rng.next();
    if (Math.log(u) < 0.5 * z * z + d - d * v + d * Math.log(v)) return d * v;
  }
}

/** A Beta(a, b) draw as X / (X + Y) of two Gamma draws. */
export function betaDraw(rng: Rng, a: number, b: number): number {
  const x = gammaDraw(rng, a);
  const y = gammaDraw(rng, b);
  return x / (x + y);
}
