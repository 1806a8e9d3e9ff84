/**
 * `trainkit train … --storage URL [--study NAME]`: a single run recorded as a one-trial study, so
 * the dashboard shows it like any search trial (its curves, its diagnosis).
 *
 * Decisions:
 * - Through the tune layer, as a worker would: `createStudy({ loadIfExists })`, a trial, tuneReport's
 *   recording of every epoch (without pruning: a run is not a search), and `tell` with the final
 *   monitored value ('val_loss' with validation data, else 'loss'; the study minimises it), or
 *   failed with the error's name and message when training throws (after writing the unfinished
 *   epoch's steps, so a diverging run shows how it diverged).
 * - The default study name is the run file's base name and the start time, so every run is a new
 *   study; `--study NAME` gathers runs in one (each run, a resumed one too, is one more trial).
 * - The hyperparameters the command knows (epochs, batch size, a constant learning rate, seed, ...)
 *   are the trial's params: the study enqueues them and the run claims that trial, so the cards show
 *   them as a search trial's. They have no distribution (nothing was sampled). What is not a
 *   hyperparameter (the file, the backend, the number of classes for the diagnosis' chance level) is
 *   kept as user attributes.
 */
import { basename, extname } from 'node:path';
import { TrainkitError } from '../errors.js';
import { openStore, redactUrl } from '../store/open.js';
import type { AttrValue, ParamValue } from '../store/types.js';
import type { Callback } from '../train/callbacks.js';
import { createStudy } from '../tune/create.js';
import { noPruner } from '../tune/pruners/nop.js';
import type { Study } from '../tune/study.js';
import { tuneReport } from '../tune/tune-report.js';

export interface RunStudyOptions {
  /** The store URL. */
  storage: string;
  /** The study's name. Default: the run file's base name and the time, e.g. 'fashion-mnist-mlp-20250102-150405'. */
  study?: string;
  /** The run file (for the default name). */
  file: string;
  /** The epoch log reported and told: 'val_loss' or 'loss'. */
  monitor: string;
  params: Record<string, ParamValue>;
  userAttrs: Record<string, AttrValue>;
  /** The clock, for the default name. Default: now. */
  now?: Date;
}

/** A run being recorded: the callback to train with, and how to end it. */
export interface RunStudy {
  study: string;
  trial: number;
  /** tuneReport's callback (every epoch reported and recorded, never pruned). */
  callback: Callback;
  /** Completes the trial with `value` (NaN or missing: failed) and closes the store. */
  complete(value: number | undefined): Promise<void>;
  /** Records the unfinished epoch, fails the trial with the error's name and message, and closes the store. */
  fail(error: unknown): Promise<void>;
}

const sameParams = (a: Record<string, ParamValue>, b: Record<string, ParamValue>): boolean =>
  Object.keys(a).length === Object.keys(b).length && Object.entries(b).every(([k, v]) => Object.hasOwn(a, k) && a[k] === v);

/** The default study name: FILE's base name and the time as YYYYMMDD-HHMMSS (UTC). */
export function defaultStudyName(file: string, now: Date = new Date()): string {
  const stamp = now.toISOString().replace(/\.\d+Z$/, '').replace(/[-:]/g, '').replace('T', '-');
  return `${basename(file, extname(file))}-${stamp}`;
}

/**
 * Opens (or creates) the study in the store and starts the run's trial with its params and user
 * attributes. Throws TrainkitError when the store cannot be opened, and when the trial the study
 * handed out is not this run's (another process had enqueued one in the same study).
 */
export async function startRunStudy(o: RunStudyOptions): Promise<RunStudy> {
  const name = o.study ?? defaultStudyName(o.file, o.now);
  const store = await openStore(o.storage);
  let study: Study;
  try {
    study = await createStudy({ name, storage: store, direction: 'minimize', loadIfExists: true, pruner: noPruner() });
    await study.enqueue(o.params);
  } catch (e) {
    await store.close();
    throw e;
  }
  const trial = await study.ask();
  const end = async (result: Parameters<Study['tell']>[1]): Promise<void> => {
    try {
      await study.tell(trial, result);
    } finally {
      await store.close();
    }
  };
  if (!sameParams(trial.params, o.params)) {
    await end({ state: 'failed', reason: 'trainkit train claimed a trial another process had enqueued; it was not run' });
    throw new TrainkitError(`study ${JSON.stringify(name)} in ${redactUrl(o.storage)} had a waiting trial of its own; record the run in another study (--study NAME)`);
  }
  for (const [key, value] of Object.entries(o.userAttrs)) await trial.setUserAttr(key, value);
  const callback = tuneReport(trial, { monitor: o.monitor });
  return {
    study: name,
    trial: trial.number,
    callback,
    complete: (value) => end(value === undefined ? { state: 'failed', reason: `the run logged no ${o.monitor}` } : value),
    fail: async (error) => {
      try {
        await callback.flush();
      } finally {
        await end({ state: 'failed', reason: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
      }
    },
  };
}
