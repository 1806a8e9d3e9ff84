/**
 * The optimizers' fused kernels, registered for cpu and wasm as soon as this module (or any of
 * them) is imported. The optim layer calls `fusedAdam`, `fusedMomentum`, … inside its transforms'
 * `update`; each returns `undefined` where no fused kernel applies, and the transform then runs its
 * tf-op route. `removeFusedKernels()` turns the fused route off (to measure or compare it),
 * `installFusedKernels()` turns it back on.
 */
import { ADAM_L2_STEP, ADAM_STEP, ADAM_UPDATE, ADAMW_STEP } from './fused_adam.js';
import { MOMENTUM_UPDATE, NESTEROV_UPDATE } from './fused_momentum.js';
import { CENTERED_RMS_UPDATE, RMS_UPDATE } from './fused_rms.js';
import { RSS_UPDATE } from './fused_rss.js';
import { LION_UPDATE } from './fused_lion.js';
import { DECAY_UPDATE } from './fused_decay.js';
import { registerFusedKernel, unregisterFusedKernel } from './fused_elementwise.js';

export { fusedAdam, fusedAdamStep, type AdamStepAttrs, type AdamStepDecay, type AdamUpdateAttrs } from './fused_adam.js';
export { fusedMomentum, type MomentumUpdateAttrs } from './fused_momentum.js';
export { fusedRms, type RmsUpdateAttrs } from './fused_rms.js';
export { fusedRss, type RssUpdateAttrs } from './fused_rss.js';
export { fusedLion, type LionUpdateAttrs } from './fused_lion.js';
export { fusedDecay } from './fused_decay.js';

/** Names of the optimizers' fused kernels. */
export const FUSED_KERNELS: readonly string[] = [
  ADAM_UPDATE,
  MOMENTUM_UPDATE,
  NESTEROV_UPDATE,
  RMS_UPDATE,
  CENTERED_RMS_UPDATE,
  RSS_UPDATE,
  LION_UPDATE,
  DECAY_UPDATE,
  ADAM_STEP,
  ADAM_L2_STEP,
  ADAMW_STEP,
].map((k) => k.name);

/**
 * Registers the optimizers' fused kernels for cpu and wasm (done on import; idempotent) and
 * returns their names.
 *
 * @example
 * removeFusedKernels(); // time the tf-op route
 * installFusedKernels(); // ['TrainkitAdamUpdate', 'TrainkitMomentumUpdate', ...]
 */
export function installFusedKernels(): string[] {
  FUSED_KERNELS.forEach(registerFusedKernel);
  return [...FUSED_KERNELS];
}

/** Unregisters the fused kernels: every optimizer takes its tf-op route until `installFusedKernels()`. */
export function removeFusedKernels(): void {
  FUSED_KERNELS.forEach(unregisterFusedKernel);
}
