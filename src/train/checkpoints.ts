/** The checkpoint callback: the last position for resume, and the best model by a monitored metric. */
import { join } from 'node:path';
import { InvalidArgumentError, checkNumber } from '../errors.js';
import type { Callback } from './callbacks.js';
import { createMonitor, readMonitored, type MonitorOptions } from './monitor.js';

export interface CheckpointsOptions {
  /** Directory of the files `last.tkpt` and `best.tkpt`. Required. */
  dir: string;
  /** Write `last.tkpt` every N steps; with 'epoch' (default) at each epoch end. */
  every?: 'epoch' | number;
  /**
   * Also keep `best.tkpt`, rewritten at each epoch end whose monitored metric improves
   * (e.g. { monitor: 'val_accuracy' }). Default: no best checkpoint.
   */
  best?: MonitorOptions;
}

/** What the callback wrote; read it after `fit`. */
export interface Checkpoints extends Callback {
  readonly lastPath: string;
  readonly bestPath: string;
  /** Epoch of the best checkpoint, or -1 when none was written. */
  readonly bestEpoch: number;
}

/**
 * Writes checkpoints that resume a run exactly (`fit(..., { resumeFrom: dir + '/last.tkpt' })`)
 * and, optionally, the best one by a validation metric. Each write is atomic; a checkpoint with a
 * NaN or infinite value is never written (fit stops with a NonFiniteError naming the last good one).
 * The callback is `late`: its hooks run after those of the other callbacks, so each checkpoint holds
 * their state after the step (an EMA that includes it, early-stopping counters that count the epoch).
 * Its own best value is checkpointed too (name 'checkpoints'): a resumed run overwrites `best.tkpt`
 * only with a better epoch.
 *
 * @example
 * const ckpt = checkpoints({ dir: 'runs/a', every: 500, best: { monitor: 'val_accuracy' } });
 * await fit(model, data, { optimizer, epochs: 10, callbacks: [ckpt] });
 * // later, after a crash: fit(model, data, { optimizer, epochs: 10, resumeFrom: ckpt.lastPath })
 */
export function checkpoints(options: CheckpointsOptions): Checkpoints {
  const o = { every: 'epoch' as 'epoch' | number, ...options };
  if (typeof o.dir !== 'string' || o.dir === '') throw new InvalidArgumentError('dir', o.dir, 'a directory path');
  if (o.every !== 'epoch') checkNumber('every', o.every, { min: 1, integer: true });
  const lastPath = join(o.dir, 'last.tkpt');
  const bestPath = join(o.dir, 'best.tkpt');
  let monitor = o.best === undefined ? undefined : createMonitor(o.best);
  let bestEpoch = -1;
  return {
    name: 'checkpoints',
    late: true,
    saveState: () => ({ best: monitor?.best ?? null, bestEpoch }),
    loadState(state) {
      const s = state as { best: number | null; bestEpoch: number };
      if (o.best !== undefined && s.best !== null) monitor = createMonitor({ ...o.best, initialBest: s.best });
      bestEpoch = s.bestEpoch;
    },
    lastPath,
    bestPath,
    get bestEpoch() {
      return bestEpoch;
    },
    onTrainBegin() {
      monitor = o.best === undefined ? undefined : createMonitor(o.best);
      bestEpoch = -1;
    },
    async onBatchEnd(step, _logs, ctx) {
      if (typeof o.every === 'number' && step % o.every === 0) await ctx.saveCheckpoint(lastPath);
    },
    async onEpochEnd(epoch, logs, ctx) {
      // The monitor first, so that last.tkpt holds the best value including this epoch's.
      const improved = monitor !== undefined && monitor.update(readMonitored(logs, monitor.monitor, 'checkpoints best'));
      if (improved) bestEpoch = epoch;
      if (o.every === 'epoch') await ctx.saveCheckpoint(lastPath, { logs });
      if (improved && monitor !== undefined)
        await ctx.saveCheckpoint(bestPath, { epoch, monitor: monitor.monitor, value: monitor.best, logs });
    },
  };
}
