/**
 * A seeded random-number generator used everywhere trainkit draws randomness (data order, dropout
 * masks, augmentation, samplers), so a run is reproducible from its seed and its state can be saved
 * in a checkpoint and restored exactly.
 *
 * Algorithm: xoshiro128** (Blackman & Vigna 2018), 128 bits of state, seeded through SplitMix32 so
 * nearby seeds give unrelated streams. Pure JavaScript, identical on every backend and platform.
 */
import { InvalidArgumentError } from '../errors.js';

/** The plain-data state of an Rng (four unsigned 32-bit integers), safe to JSON-serialise. */
export type RngState = [number, number, number, number];

function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

const rotl = (x: number, k: number): number => ((x << k) | (x >>> (32 - k))) >>> 0;

export class Rng {
  private s: RngState;

  /**
   * @param seed any safe integer; the same seed always gives the same stream.
   * @example
   * const rng = new Rng(42);
   * rng.next(); // a float in [0, 1)
   */
  constructor(seed: number) {
    if (!Number.isSafeInteger(seed)) throw new InvalidArgumentError('seed', seed, 'a safe integer');
    // Mix both halves of a 53-bit seed so 1 and 2**32 + 1 differ.
    const hi = Math.floor(seed / 2 ** 32);
    const a = splitmix32(seed >>> 0);
    const b = splitmix32(hi ^ 0x5bd1e995);
    this.s = [a() ^ b(), a(), a() ^ b(), a()].map((x) => x >>> 0) as RngState;
    if (this.s.every((x) => x === 0)) this.s[0] = 1;
  }

  /** An Rng that continues exactly from a saved state. */
  static fromState(state: RngState): Rng {
    if (!Array.isArray(state) || state.length !== 4 || !state.every((x) => Number.isInteger(x) && x >= 0 && x < 2 ** 32))
      throw new InvalidArgumentError('rng state', state, 'four unsigned 32-bit integers');
    if (state.every((x) => x === 0)) throw new InvalidArgumentError('rng state', state, 'not all zeros');
    const r = new Rng(0);
    r.s = [...state] as RngState;
    return r;
  }

  /** A copy of the state (four uint32), for checkpoints. */
  getState(): RngState {
    return [...this.s] as RngState;
  }

  /** The next 32 random bits as an unsigned integer. */
  nextUint32(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1], 5) >>> 0, 7), 9) >>> 0;
    const t = (s[1] << 9) >>> 0;
    s[2] = (s[2] ^ s[0]) >>> 0;
    s[3] = (s[3] ^ s[1]) >>> 0;
    s[1] = (s[1] ^ s[2]) >>> 0;
    s[0] = (s[0] ^ s[3]) >>> 0;
    s[2] = (s[2] ^ t) >>> 0;
    s[3] = rotl(s[3], 11);
    return result;
  }

  /** A float in [0, 1) with 53 random bits. */
  next(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** A uniform float in [low, high). */
  uniform(low = 0, high = 1): number {
    return low + (high - low) * this.next();
  }

  /** A uniform integer in [0, n), without modulo bias. */
  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0 || n > 2 ** 32)
      throw new InvalidArgumentError('n', n, 'an integer in [1, 2^32]');
    const limit = 2 ** 32 - (2 ** 32 % n);
    for (;;) {
      const x = this.nextUint32();
      if (x < limit) return x % n;
    }
  }

  /** A standard normal draw (Box–Muller, polar form). */
  normal(mean = 0, std = 1): number {
    for (;;) {
      const u = 2 * this.next() - 1;
      const v = 2 * this.next() - 1;
      const s = u * u + v * v;
      if (s > 0 && s < 1) return mean + std * u * Math.sqrt((-2 * Math.log(s)) / s);
    }
  }

  /** True with probability p. */
  bernoulli(p: number): boolean {
    return this.next() < p;
  }

  /** Shuffles an array in place (Fisher–Yates) and returns it. */
  shuffle<T>(items: T[] | Int32Array | Uint32Array | Float32Array): typeof items {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = items[i];
      items[i] = items[j];
      items[j] = tmp;
    }
    return items;
  }

  /** A random permutation of 0..n-1. */
  permutation(n: number): Int32Array {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    return this.shuffle(p) as Int32Array;
  }

  /**
   * A new, independent generator derived from this one (this one advances). Use one child per
   * consumer (data order, dropout, augmentation) so adding draws in one does not shift the others.
   */
  split(): Rng {
    return new Rng(this.nextUint32() * 2 ** 21 + (this.nextUint32() >>> 11));
  }

  /** A seed for TensorFlow.js's seeded ops (`tf.randomUniform(shape, 0, 1, 'float32', seed)`). */
  tfSeed(): number {
    return this.nextUint32();
  }
}
