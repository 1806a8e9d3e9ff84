/**
 * Recipe step 1: check the loss at initialisation. With small random weights the scores are
 * nearly equal, so softmax cross-entropy over C classes starts at −log(1/C) = log C (2.303 for
 * 10 classes), and the multiclass SVM hinge loss at (C − 1)·Δ. A loss far above that means the
 * initial scores are too large (the last layer's initialisation), far below means the model has
 * already seen the answers (a label leak, or weights that are not fresh).
 */
import type { ArrayDataset } from '../../data/dataset.js';
import { InvalidArgumentError, checkNumber } from '../../errors.js';
import { evaluate } from '../evaluate.js';
import type { Loss, LossName } from '../losses.js';
import type { Model } from '../model.js';
import { classCount, sampleOf } from './sample.js';

export interface InitialLossOptions {
  /** The data loss (no regularisation term: weight decay is off for this check). Default 'softmaxCrossEntropy'. */
  loss?: Loss | LossName;
  /** The loss expected at initialisation. Default: log C for softmax cross-entropy, C − 1 for hinge (Δ = 1). */
  expected?: number;
  /** Examples evaluated (a seeded sample). Default 1024. */
  examples?: number;
  /** Accepted relative distance |measured − expected| / expected. Default 0.15. */
  tolerance?: number;
  /** Seed of the sample. Default 0. */
  seed?: number;
  /** Evaluation batch size. Default 256. */
  batchSize?: number;
}

export interface InitialLossReport {
  ok: boolean;
  expected: number;
  measured: number;
  /** (measured − expected) / expected. */
  relativeError: number;
  /** One sentence: what was found and, on failure, the likely cause. */
  verdict: string;
}

/**
 * Measures the loss of the untrained model (inference mode) on a sample of `data` and compares it
 * with the chance-level value. The model is not changed.
 *
 * @example
 * const r = await checkInitialLoss(model, train);
 * console.log(r.verdict); // "initial loss 2.311 ≈ log 10 = 2.303 (+0.4%): OK"
 */
export async function checkInitialLoss(model: Model, data: ArrayDataset, options: InitialLossOptions = {}): Promise<InitialLossReport> {
  const o = { loss: 'softmaxCrossEntropy' as Loss | LossName, examples: 1024, tolerance: 0.15, seed: 0, batchSize: 256, ...options };
  checkNumber('examples', o.examples, { min: 1, integer: true });
  checkNumber('tolerance', o.tolerance, { min: 0, minExclusive: true });
  checkNumber('batchSize', o.batchSize, { min: 1, integer: true });
  const c = classCount(data);
  let expected = o.expected;
  let what = expected === undefined ? '' : `the expected ${fmt(expected)}`;
  if (expected === undefined) {
    if (c === undefined || (o.loss !== 'softmaxCrossEntropy' && o.loss !== 'hinge'))
      throw new InvalidArgumentError('expected', undefined, "a number: the chance-level loss is known only for 'softmaxCrossEntropy' and 'hinge' on class data");
    expected = o.loss === 'hinge' ? c - 1 : Math.log(c);
    what = o.loss === 'hinge' ? `C − 1 = ${c - 1}` : `log ${c} = ${fmt(expected)}`;
  }
  checkNumber('expected', expected, { min: 0, minExclusive: true });
  const sample = sampleOf(data, o.examples, o.seed);
  const { loss: measured } = await evaluate(model, sample, { loss: o.loss, metrics: [], batchSize: o.batchSize });
  const relativeError = (measured - expected) / expected;
  const ok = Number.isFinite(measured) && Math.abs(relativeError) <= o.tolerance;
  const pct = `${relativeError >= 0 ? '+' : ''}${(100 * relativeError).toFixed(1)}%`;
  let verdict: string;
  if (!Number.isFinite(measured)) verdict = `initial loss is ${measured}: the model's output overflows (check the input scale and the initialisation)`;
  else if (ok) verdict = `initial loss ${fmt(measured)} ≈ ${what} (${pct}): OK`;
  else if (measured > expected)
    verdict = `initial loss ${fmt(measured)} is ${pct} above ${what}: the initial scores are too large — scale down the initialisation (of the last layer especially) or check the input scale`;
  else
    verdict = `initial loss ${fmt(measured)} is ${pct} below ${what}: better than chance before training — check for a label leak or weights that are not freshly initialised`;
  return { ok, expected, measured, relativeError, verdict };
}

const fmt = (v: number): string => (+v.toPrecision(4)).toString();
