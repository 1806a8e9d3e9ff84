/**
 * `trainkit recipe FILE.ts`: the practitioner's recipe on the run's model and data — 1 the loss at
 * initialisation, 2 overfitting a few minibatches, 3 the learning-rate range test, each with its
 * verdict; then 4 a coarse and 5 a refined search of the learning rate and weight decay around the
 * range test's suggestion, into studies of the store (recipe-search.ts), ending with the
 * configuration to train fully. `searchTrials: 0` stops after step 3.
 */
import { mkdirSync } from 'node:fs';
import { writeFileAtomic } from '../io/atomic.js';
import { join, resolve } from 'node:path';
import { valueAt } from '../schedules/schedule.js';
import { checkInitialLoss, type InitialLossReport } from '../train/recipe/initial-loss.js';
import { lrRangeTest, type LrRangeTestResult } from '../train/recipe/lr-range-test.js';
import { overfitSmallSample, type OverfitReport } from '../train/recipe/overfit.js';
import { lrFindReport } from '../report/html.js';
import { DEFAULT_STORAGE } from '../store/open.js';
import { recipeSearch, type RecipeSearchResult } from './recipe-search.js';
import { disposeModel, loadRunFile, type RunFileOptions } from './run-file.js';

export interface RecipeCommandOptions extends RunFileOptions {
  out?: string;
  /** Trials of step 4 (step 5 runs half as many); 0 skips both. Default 8. */
  searchTrials?: number;
  /** The store of the searches' studies. Default DEFAULT_STORAGE (sqlite:./trainkit.db). */
  storage?: string;
  json: boolean;
  log: (s: string) => void;
}

export interface RecipeSummary {
  initialLoss: InitialLossReport;
  overfit: OverfitReport;
  lrFind: LrRangeTestResult;
  search?: RecipeSearchResult;
  out: string;
}

/**
 * Runs the three checks in order. Step 2 trains with the run's optimizer at a constant rate: the
 * largest value its learning rate takes in the first 1,000 steps (a warmup schedule starts near 0,
 * which would fail the check for the wrong reason). Weights are restored after steps 2 and 3.
 * Steps 1 and 2 ignore the run's `augment` and `penalty` (they check the model and the data as
 * they are: a penalty raises the initial loss, augmentation makes a few examples harder to
 * memorise); step 3 and the searches train with both, as `train` does.
 */
export async function recipeCommand(o: RecipeCommandOptions): Promise<RecipeSummary> {
  const { spec, ctx, name } = await loadRunFile(o);
  const out = resolve(o.out ?? join('out', 'recipe', name));
  mkdirSync(out, { recursive: true });
  const loss = spec.loss ?? 'softmaxCrossEntropy';
  const batchSize = spec.batchSize ?? 32;
  const say = (step: number, title: string, ok: boolean | undefined, verdict: string, extra: object): void => {
    if (o.json) o.log(JSON.stringify({ event: 'recipe', step, check: title, ok, verdict, ...extra }));
    else o.log(`${step}. ${title}: ${ok === undefined ? '' : ok ? '[ok] ' : '[FAIL] '}${verdict}`);
  };
  try {
    const initialLoss = await checkInitialLoss(spec.model, spec.data.train, { loss, seed: o.seed });
    say(1, 'loss at initialisation', initialLoss.ok, initialLoss.verdict, { expected: initialLoss.expected, measured: initialLoss.measured });
    let peak = 0;
    for (let s = 0; s < 1000; s++) peak = Math.max(peak, valueAt(spec.learningRate, s));
    const overfit = await overfitSmallSample(spec.model, spec.data.train, { optimizer: spec.optimizer(peak), batchSize, loss, seed: o.seed });
    say(2, `overfit ${overfit.examples} examples at lr ${peak.toExponential(1)}`, overfit.ok, overfit.verdict, { accuracy: overfit.accuracy, steps: overfit.steps });
    const lrFind = await lrRangeTest(spec.model, spec.data.train, {
      optimizer: spec.optimizer,
      batchSize,
      loss,
      seed: o.seed,
      ...(spec.augment === undefined ? {} : { augment: spec.augment }),
      ...(spec.penalty === undefined ? {} : { penalty: spec.penalty }),
    });
    say(3, 'learning-rate range test', undefined, lrFind.verdict, { suggested: lrFind.suggested });
    const page = join(out, 'lr-find.html');
    await writeFileAtomic(page, lrFindReport({ title: `trainkit recipe — ${name}: lr range test`, points: lrFind.points, suggested: lrFind.suggested, minimumLr: lrFind.minimumLr, verdict: lrFind.verdict, meta: { seed: o.seed, backend: ctx.backend, batchSize } }));
    await writeFileAtomic(join(out, 'recipe.json'), JSON.stringify({ command: 'recipe', file: resolve(o.file), seed: o.seed, backend: ctx.backend, initialLoss, overfit, lrFind }, null, 1));
    if (!o.json) o.log(`lr plot: ${page}`);
    const trials = o.searchTrials ?? 8;
    if (trials === 0) return { initialLoss, overfit, lrFind, out };
    const search = await recipeSearch({
      ...o,
      suggested: lrFind.suggested,
      trials,
      storage: o.storage ?? DEFAULT_STORAGE,
      study: `recipe-${name}`,
      say: (step, title, verdict, extra) => say(step, title, undefined, verdict, extra),
    }, spec);
    await writeFileAtomic(join(out, 'recipe.json'), JSON.stringify({ command: 'recipe', file: resolve(o.file), seed: o.seed, backend: ctx.backend, initialLoss, overfit, lrFind, search }, null, 1));
    return { initialLoss, overfit, lrFind, search, out };
  } finally {
    disposeModel(spec.model);
  }
}
