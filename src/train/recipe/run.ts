/**
 * A run definition: what `trainkit train | lr-find | recipe FILE.ts` trains. FILE's default
 * export is `defineRun(factory)`; the command calls the factory once, after it has chosen the
 * backend, with the command line's seed, epochs and example limit, and trains what it returns.
 */
import type { Augmentation } from '../../augment/types.js';
import type { ArrayDataset } from '../../data/dataset.js';
import type { Penalty } from '../../regularize/penalty.js';
import type { GradientTransformation } from '../../optim/transform.js';
import type { ScalarOrSchedule } from '../../schedules/schedule.js';
import type { Callback } from '../callbacks.js';
import type { EmaOptions } from '../ema.js';
import type { Loss, LossName } from '../losses.js';
import type { Metric, MetricName } from '../metrics.js';
import type { Model } from '../model.js';

/** What the command line passes to a run's factory. */
export interface RunContext {
  /** `--seed` (default 0): seed the model's initialisers and anything random with it. */
  seed: number;
  /** `--epochs`, when given: size the schedule with it (the command trains this many epochs). */
  epochs?: number;
  /** `--limit`, when given: use at most this many examples of each split (quick runs, tests). */
  limit?: number;
  /** The backend in use ('wasm', 'cpu', ...). */
  backend: string;
}

/** What a run trains. */
export interface RunSpec {
  /** Shown in reports. Default: the file's name. */
  name?: string;
  /** A tf.LayersModel (saved under out/model/ in LayersModel format) or a functional model. */
  model: Model;
  /** `train` is trained on; `validation` is evaluated every epoch; `test` once at the end. */
  data: { train: ArrayDataset; validation?: ArrayDataset; test?: ArrayDataset };
  /**
   * The optimizer for a learning rate: `train` calls it with `learningRate`, `lr-find` with its sweep,
   * `recipe`'s searches with each trial's rate and `{ weightDecay }` (honour it to let them search it).
   */
  optimizer: (learningRate: ScalarOrSchedule, hyperparameters?: { weightDecay?: number }) => GradientTransformation<any>;
  /** The learning rate (a number or a schedule of the step). */
  learningRate: ScalarOrSchedule;
  /** Default 10 (`--epochs` overrides it). */
  epochs?: number;
  /** Default 32. */
  batchSize?: number;
  /** Default 'softmaxCrossEntropy'. */
  loss?: Loss | LossName;
  /** Default ['accuracy']. */
  metrics?: Array<Metric | MetricName>;
  /** Extra callbacks (early stopping, checkpoints, ...). Default []. */
  callbacks?: Callback[];
  /** Keep an EMA of the weights (evaluated and saved apart, under out/model-ema/). Default: none. */
  ema?: EmaOptions;
  /** A logging step (raw loss, lr, gradient norm in run.json and the report) every N steps. Default 10. */
  logEvery?: number;
  /**
   * Applied to every training batch (`fit`'s `augment`: never to validation or test), by `train`,
   * `lr-find` and `recipe`'s range test and searches; `recipe`'s first two checks (the loss at
   * initialisation, overfitting a few examples) run without it. E.g.
   * `compose(flipLeftRight(), randomCrop({ size: [28, 28], padding: 2 }))`. Default: none.
   */
  augment?: Augmentation;
  /**
   * A term added to the training loss (`fit`'s `penalty`, e.g. `l2Penalty({ lambda: 1e-4 })`), used
   * where `augment` is; not in validation or test losses. Default: none.
   */
  penalty?: Penalty;
}

/** The factory a run file exports. */
export type RunDefinition = (ctx: RunContext) => RunSpec | Promise<RunSpec>;

/**
 * Marks a run file's default export (an identity function that gives the factory its type).
 *
 * @example
 * // examples/my-run.ts — trainkit train examples/my-run.ts --epochs 3
 * export default defineRun(async ({ seed, epochs = 5, limit }) => ({
 *   model: makeModel(seed),
 *   data: { train: await fashionMnist({ split: 'train', limit }), test: await fashionMnist({ split: 'test', limit }) },
 *   optimizer: (learningRate) => adamw({ learningRate, weightDecay: 0.01 }),
 *   learningRate: 1e-3,
 *   epochs,
 *   augment: compose(flipLeftRight(), randomCrop({ size: [28, 28], padding: 2 })), // optional
 *   penalty: l2Penalty({ lambda: 1e-4 }),                                          // optional
 * }));
 */
export function defineRun(factory: RunDefinition): RunDefinition {
  return factory;
}
