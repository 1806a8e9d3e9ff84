/**
 * Kernel initialisers a trainkit layer accepts in its config, by name, so the config stays plain
 * JSON and the layer reloads with stock `tf.loadLayersModel`. They are tfjs-layers' own initialisers
 * (see init.ts for what they compute: their "normal" ones are truncated at 2σ with no correction).
 */
import * as tfl from '@tensorflow/tfjs-layers';
import { InvalidArgumentError } from '../errors.js';

/** The names a trainkit layer's `kernelInitializer` accepts. */
export const KERNEL_INITIALIZERS = [
  'glorotUniform',
  'glorotNormal',
  'heUniform',
  'heNormal',
  'leCunUniform',
  'leCunNormal',
] as const;
export type KernelInitializerName = (typeof KERNEL_INITIALIZERS)[number];

/** The tfjs-layers initialiser called `name`; throws naming the valid ones otherwise. */
export function kernelInitializer(name: unknown): ReturnType<typeof tfl.initializers.glorotUniform> {
  if (!KERNEL_INITIALIZERS.includes(name as KernelInitializerName))
    throw new InvalidArgumentError('kernelInitializer', name, `one of ${KERNEL_INITIALIZERS.join(', ')}`);
  return tfl.initializers[name as KernelInitializerName]({});
}
