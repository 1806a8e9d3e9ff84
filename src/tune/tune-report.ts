/**
 * `tuneReport`: the bridge from `fit` to a trial. A callback that reports the monitored value at
 * each epoch's end and stops training when the study's pruner says so, so that an objective
 * plugs `fit` into a search without glue.
 *
 * It also records the run's curves for the dashboard and the diagnosis (report/curves.ts): at each
 * epoch's end one user attribute `epoch:<n>` holding the epoch's logs and its logging steps (loss,
 * learning rate, and the median update/parameter ratio over the weights of rank >= 2, i.e. not biases).
 * Decisions: the steps are collected from what `fit` already read at its logging steps (no extra
 * host sync) and written once per epoch (one store write per epoch, not per step); an epoch left
 * unfinished (a stop mid-epoch, or `flush()` after training threw) is written with its steps and
 * `partial: true`, so a diverging run still shows the steps it made before it failed.
 */
import { InvalidArgumentError } from '../errors.js';
import { EPOCH_ATTR_PREFIX, type EpochRecord } from '../report/curves.js';
import type { Callback, Logs, StepLogs, TrainContext } from '../train/callbacks.js';
import { treeLeavesWithPaths } from '../tree/tree.js';
import type { Trial } from './trial.js';

export interface TuneReportOptions {
  /** The epoch log reported (e.g. 'val_loss', 'val_accuracy', 'loss'). Default 'val_loss'. */
  monitor?: string;
  /** Record each epoch's logs and logging steps as the trial's user attribute `epoch:<n>`. Default true. */
  record?: boolean;
}

/** The callback, and whether it stopped training because the trial should be pruned. */
export interface TuneReportCallback extends Callback {
  /** True once the pruner said to stop (training then ends after that epoch). */
  readonly pruned: boolean;
  /**
   * Writes the logging steps of an epoch that did not finish (training threw mid-epoch) as that
   * epoch's record, marked `partial`; nothing when there are none or `record` is off. Call it
   * where the objective catches a failed `fit`, before the trial is failed.
   */
  flush(): Promise<void>;
}

const DEFAULTS: Required<TuneReportOptions> = { monitor: 'val_loss', record: true };

/**
 * The median of the finite update ratios of the weights `include` accepts (null when there are
 * none): tuneReport's summary of a logging step's per-weight ratios.
 */
export function medianUpdateRatio(ratios: Record<string, number> | undefined, include: (weight: string) => boolean = () => true): number | null {
  if (ratios === undefined) return null;
  const values = Object.entries(ratios)
    .filter(([weight, r]) => include(weight) && Number.isFinite(r))
    .map(([, r]) => r)
    .sort((a, b) => a - b);
  if (values.length === 0) return null;
  const mid = values.length >> 1;
  return values.length % 2 === 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
}

/**
 * Which weights' ratios count: those of rank >= 2 (kernels, embeddings), as weight decay's default
 * mask. Biases and normalisation gains (rank <= 1) start at 0 or 1, so their ratio says nothing
 * of the learning rate early on. A model with no weight of rank >= 2 counts all of them.
 */
function matrixWeights(ctx: TrainContext): (weight: string) => boolean {
  const leaves = treeLeavesWithPaths(ctx.model.trainable());
  const matrices = new Set(leaves.filter(([, t]) => t.rank >= 2).map(([path]) => path));
  return matrices.size === 0 ? () => true : (weight) => matrices.has(weight);
}

type Steps = NonNullable<EpochRecord['steps']>;
const noSteps = (): Steps => ({ step: [], loss: [], lr: [], updateRatio: [] });

