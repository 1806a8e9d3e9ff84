import { checkNumber } from '../errors.js';
import { checkRate, checkSteps, mergeOptions } from './check.js';
import { checkStep, type Schedule } from './schedule.js';

export interface CosineDecayOptions {
  /** The value at step 0. */
  init: number;
  /** The number of steps T over which the value falls to `alpha · init` (an integer >= 1). */
  decaySteps: number;
  /** The floor as a fraction of `init`, in [0, 1]. Default 0. */
  alpha?: number;
}

/**
 * Cosine decay (Loshchilov & Hutter 2017, "SGDR", without restarts):
 * `η_t = init · ((1 − alpha) · ½(1 + cos(π · min(t, T) / T)) + alpha)`, the Optax/Keras form.
 * It falls from `init` at t = 0 to `alpha · init` at t = T and stays there. For t <= T this equals
 * torch `CosineAnnealingLR(T_max=T, eta_min=alpha·init)` (whose recursive form agrees with this
 * closed form to ~1e-16); after T torch's schedule climbs back up, this one stays at the floor.
 *
 * @example
 * const lr = cosineDecay({ init: 0.1, decaySteps: 1000, alpha: 0.01 });
 * lr(0); // 0.1
 * lr(500); // 0.0505
 * lr(5000); // 0.001
 */
export function cosineDecay(options: CosineDecayOptions): Schedule {
  const o = mergeOptions<Required<CosineDecayOptions>>('cosineDecay', options, { alpha: 0 }, [
    'init',
    'decaySteps',
    'alpha',
  ]);
  const init = checkRate('cosineDecay', 'init', o.init);
  const T = checkSteps('cosineDecay', 'decaySteps', o.decaySteps);
  const alpha = checkNumber('cosineDecay.alpha', o.alpha, { min: 0, max: 1 });
  return (step) => {
    const c = 0.5 * (1 + Math.cos((Math.PI * Math.min(checkStep(step), T)) / T));
    return init * ((1 - alpha) * c + alpha);
  };
}
