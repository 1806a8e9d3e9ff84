/**
 * `tuneReport`: the bridge from `fit` to a trial. A callback that reports the monitored value at
 * each epoch's end and stops training when the study's pruner says so, so that an objective
 * plugs `fit` into a search without glue.
 */
import { InvalidArgumentError } from '../errors.js';
import type { Callback, Logs, TrainContext } from '../train/callbacks.js';
import type { Trial } from './trial.js';

export interface TuneReportOptions {
  /** The epoch log reported (e.g. 'val_loss', 'val_accuracy', 'loss'). Default 'val_loss'. */
  monitor?: string;
}

/** The callback, and whether it stopped training because the trial should be pruned. */
export interface TuneReportCallback extends Callback {
  /** True once the pruner said to stop (training then ends after that epoch). */
  readonly pruned: boolean;
}

const DEFAULTS: Required<TuneReportOptions> = { monitor: 'val_loss' };

/**
 * A fit callback that, at the end of every epoch, reports `logs[monitor]` as the trial's
 * intermediate value at step = epoch (`trial.report(logs[monitor], epoch)`), then asks
 * `trial.shouldPrune()`; when the answer is yes it stops training (`ctx.stop`) and sets `pruned`.
 * `fit` then returns normally, and the objective must throw `TrialPruned` so the trial is recorded
 * pruned (with the last reported value): `if (cb.pruned) throw new TrialPruned();`.
 * A monitor missing from the epoch's logs is an InvalidArgumentError naming the logs there are.
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
  const { monitor } = { ...DEFAULTS, ...options };
  if (typeof monitor !== 'string' || monitor.length === 0) throw new InvalidArgumentError('monitor', monitor, "the name of an epoch log, e.g. 'val_loss'");
  let pruned = false;
  return {
    name: 'tuneReport',
    get pruned() {
      return pruned;
    },
    async onEpochEnd(epoch: number, logs: Logs, ctx: TrainContext) {
      const value = logs[monitor];
      if (value === undefined)
        throw new InvalidArgumentError('monitor', monitor, `one of this epoch's logs: ${Object.keys(logs).map((k) => JSON.stringify(k)).join(', ')} (val_* need validation data)`);
      await trial.report(value, epoch);
      if (await trial.shouldPrune()) {
        pruned = true;
        ctx.stop(`trial ${trial.number} pruned at epoch ${epoch} (${monitor} ${value})`);
      }
    },
  };
}