/**
 * A fit callback that, at the end of every epoch, reports `logs[monitor]` as the trial's
 * intermediate value at step = epoch (`trial.report(logs[monitor], epoch)`), then asks
 * `trial.shouldPrune()`; when the answer is yes it stops training (`ctx.stop`) and sets `pruned`.
 * `fit` then returns normally, and the objective must throw `TrialPruned` so the trial is recorded
 * pruned (with the last reported value): `if (cb.pruned) throw new TrialPruned();`.
 * A monitor missing from the epoch's logs is an InvalidArgumentError naming the logs there are.
 * Unless `record: false`, each epoch's logs and logging steps are written first, as the trial's
 * user attribute `epoch:<n>` (see the module comment; `curvesOf` reads them back).
 *
 * @example
 * const study = await createStudy({ name: 'mlp', pruner: medianPruner() });
 * await study.optimize(async (trial) => {
 *   const lr = await trial.suggestFloat('lr', 1e-4, 1e-1, { log: true });
 *   const cb = tuneReport(trial, { monitor: 'val_loss' });
 *   const history = await fit(makeModel(), { train, validation }, { optimizer: adam({ learningRate: lr }), epochs: 20, callbacks: [cb] });
 *   if (cb.pruned) throw new TrialPruned();
 *   return history.epochs.at(-1)!.logs.val_loss;
 * }, { trials: 30 });
 */
export function tuneReport(trial: Trial, options: TuneReportOptions = {}): TuneReportCallback {
  const { monitor, record } = { ...DEFAULTS, ...options };
  if (typeof monitor !== 'string' || monitor.length === 0) throw new InvalidArgumentError('monitor', monitor, "the name of an epoch log, e.g. 'val_loss'");
  if (typeof record !== 'boolean') throw new InvalidArgumentError('record', record, 'true or false');
  let pruned = false;
  // The current epoch's logging steps, and the epoch they belong to.
  let steps = noSteps();
  let epochOfSteps = -1;
  let lastStep = 0;
  let include: (weight: string) => boolean = () => true;
  const write = (epoch: number, value: EpochRecord): Promise<void> => trial.setUserAttr(`${EPOCH_ATTR_PREFIX}${epoch}`, value);
  const flush = async (): Promise<void> => {
    if (!record || steps.step.length === 0) return;
    const partial: EpochRecord = { step: lastStep, logs: {}, steps, partial: true };
    const epoch = epochOfSteps;
    steps = noSteps();
    await write(epoch, partial);
  };
  return {
    name: 'tuneReport',
    get pruned() {
      return pruned;
    },
    flush,
    onTrainBegin(ctx: TrainContext) {
      steps = noSteps();
      if (record) include = matrixWeights(ctx);
    },
    onBatchEnd(step: number, logs: StepLogs) {
      lastStep = step;
      if (!record || !logs.logged) return;
      if (logs.epoch !== epochOfSteps) {
        steps = noSteps();
        epochOfSteps = logs.epoch;
      }
      steps.step.push(step);
      steps.loss.push(logs.loss ?? null);
      steps.lr.push(logs.lr ?? null);
      steps.updateRatio.push(medianUpdateRatio(logs.updateRatio, include));
    },
    async onEpochEnd(epoch: number, logs: Logs, ctx: TrainContext) {
      const value = logs[monitor];
      if (value === undefined)
        throw new InvalidArgumentError('monitor', monitor, `one of this epoch's logs: ${Object.keys(logs).map((k) => JSON.stringify(k)).join(', ')} (val_* need validation data)`);
      if (record) {
        const mine = epochOfSteps === epoch && steps.step.length > 0 ? steps : undefined;
        steps = noSteps();
        await write(epoch, { step: ctx.position().step, logs: { ...logs }, ...(mine === undefined ? {} : { steps: mine }) });
      }
      await trial.report(value, epoch);
      if (await trial.shouldPrune()) {
        pruned = true;
        ctx.stop(`trial ${trial.number} pruned at epoch ${epoch} (${monitor} ${value})`);
      }
    },
    // A stop mid-epoch (another callback's) leaves that epoch's steps: they are recorded too.
    onTrainEnd: flush,
  };
}
