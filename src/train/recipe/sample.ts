/** A seeded sample of a dataset, shared by the recipe's checks. */
import { subset, type ArrayDataset } from '../../data/dataset.js';
import { Rng } from '../../engine/rng.js';

/** `n` examples of `data` drawn without replacement with `seed` (all of them, reordered, when n >= size). */
export function sampleOf(data: ArrayDataset, n: number, seed: number): ArrayDataset {
  const order = new Rng(seed).permutation(data.size);
  return subset(data, order.subarray(0, Math.min(n, data.size)));
}

/** The number of classes of a class-index dataset, or undefined. */
export function classCount(data: ArrayDataset): number | undefined {
  if (data.numClasses !== undefined) return data.numClasses;
  if (data.yShape.length === 1) return data.yShape[0];
  return undefined;
}
