/**
 * Fitted preprocessing: fit on the training split, apply the same statistics to every split. Each
 * fitted state is plain JSON-serialisable data, so a checkpoint can store it and a new process can
 * apply it: `applyPreprocessor(JSON.parse(JSON.stringify(p)), ds)` gives the same result.
 */
import { InvalidArgumentError } from '../errors.js';
import type { ArrayDataset } from './dataset.js';
import { normalizeValues, type Normalization } from './normalize.js';
import { pcaValues, type Pca } from './pca.js';
import { checkShape } from './statistics.js';
import { whitenValues, type Whitening } from './whitening.js';

/** Any fitted preprocessing state (`fitMeanSubtraction`, `fitStandardization`, `fitPca`, `fitWhitening`). */
export type Preprocessor = Normalization | Pca | Whitening;

/**
 * Applies fitted preprocessing to examples `x` of shape `xShape` (row-major, n × prod(xShape)),
 * in order when given a list. Returns the new values and example shape. The input is not changed.
 *
 * @example
 * const { x, xShape } = preprocessValues(pca, image, [28, 28, 1]);   // xShape [k]
 */
export function preprocessValues(
  p: Preprocessor | readonly Preprocessor[],
  x: Float32Array,
  xShape: readonly number[],
): { x: Float32Array; xShape: number[] } {
  let out = { x, xShape: [...xShape] };
  for (const step of Array.isArray(p) ? (p as readonly Preprocessor[]) : [p as Preprocessor]) {
    checkShape(`${step.kind}`, step.inputShape, out.xShape);
    switch (step.kind) {
      case 'normalization':
        out = { x: normalizeValues(step, out.x), xShape: out.xShape };
        break;
      case 'pca':
        out = { x: pcaValues(step, out.x), xShape: [step.variances.length] };
        break;
      case 'whitening':
        out = { x: whitenValues(step, out.x), xShape: [...step.outputShape] };
        break;
      default:
        throw new InvalidArgumentError('preprocessor kind', (step as { kind: unknown }).kind, "'normalization', 'pca' or 'whitening'");
    }
  }
  return out;
}

/**
 * Applies fitted preprocessing (one state or a list, in order) to a dataset: a new dataset with
 * transformed examples and the same targets. Fit on train, apply to train, validation and test.
 *
 * @example
 * const standardize = fitStandardization(train);
 * const pca = fitPca(applyPreprocessor(standardize, train), { k: 50 });  // each step fits on the previous one's output
 * const val = applyPreprocessor([standardize, pca], validation);          // train's statistics, xShape [50]
 */
export function applyPreprocessor(p: Preprocessor | readonly Preprocessor[], ds: ArrayDataset): ArrayDataset {
  const { x, xShape } = preprocessValues(p, ds.x, ds.xShape);
  return { ...ds, x, xShape };
}
