/**
 * Held-out data: a train/validation split and k-fold cross-validation, seeded through `Rng` so the
 * same seed always gives the same split. Stratified versions keep each class's share in every part.
 */
import { checkNumber, InvalidArgumentError } from '../errors.js';
import { Rng } from '../engine/rng.js';
import { subset, type ArrayDataset } from './dataset.js';

export interface Split {
  train: ArrayDataset;
  validation: ArrayDataset;
  /** Indices into the original dataset, ascending. */
  trainIndices: Int32Array;
  validationIndices: Int32Array;
}

export interface TrainValidationSplitOptions {
  /** Share of examples held out, in (0, 1); rounded to the nearest count. Give this or `validationSize`. */
  validationFraction?: number;
  /** Number of examples held out, in [1, size − 1]. */
  validationSize?: number;
  /** Seed of the split (default 0). */
  seed?: number;
  /** Keep each class's share in both parts (class-index datasets only). Default false. */
  stratify?: boolean;
}

/** Groups of example indices: one group of all examples, or one per class, each shuffled by `rng`. */
function shuffledGroups(ds: ArrayDataset, stratify: boolean, rng: Rng): Int32Array[] {
  if (!stratify) return [rng.permutation(ds.size)];
  if (!(ds.y instanceof Int32Array) || ds.yShape.length !== 0)
    throw new InvalidArgumentError('stratify', true, 'false for a dataset whose targets are not class indices (yShape [])');
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < ds.size; i++) {
    const list = byClass.get(ds.y[i]);
    if (list === undefined) byClass.set(ds.y[i], [i]);
    else list.push(i);
  }
  return [...byClass.keys()]
    .sort((a, b) => a - b)
    .map((c) => {
      const g = Int32Array.from(byClass.get(c) as number[]);
      return rng.shuffle(g) as Int32Array;
    });
}

const ascending = (xs: number[]): Int32Array => Int32Array.from(xs).sort();

/**
 * Splits a dataset into train and validation parts at random (seeded). With `stratify`, each
 * class gives its share of the validation set (largest-remainder rounding, so the total is exactly
 * the requested size and every class is within one example of its proportional share). Both parts
 * keep the original example order.
 *
 * @example
 * const { train, validation } = trainValidationSplit(ds, { validationFraction: 0.1, seed: 1, stratify: true });
 */
export function trainValidationSplit(ds: ArrayDataset, options: TrainValidationSplitOptions): Split {
  const o = { seed: 0, stratify: false, ...options };
  if ((o.validationFraction === undefined) === (o.validationSize === undefined))
    throw new InvalidArgumentError('options', options, 'exactly one of validationFraction and validationSize');
  if (ds.size < 2) throw new InvalidArgumentError('dataset size', ds.size, 'at least 2 examples to split');
  let size: number;
  if (o.validationFraction !== undefined) {
    checkNumber('validationFraction', o.validationFraction, { min: 0, max: 1, minExclusive: true, maxExclusive: true });
    size = Math.min(ds.size - 1, Math.max(1, Math.round(o.validationFraction * ds.size)));
  } else size = checkNumber('validationSize', o.validationSize, { min: 1, max: ds.size - 1, integer: true });
  const groups = shuffledGroups(ds, o.stratify, new Rng(o.seed));
  // Largest remainder: floor of each group's share, then one more to the largest remainders.
  const exact = groups.map((g) => (g.length * size) / ds.size);
  const take = exact.map(Math.floor);
  const order = exact.map((e, i) => [e - Math.floor(e), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (let r = size - take.reduce((a, b) => a + b, 0), k = 0; r > 0; r--, k++) take[order[k][1]]++;
  const val: number[] = [];
  const train: number[] = [];
  groups.forEach((g, i) => {
    for (let k = 0; k < g.length; k++) (k < take[i] ? val : train).push(g[k]);
  });
  const trainIndices = ascending(train);
  const validationIndices = ascending(val);
  return { train: subset(ds, trainIndices), validation: subset(ds, validationIndices), trainIndices, validationIndices };
}

export interface KFoldOptions {
  /** Number of folds, an integer in [2, size]. */
  k: number;
  /** Seed of the assignment (default 0). */
  seed?: number;
  /** Deal each class evenly over the folds (class-index datasets only). Default false. */
  stratify?: boolean;
}

/**
 * k-fold cross-validation: the examples, shuffled (seeded), are dealt into k folds; fold i is the
 * validation set of split i and the other k − 1 folds are its training set. Every example is in
 * exactly one validation fold; fold sizes differ by at most one. With `stratify`, the shuffled
 * examples are dealt class by class, so each fold holds each class's count to within one.
 *
 * @example
 * for (const { train, validation } of kFold(ds, { k: 5, seed: 0 })) { ... }
 */
export function kFold(ds: ArrayDataset, options: KFoldOptions): Split[] {
  const o = { seed: 0, stratify: false, ...options };
  checkNumber('k', o.k, { min: 2, max: Math.max(2, ds.size), integer: true });
  if (ds.size < o.k) throw new InvalidArgumentError('k', o.k, `at most the dataset size, ${ds.size}`);
  const folds: number[][] = Array.from({ length: o.k }, () => []);
  let next = 0;
  for (const g of shuffledGroups(ds, o.stratify, new Rng(o.seed)))
    for (const i of g) {
      folds[next].push(i);
      next = (next + 1) % o.k;
    }
  return folds.map((_, f) => {
    const validationIndices = ascending(folds[f]);
    const trainIndices = ascending(folds.flatMap((fold, j) => (j === f ? [] : fold)));
    return { train: subset(ds, trainIndices), validation: subset(ds, validationIndices), trainIndices, validationIndices };
  });
}
