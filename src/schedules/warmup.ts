import { InvalidArgumentError } from '../errors.js';
import { checkRate, checkSteps, mergeOptions } from './check.js';
import { cosineDecay } from './cosine-decay.js';
import { join } from './join.js';
import { ramp } from './linear.js';
import type { Schedule } from './schedule.js';

export interface WarmupOptions {
  /** The number of warmup steps (an integer >= 1). */
  steps: number;
  /** The value reached at step `steps` and kept afterwards. */
  to: number;
  /** The value at step 0. Default 0. */
  from?: number;
}

/**
 * Linear warmup: `η_t = from + (to − from) · min(t, steps) / steps`, then `to` (Goyal et al. 2017,
 * "gradual warmup"). As in Optax, step 0 gives `from`, so with the default `from = 0` the first
 * update does nothing; torch's `LinearLR(start_factor=s, total_iters=n)` is
 * `warmup({ steps: n, from: s·lr, to: lr })`.
 *
 * @example
 * const lr = warmup({ steps: 5, to: 0.1 });
 * lr(0); // 0
 * lr(2); // 0.04
 * lr(9); // 0.1
 */
export function warmup(options: WarmupOptions): Schedule {
  const o = mergeOptions<Required<WarmupOptions>>('warmup', options, { from: 0 }, ['steps', 'to', 'from']);
  return ramp('warmup', { from: o.from, to: o.to, steps: o.steps });
}

export interface WarmupCosineOptions {
  /** The value at the end of warmup, where the cosine starts. */
  peak: number;
  /** Steps of linear warmup from 0 to `peak` (an integer >= 0). */
  warmupSteps: number;
  /** Steps of cosine decay from `peak` to `end`, counted **after** the warmup (an integer >= 1). */
  decaySteps: number;
  /** The final value (0 <= end <= peak). Default 0. */
  end?: number;
}

/**
 * Linear warmup from 0 to `peak` over `warmupSteps`, then cosine decay from `peak` to `end` over
 * `decaySteps`, then `end` (Goyal et al. 2017 warmup; Loshchilov & Hutter 2017 cosine):
 * `join([warmup, cosineDecay], [warmupSteps])`. The run lasts `warmupSteps + decaySteps` steps.
 * Unlike Optax's `warmup_cosine_decay_schedule`, whose `decay_steps` *includes* the warmup,
 * `decaySteps` here is the length of the cosine alone.
 *
 * @example
 * const lr = warmupCosine({ peak: 0.001, warmupSteps: 100, decaySteps: 900 });
 * lr(50); // 0.0005
 * lr(100); // 0.001
 * lr(550); // 0.0005
 * lr(1000); // 0
 */
export function warmupCosine(options: WarmupCosineOptions): Schedule {
  const o = mergeOptions<Required<WarmupCosineOptions>>('warmupCosine', options, { end: 0 }, [
    'peak',
    'warmupSteps',
    'decaySteps',
    'end',
  ]);
  const peak = checkRate('warmupCosine', 'peak', o.peak);
  const w = checkSteps('warmupCosine', 'warmupSteps', o.warmupSteps, 0);
  const decaySteps = checkSteps('warmupCosine', 'decaySteps', o.decaySteps);
  const end = checkRate('warmupCosine', 'end', o.end);
  if (end > peak) throw new InvalidArgumentError('warmupCosine.end', end, `a number <= peak (${peak})`);
  const cosine = cosineDecay({ init: peak, decaySteps, alpha: peak === 0 ? 0 : end / peak });
  return w === 0 ? cosine : join([warmup({ steps: w, to: peak }), cosine], [w]);
}
