/**
 * `trainkit worker FILE.ts --storage URL --study NAME`: one worker of a search. It imports the tune
 * file, joins the study (creating it if it is new) and runs trials until the study's budget is
 * spent, writing a progress line per finished trial. Any machine that reaches the store can run
 * one; `trainkit tune` starts several on this machine.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { TrainkitError } from '../errors.js';
import { openStore } from '../store/open.js';
import type { FrozenTrial, TrialStore } from '../store/types.js';
import { createStudy } from '../tune/create.js';
import type { TuneContext, TuneSpec } from '../tune/define.js';
import { bestOf, type Study } from '../tune/study.js';
import type { Pruner, Sampler } from '../tune/types.js';
import { chooseBackend, importDefault } from './run-file.js';

/** A sampler or pruner made for one worker, from its seed. */
export type Factory<T> = (ctx: TuneContext) => T;

export interface WorkerOptions {
  file: string;
  /** A store URL, or a store this process already opened (`tune` with `memory:`). */
  storage: string | TrialStore;
  study: string;
  /** The study's trial budget. Default: the one `tune` recorded in the study, else none. */
  trials?: number;
  timeoutS?: number;
  /** Trials at once in this process. Default 1. */
  concurrency?: number;
  /** From `--sampler` / `--pruner`: wins over the tune file's. */
  sampler?: Factory<Sampler>;
  pruner?: Factory<Pruner>;
  seed?: number;
  backend?: string;
  log: (line: string) => void;
  /** Progress as aligned text (a terminal) or JSON lines. Default: process.stdout.isTTY. */
  isTTY?: boolean;
  /** Aborting it (Ctrl-C) fails the running trials and ends the worker. */
  signal?: AbortSignal;
}

/** The exit status of an interrupted command (128 + SIGINT). */
export const INTERRUPTED = 130;

/** Imports FILE and checks its default export is `defineTune({ objective, ... })`. */
export async function loadTuneFile(file: string): Promise<TuneSpec> {
  const path = resolve(file);
  if (!existsSync(path)) throw new TrainkitError(`Tune file not found: ${file}`);
  const spec = (await importDefault(path)) as Partial<TuneSpec> | undefined;
  const shape = 'defineTune({ objective(trial) { ... return value; }, direction?, sampler?, pruner? })';
  if (spec === null || typeof spec !== 'object') throw new TrainkitError(`${file} must have a default export ${shape}; found ${spec === null ? 'null' : typeof spec}`);
  if (typeof spec.objective !== 'function') throw new TrainkitError(`${file}: the tune definition has no objective function; expected ${shape}`);
  if (spec.direction !== undefined && spec.direction !== 'minimize' && spec.direction !== 'maximize')
    throw new TrainkitError(`${file}: direction must be 'minimize' or 'maximize' (got ${JSON.stringify(spec.direction)})`);
  return spec as TuneSpec;
}

/** A provided sampler or pruner (an object, or a factory of the worker's seed). */
function provide<T>(given: T | Factory<T> | undefined, ctx: TuneContext): T | undefined {
  return typeof given === 'function' ? (given as Factory<T>)(ctx) : given;
}

/**
 * The study a tune file's workers share, created in `store` unless it exists: the sampler and
 * pruner are the command line's (`--sampler`, `--pruner` factories), else the tune file's, else the
 * study's defaults; each is made for this worker's seed.
 */
export function openTuneStudy(
  store: TrialStore,
  spec: TuneSpec,
  o: { study: string; seed?: number; sampler?: Factory<Sampler>; pruner?: Factory<Pruner> },
): Promise<Study> {
  const ctx: TuneContext = o.seed === undefined ? {} : { seed: o.seed };
  const sampler = o.sampler?.(ctx) ?? provide(spec.sampler, ctx);
  const pruner = o.pruner?.(ctx) ?? provide(spec.pruner, ctx);
  return createStudy({
    name: o.study,
    storage: store,
    direction: spec.direction ?? 'minimize',
    loadIfExists: true,
    ...(sampler === undefined ? {} : { sampler }),
    ...(pruner === undefined ? {} : { pruner }),
  });
}

/**
 * Runs one worker (see the module comment). Returns the exit status: 0, or INTERRUPTED when
 * `signal` aborted it. Throws TrainkitError for a bad file, store or study.
 *
 * @example
 * await runWorker({ file: 'tune-mlp.ts', storage: 'sqlite:./trainkit.db', study: 'mlp', log: console.log });
 */
export async function runWorker(o: WorkerOptions): Promise<number> {
  const store = typeof o.storage === 'string' ? await openStore(o.storage) : o.storage;
  try {
    await chooseBackend(o.backend);
    const spec = await loadTuneFile(o.file);
    const study = await openTuneStudy(store, spec, o);
    const recorded = (await study.userAttrs()).trials;
    const trials = o.trials ?? (typeof recorded === 'number' ? recorded : undefined);
    const isTTY = o.isTTY ?? process.stdout.isTTY === true;
    await study.optimize(spec.objective, {
      ...(trials === undefined ? {} : { trials }),
      ...(o.timeoutS === undefined ? {} : { timeoutS: o.timeoutS }),
      concurrency: o.concurrency ?? 1,
      ...(o.signal === undefined ? {} : { signal: o.signal }),
      onTrialEnd: async (trial) => {
        o.log(trialLine(trial, bestOf(await study.trials(), study.direction), isTTY));
      },
    });
    if (o.signal?.aborted) {
      o.log(isTTY ? `worker ${study.worker}: interrupted; its running trials were recorded as failed` : JSON.stringify({ event: 'interrupted', worker: study.worker }));
      return INTERRUPTED;
    }
    return 0;
  } finally {
    if (typeof o.storage === 'string') await store.close();
  }
}

const num = (x: number | undefined): string => (x === undefined ? '-' : Number.isFinite(x) ? String(+x.toPrecision(6)) : String(x));

/**
 * One finished trial, as a line: aligned text for a terminal, else one JSON object
 * `{ trial, state, value?, best?, bestTrial?, params, failReason?, worker }`.
 */
export function trialLine(trial: FrozenTrial, best: FrozenTrial | undefined, isTTY: boolean): string {
  if (!isTTY)
    return JSON.stringify({
      trial: trial.number,
      state: trial.state,
      ...(trial.value === undefined ? {} : { value: trial.value }),
      ...(best === undefined ? {} : { best: best.value, bestTrial: best.number }),
      params: trial.params,
      ...(trial.state === 'failed' ? { failReason: trial.userAttrs.failReason } : {}),
      worker: trial.worker,
    });
  const params = Object.entries(trial.params)
    .map(([k, v]) => `${k}=${typeof v === 'number' ? num(v) : JSON.stringify(v)}`)
    .join(' ');
  const outcome = trial.state === 'failed' ? `(${String(trial.userAttrs.failReason ?? 'failed')})` : `value ${num(trial.value)}`;
  const bestText = best === undefined ? 'best -' : `best ${num(best.value)} (trial ${best.number})`;
  return `trial ${String(trial.number).padStart(4)}  ${trial.state.padEnd(8)}  ${outcome}  ${bestText}  ${params}`;
}

/**
 * An AbortSignal for Ctrl-C: the first SIGINT or SIGTERM (or the parent `tune` going away) aborts
 * it, so the worker records its running trials as failed and exits; a second signal exits at once.
 * Call the returned `dispose` when the command ends.
 */
export function interruptSignal(): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const onSignal = (): void => {
    if (controller.signal.aborted) process.exit(INTERRUPTED);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('disconnect', onSignal);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      process.off('disconnect', onSignal);
    },
  };
}
