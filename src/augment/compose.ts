/**
 * Combinators: `compose` chains augmentations, `randomApply` applies one to each image with
 * probability p, `oneOf` applies one of several, chosen per image. The per-image choices route
 * subsets of the batch (a gather per branch, one gather to restore the order), so each branch runs
 * once, batched, on its images only.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../engine/rng.js';
import { InvalidArgumentError } from '../errors.js';
import { type Augmentation, type AugmentBatch, checkImages, checkProbability, takeImages } from './types.js';

function checkAugmentation(option: string, aug: unknown): asserts aug is Augmentation {
  if (typeof aug !== 'function') throw new InvalidArgumentError(option, aug, 'an augmentation (batch, rng) => batch');
}

/** Disposes the tensors of `out` that are not `kept`'s (an augmentation may return its input's). */
export function disposeNew(out: AugmentBatch, kept: AugmentBatch): void {
  if (out.x !== kept.x) out.x.dispose();
  if (out.y !== kept.y) out.y.dispose();
}

/**
 * Applies `augs` in order; each sees the previous one's output.
 *
 * @example
 * const aug = compose(randomCrop({ size: [32, 32], padding: 4 }), flipLeftRight(), cutout({ size: 16 }));
 */
export function compose(...augs: Augmentation[]): Augmentation {
  augs.forEach((a, i) => checkAugmentation(`augs[${i}]`, a));
  return (batch, rng) => {
    let current = batch;
    for (const aug of augs) {
      const next = aug(current, rng);
      // Intermediate batches are ours to free; the caller's batch is not.
      if (current !== batch) {
        if (current.x !== next.x && current.x !== batch.x) current.x.dispose();
        if (current.y !== next.y && current.y !== batch.y) current.y.dispose();
      }
      current = next;
    }
    return current === batch ? { x: batch.x, y: batch.y } : current;
  };
}

/**
 * Runs `branches[k]` on the images whose `choice` is k (null: unchanged) and reassembles the batch
 * in its order. Branches must give images of one shape and labels of one shape and dtype.
 */
export function routeImages(batch: AugmentBatch, choice: Int32Array, branches: Array<Augmentation | null>, rng: Rng): AugmentBatch {
  checkImages(batch.x);
  const n = batch.x.shape[0];
  const groups = branches.map((_, k) => Int32Array.from(choice.keys()).filter((i) => choice[i] === k));
  const used = groups.map((g, k) => [k, g] as const).filter(([, g]) => g.length > 0);
  if (used.length === 1) {
    const [k] = used[0];
    const aug = branches[k];
    return aug === null ? { x: batch.x, y: batch.y } : aug(batch, rng);
  }
  const parts: AugmentBatch[] = [];
  const inputs: AugmentBatch[] = [];
  try {
    for (const [k, g] of used) {
      const indices = tf.tensor1d(g, 'int32');
      const sub = { x: takeImages(batch.x, g), y: tf.gather(batch.y, indices) };
      indices.dispose();
      inputs.push(sub);
      const aug = branches[k];
      parts.push(aug === null ? sub : aug(sub, rng));
    }
    const shapes = new Set(parts.map((p) => `${p.y.dtype}[${p.y.shape.slice(1)}]`));
    if (shapes.size > 1)
      throw new InvalidArgumentError('augmentations', `branches giving labels ${[...shapes].join(' and ')}`, 'branches that give labels of one dtype and shape (put mixup/cutmix outside randomApply/oneOf)');
    const order = new Int32Array(n);
    let at = 0;
    for (const [, g] of used) for (const i of g) order[i] = at++;
    return tf.tidy(() => {
      const inverse = tf.tensor1d(order, 'int32');
      const x = takeImages(tf.concat(parts.map((p) => p.x)), order);
      const y = tf.gather(tf.concat(parts.map((p) => p.y)), inverse);
      return { x, y };
    });
  } finally {
    parts.forEach((p, i) => disposeNew(p, inputs[i]));
    inputs.forEach((s) => tf.dispose([s.x, s.y]));
  }
}

/**
 * Applies `aug` to each image with probability `p` (the others pass unchanged).
 *
 * @example
 * const aug = randomApply(colorJitter({ brightness: 0.4 }), 0.8);
 */
export function randomApply(aug: Augmentation, p: number): Augmentation {
  checkAugmentation('aug', aug);
  checkProbability('p', p);
  return (batch, rng) => {
    checkImages(batch.x);
    const choice = Int32Array.from({ length: batch.x.shape[0] }, () => (rng.bernoulli(p) ? 0 : 1));
    return routeImages(batch, choice, [aug, null], rng);
  };
}

/**
 * Applies one of `augs` to each image, chosen uniformly per image.
 *
 * @example
 * const aug = oneOf(flipLeftRight({ p: 1 }), flipUpDown({ p: 1 }), randomAffine({ degrees: 30 }));
 */
export function oneOf(...augs: Augmentation[]): Augmentation {
  if (augs.length === 0) throw new InvalidArgumentError('augs', augs, 'at least one augmentation');
  augs.forEach((a, i) => checkAugmentation(`augs[${i}]`, a));
  return (batch, rng) => {
    checkImages(batch.x);
    const choice = Int32Array.from({ length: batch.x.shape[0] }, () => rng.int(augs.length));
    return routeImages(batch, choice, augs, rng);
  };
}
