/**
 * The recipe's steps 4 and 5 (`trainkit recipe`, after the range test): a coarse search, then a
 * refined one, each into a study of the store.
 *
 * 4. Coarse: random search ("random beats grid") over the learning rate, log-uniform in a decade
 *    either side of the range test's suggestion, × the weight decay in {1e-4, 1e-5, 0}, each trial
 *    trained for `coarseEpochs` (default 1) from a fresh model.
 * 5. Refined: TPE around the best coarse trial — the rate within a factor 3 of it, the weight decay
 *    among it and its neighbours a factor 3 away (0 has 0, 1e-6 and 1e-5) — each trial trained
 *    twice as long.
 * The run's model is trained in place; every trial starts from the model's initial weights, so trials differ
 * by their hyperparameters only. Trials score the last epoch's validation loss (the training loss when the run has no validation
 * set); the median pruner stops hopeless ones after each epoch. The learning rate is constant during
 * a trial (the run's schedule is not used), so what a trial measures is the rate itself.
 *
 * The run file's optimizer factory receives the weight decay as its second argument:
 * `optimizer: (learningRate, { weightDecay = 1e-4 } = {}) => adamw({ learningRate, weightDecay })`.
 * A factory that ignores it searches the learning rate alone (each decay then scores alike).
 */
import * as tf from '@tensorflow/tfjs-core';
import { fit } from '../train/fit.js';
import { adaptModel } from '../train/model.js';
import type { RunSpec } from '../train/recipe/run.js';
import { TrialPruned } from '../tune/errors.js';
import { createStudy } from '../tune/create.js';
import { medianPruner } from '../tune/pruners/median.js';
import { randomSampler } from '../tune/samplers/random.js';
import { tpeSampler } from '../tune/samplers/tpe.js';
import { tuneReport } from '../tune/tune-report.js';
import type { Study } from '../tune/study.js';
import type { FrozenTrial } from '../store/types.js';
import type { RunFileOptions } from './run-file.js';

export interface RecipeSearchOptions extends RunFileOptions {
  /** The range test's suggested rate: the centre of the coarse search. */
  suggested: number;
  /** Trials of the coarse search; the refined one runs half as many (rounded up). */
  trials: number;
  /** Epochs of each coarse trial (refined trials train twice as long). Default 1. */
  coarseEpochs?: number;
  /** The store (a URL). */
  storage: string;
  /** Study names are `${study}-coarse` and `${study}-refined`. */
  study: string;
  say: (step: number, title: string, verdict: string, extra: object) => void;
}

/** The best configuration each step found. */
export interface RecipeSearchResult {
  coarse: { learningRate: number; weightDecay: number; value: number; trials: number };
  refined: { learningRate: number; weightDecay: number; value: number; trials: number };
}

const DECAYS = [1e-4, 1e-5, 0];

/** The weight decays a factor 3 either side of `wd`, to 3 significant digits (0 stays with its small neighbours). */
export function decayNeighbours(wd: number): number[] {
  return wd === 0 ? [0, 1e-6, 1e-5] : [wd / 3, wd, wd * 3].map((x) => +x.toPrecision(3));
}

/** The run, loaded once: every trial starts from the model's initial weights (the same start for all). */
interface SearchRun {
  spec: RunSpec;
  initial: tf.Tensor[];
}

