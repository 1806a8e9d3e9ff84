/**
 * Inverted dropout (Srivastava et al. 2014, "Dropout: a simple way to prevent neural networks from
 * overfitting"): at train time each activation is zeroed with probability `rate` and the survivors
 * are scaled by 1/(1 − rate), so the expected activation is unchanged and inference is the identity.
 *
 * tfjs-layers' own `Dropout` does the same (checked in dropout.test.ts) but draws from TensorFlow.js's
 * generator, and with a `seed` it draws the SAME mask at every call. `SeededDropout` draws a fresh
 * mask per call from trainkit's `Rng`: reproducible from its seed, never repeating.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../engine/rng.js';
import { bernoulliMaskTensor, checkRate } from './mask.js';
import { SeededLayer, type Kwargs, type SeededLayerArgs } from './seeded_layer.js';

/**
 * Train-time inverted dropout of `x`: zero each entry with probability `rate`, scale the rest by
 * 1/(1 − rate). Call it only when training (at test time dropout is the identity). Returns a new
 * tensor; `x` is not disposed.
 *
 * @example
 * const h = training ? dropout(tf.relu(z), 0.5, rng) : tf.relu(z);
 */
export function dropout(x: tf.Tensor, rate: number, rng: Rng): tf.Tensor {
  checkRate('rate', rate);
  if (rate === 0) return tf.clone(x);
  return tf.tidy(() => tf.mul(x, bernoulliMaskTensor(x.shape, 1 - rate, rng)));
}

export interface SeededDropoutArgs extends SeededLayerArgs {
  /** Drop probability, in [0, 1). */
  rate: number;
}

/**
 * Inverted dropout whose masks come from trainkit's seeded `Rng`: a new mask at every training call,
 * the same sequence of masks for the same seed; the identity when not training.
 *
 * @example
 * model.add(new SeededDropout({ rate: 0.5, seed: 1 }));
 */
export class SeededDropout extends SeededLayer {
  static className = 'trainkit>SeededDropout';
  readonly rate: number;

  constructor(args: SeededDropoutArgs) {
    super(args, 'seeded_dropout');
    this.rate = checkRate('rate', args?.rate);
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    if (!this.isTraining(kwargs) || this.rate === 0) return x;
    return dropout(x, this.rate, this.rng);
  }

  override getConfig() {
    return { ...super.getConfig(), rate: this.rate };
  }
}
tf.serialization.registerClass(SeededDropout);

