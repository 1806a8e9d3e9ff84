/**
 * Per-class and per-example weights of the loss, as `fit` applies them: example i of a batch gets
 * w_i = classWeight[y_i] · weight_i (either factor 1 when not given), and the batch loss is
 * Σ w_i·l_i / Σ w_i (see `weightedMean`). With class weights only, this is
 * `torch.nn.CrossEntropyLoss(weight=classWeight)`; Keras's `class_weight` and `sample_weight`
 * multiply the same way.
 */
import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, checkNumber } from '../errors.js';

/** Class weights: one per class index, or a map from class index to weight (missing classes weigh 1). */
export type ClassWeight = readonly number[] | Readonly<Record<number, number>>;

/**
 * The class weights as a dense array of at least `numClasses` entries (a map's missing classes,
 * and classes past its largest key, weigh 1); every weight finite and >= 0.
 *
 * @example
 * classWeightArray({ 1: 5 }, 3); // Float32Array [1, 5, 1]
 */
export function classWeightArray(classWeight: ClassWeight, numClasses?: number): Float32Array {
  if (classWeight === null || typeof classWeight !== 'object')
    throw new InvalidArgumentError('classWeight', classWeight, 'an array of weights by class index or a { class: weight } map');
  const entries: Array<[number, number]> = Array.isArray(classWeight)
    ? classWeight.map((w, c): [number, number] => [c, w])
    : Object.entries(classWeight).map(([k, w]): [number, number] => [Number(k), w as number]);
  for (const [c, w] of entries) {
    if (!Number.isInteger(c) || c < 0) throw new InvalidArgumentError('classWeight key', c, 'a class index (an integer >= 0)');
    checkNumber(`classWeight[${c}]`, w, { min: 0 });
  }
  const largest = entries.reduce((m, [c]) => Math.max(m, c + 1), 0);
  if (Array.isArray(classWeight) && numClasses !== undefined && classWeight.length < numClasses)
    throw new InvalidArgumentError('classWeight.length', classWeight.length, `one weight per class (${numClasses})`);
  const dense = new Float32Array(Math.max(largest, numClasses ?? 0)).fill(1);
  for (const [c, w] of entries) dense[c] = w;
  return dense;
}

/**
 * The loss weights of one batch, [b] float32, or undefined when there are none: the class weight
 * of each int32 label times the example's weight (a [b] tensor, e.g. `StreamBatch.weight`). The
 * caller disposes the result (never one of its inputs).
 *
 * @example
 * batchWeights(y, { classWeight: classWeightArray([1, 3]) }); // 3 for every label 1, 1 for 0
 */
export function batchWeights(y: tf.Tensor, options: { weight?: tf.Tensor; classWeight?: Float32Array }): tf.Tensor | undefined {
  const { weight, classWeight } = options;
  if (classWeight === undefined) return weight === undefined ? undefined : tf.clone(weight);
  if (y.dtype !== 'int32' || y.rank !== 1)
    throw new InvalidArgumentError('targets', `${y.dtype} [${y.shape}]`, 'int32 class indices [b] (class weights need hard labels)');
  return tf.tidy(() => {
    const perClass = tf.gather(tf.tensor1d(classWeight), y);
    return weight === undefined ? perClass : tf.mul(perClass, weight);
  });
}
