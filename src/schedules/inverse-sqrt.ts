import { checkRate, checkSteps, mergeOptions } from './check.js';
import { checkStep, type Schedule } from './schedule.js';

export interface InverseSqrtOptions {
  /** The peak value: the value at step 0 without warmup, at step `warmupSteps − 1` with it. */
  init: number;
  /** Length of the linear warmup (an integer >= 0). Default 0. */
  warmupSteps?: number;
}

/**
 * Inverse square-root decay, `η ∝ 1/√n`, where **n = t + 1 is the number of the update** (1 for the
 * first), so the formula is defined at step 0:
 * - without warmup (w = 0): `η_t = init / √(t + 1)`; step 0 gives `init`;
 * - with warmup w > 0: `η_t = init · min((t + 1)/w, √(w / (t + 1)))`: a linear rise to `init` at
 *   update w (step w − 1), then `init·√(w/n)`. This is the Transformer schedule of Vaswani et al.
 *   (2017), `d^−½ · min(n^−½, n·w^−1.5)`, scaled so that its peak is `init`.
 * Torch has no such class; `LambdaLR(lambda t: min((t+1)/w, sqrt(w/(t+1))))` gives the same values.
 *
 * @example
 * const lr = inverseSqrt({ init: 0.1 });
 * lr(0); // 0.1
 * lr(3); // 0.05
 * inverseSqrt({ init: 0.1, warmupSteps: 4 })(1); // 0.05 (warming up)
 */
export function inverseSqrt(options: InverseSqrtOptions): Schedule {
  const o = mergeOptions<Required<InverseSqrtOptions>>('inverseSqrt', options, { warmupSteps: 0 }, [
    'init',
    'warmupSteps',
  ]);
  const init = checkRate('inverseSqrt', 'init', o.init);
  const w = checkSteps('inverseSqrt', 'warmupSteps', o.warmupSteps, 0);
  return (step) => {
    const n = checkStep(step) + 1;
    return w === 0 ? init / Math.sqrt(n) : init * Math.min(n / w, Math.sqrt(w / n));
  };
}