async function runStage(
  o: RecipeSearchOptions,
  run: SearchRun,
  study: Study,
  space: { lr: [number, number]; decays: number[] },
  epochs: number,
  trials: number,
): Promise<FrozenTrial> {
  const { spec } = run;
  await study.optimize(async (trial) => {
    const learningRate = await trial.suggestFloat('learningRate', space.lr[0], space.lr[1], { log: true });
    const weightDecay = Number(await trial.suggestCategorical('weightDecay', space.decays));
    adaptModel(spec.model).setWeights(run.initial);
    const monitor = spec.data.validation === undefined ? 'loss' : 'val_loss';
    const report = tuneReport(trial, { monitor });
    const history = await fit(spec.model, { train: spec.data.train, ...(spec.data.validation === undefined ? {} : { validation: spec.data.validation }) }, {
      optimizer: spec.optimizer(learningRate, { weightDecay }),
      epochs,
      batchSize: spec.batchSize ?? 32,
      ...(spec.loss === undefined ? {} : { loss: spec.loss }),
      ...(spec.augment === undefined ? {} : { augment: spec.augment }),
      ...(spec.penalty === undefined ? {} : { penalty: spec.penalty }),
      seed: o.seed,
      verbose: 'silent',
      callbacks: [report],
    });
    if (report.pruned) throw new TrialPruned();
    return history.epochs.at(-1)!.logs[monitor];
  }, { trials });
  const best = await study.bestTrial();
  if (best === undefined) throw new Error(`${study.name}: no trial completed`);
  return best;
}

/**
 * Runs steps 4 and 5 (see the module comment) on the run `spec` (its model's weights are restored
 * afterwards) and says what each found.
 */
export async function recipeSearch(o: RecipeSearchOptions, spec: RunSpec): Promise<RecipeSearchResult> {
  const run: SearchRun = { spec, initial: adaptModel(spec.model).weights().map(([, t]) => tf.clone(t)) };
  try {
    return await search(o, run);
  } finally {
    adaptModel(spec.model).setWeights(run.initial);
    tf.dispose(run.initial);
  }
}

async function search(o: RecipeSearchOptions, run: SearchRun): Promise<RecipeSearchResult> {
  const coarseEpochs = o.coarseEpochs ?? 1;
  const coarseStudy = await createStudy({
    name: `${o.study}-coarse`,
    storage: o.storage,
    direction: 'minimize',
    sampler: randomSampler({ seed: o.seed }),
    pruner: medianPruner(),
    loadIfExists: true,
  });
  const c = await runStage(o, run, coarseStudy, { lr: [o.suggested / 10, o.suggested * 10], decays: DECAYS }, coarseEpochs, o.trials);
  const coarse = { learningRate: c.params.learningRate as number, weightDecay: Number(c.params.weightDecay), value: c.value!, trials: o.trials };
  o.say(4, `coarse search (${o.trials} trials × ${coarseEpochs} epoch${coarseEpochs === 1 ? '' : 's'}, random)`,
    `best lr ${coarse.learningRate.toExponential(2)}, weight decay ${coarse.weightDecay}: loss ${coarse.value.toFixed(4)} (study ${coarseStudy.name})`, { best: coarse });

  const refinedTrials = Math.ceil(o.trials / 2);
  const refinedStudy = await createStudy({
    name: `${o.study}-refined`,
    storage: o.storage,
    direction: 'minimize',
    sampler: tpeSampler({ seed: o.seed, startupTrials: Math.max(1, Math.floor(refinedTrials / 2)) }),
    pruner: medianPruner(),
    loadIfExists: true,
  });
  const r = await runStage(o, run, refinedStudy, { lr: [coarse.learningRate / 3, coarse.learningRate * 3], decays: decayNeighbours(coarse.weightDecay) }, 2 * coarseEpochs, refinedTrials);
  const refined = { learningRate: r.params.learningRate as number, weightDecay: Number(r.params.weightDecay), value: r.value!, trials: refinedTrials };
  o.say(5, `refined search (${refinedTrials} trials × ${2 * coarseEpochs} epochs, TPE)`,
    `best lr ${refined.learningRate.toExponential(2)}, weight decay ${refined.weightDecay}: loss ${refined.value.toFixed(4)} (study ${refinedStudy.name}); ` +
      `train fully with learningRate ${refined.learningRate.toExponential(2)} (peak of your schedule) and weightDecay ${refined.weightDecay}`,
    { best: refined });
  return { coarse, refined };
}
