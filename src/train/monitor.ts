/** Watching a logged metric for improvement: shared by early stopping, best checkpoints and plateaus. */
import { InvalidArgumentError, checkNumber } from '../errors.js';

export interface MonitorOptions {
  /** The logged key to watch, e.g. 'val_loss', 'val_accuracy', 'loss'. Default 'val_loss'. */
  monitor?: string;
  /** 'min', 'max', or 'auto' (max for names containing 'acc' or 'top', min otherwise). Default 'auto'. */
  mode?: 'min' | 'max' | 'auto';
  /** An improvement must beat the best by more than this (absolute). Default 0. */
  minDelta?: number;
  /** The best value to start from (a resumed run's). Default: ±Infinity, so the first value improves. */
  initialBest?: number;
}

/** Tracks the best value of a metric. */
export interface Monitor {
  readonly monitor: string;
  readonly mode: 'min' | 'max';
  /** The best value so far (±Infinity before the first). */
  readonly best: number;
  /** True when `value` improves on the best by more than minDelta; then it becomes the best. */
  update(value: number): boolean;
}

/** Builds a monitor from options (defaults filled, checked). */
export function createMonitor(options: MonitorOptions = {}): Monitor {
  const o = { monitor: 'val_loss', mode: 'auto' as const, minDelta: 0, ...options };
  if (typeof o.monitor !== 'string' || o.monitor === '') throw new InvalidArgumentError('monitor', o.monitor, "a logged metric's name, e.g. 'val_loss'");
  if (!['min', 'max', 'auto'].includes(o.mode)) throw new InvalidArgumentError('mode', o.mode, "'min', 'max' or 'auto'");
  checkNumber('minDelta', o.minDelta, { min: 0 });
  const mode: 'min' | 'max' = o.mode === 'auto' ? (/acc|top/.test(o.monitor) ? 'max' : 'min') : o.mode;
  let best = o.initialBest ?? (mode === 'min' ? Infinity : -Infinity);
  return {
    monitor: o.monitor,
    mode,
    get best() {
      return best;
    },
    update(value) {
      const better = mode === 'min' ? value < best - o.minDelta : value > best + o.minDelta;
      if (better) best = value;
      return better;
    },
  };
}

/** The monitored value from logs; throws, listing the keys there are, when it is missing. */
export function readMonitored(logs: Record<string, number>, monitor: string, who: string): number {
  const v = logs[monitor];
  if (v === undefined)
    throw new InvalidArgumentError(`${who} monitor`, monitor, `one of the logged keys: ${Object.keys(logs).join(', ') || '(none: is there validation data?)'}`);
  return v;
}
