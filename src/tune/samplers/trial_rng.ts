/**
 * The generator a sampler uses for one draw, derived from (seed, trial number, what is drawn). A
 * sampler's draws are then a pure function of the study's trials: two workers with the same seed
 * never propose the same point for different trials, and a run is reproducible from its trials.
 */
import { Rng } from '../../engine/rng.js';

function fnv1a(text: string, basis: number): number {
  let h = basis >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** An Rng seeded from `seed`, the trial's number and a key (a parameter's name, "relative"). */
export function trialRng(seed: number, trialNumber: number, key: string): Rng {
  const text = `${seed}:${trialNumber}:${key}`;
  return new Rng(fnv1a(text, 0x811c9dc5) * 2 ** 21 + (fnv1a(text, 0x050c5d1f) >>> 11));
}
