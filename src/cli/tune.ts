/**
 * `trainkit tune FILE.ts --storage URL --study NAME --trials N --workers K`: a search on this
 * machine. It checks the arguments, opens the store, creates the study (recording the trial
 * budget, so workers that join later know it), starts K worker processes (`trainkit worker`) and
 * waits for them; then prints the study's outcome. With `--storage memory:` (a store that lives in
 * one process) the K workers are K concurrent loops of this process instead.
 *
 * Ctrl-C: each worker records its running trials as failed and exits (a second Ctrl-C exits at
 * once); the store never holds a half-written trial, because every trial ends in one write.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TrainkitError } from '../errors.js';
import { openStore } from '../store/open.js';
import { PRUNERS, SAMPLERS, type PrunerName, type SamplerName } from '../tune/registry.js';
import type { Pruner, Sampler } from '../tune/types.js';
import { chooseBackend } from './run-file.js';
import { INTERRUPTED, loadTuneFile, openTuneStudy, runWorker, type Factory } from './worker.js';

/** `--sampler` names and the registry entries they stand for. */
export const SAMPLER_FLAGS: Record<string, SamplerName> = { tpe: 'tpeSampler', random: 'randomSampler', grid: 'gridSampler' };
/** `--pruner` names and the registry entries they stand for. */
export const PRUNER_FLAGS: Record<string, PrunerName> = {
  median: 'medianPruner',
  asha: 'successiveHalvingPruner',
  hyperband: 'hyperbandPruner',
  none: 'noPruner',
};

function fromFlag<T>(option: string, name: string, flags: Record<string, string>, registry: Record<string, Factory<T>>): Factory<T> {
  const entry = flags[name];
  if (entry === undefined) throw new TrainkitError(`Invalid ${option}: ${JSON.stringify(name)} (expected one of ${Object.keys(flags).join(', ')})`);
  return registry[entry];
}

/** The sampler factory a `--sampler` name stands for; a TrainkitError for an unknown or missing one. */
export const samplerFlag = (name: string): Factory<Sampler> => fromFlag('--sampler', name, SAMPLER_FLAGS, SAMPLERS);
/** The pruner factory a `--pruner` name stands for; a TrainkitError for an unknown or missing one. */
export const prunerFlag = (name: string): Factory<Pruner> => fromFlag('--pruner', name, PRUNER_FLAGS, PRUNERS);

export interface TuneOptions {
  file: string;
  storage: string;
  study: string;
  /** Worker processes (or, with memory:, concurrent loops). */
  workers: number;
  trials?: number;
  timeoutS?: number;
  /** `--sampler` / `--pruner` names (SAMPLER_FLAGS, PRUNER_FLAGS). */
  sampler?: string;
  pruner?: string;
  /** Worker i gets seed + i, so parallel workers draw different points. */
  seed?: number;
  backend?: string;
  log: (line: string) => void;
  isTTY?: boolean;
  signal?: AbortSignal;
}

/** The command line of worker `index` (the storage URL travels in the environment: it may hold a password). */
export function workerArgs(o: TuneOptions, index: number): string[] {
  const opt = (flag: string, value: string | number | undefined): string[] => (value === undefined ? [] : [flag, String(value)]);
  return [
    'worker',
    o.file,
    ...opt('--study', o.study),
    ...opt('--trials', o.trials),
    ...opt('--timeout', o.timeoutS),
    ...opt('--sampler', o.sampler),
    ...opt('--pruner', o.pruner),
    ...opt('--seed', o.seed === undefined ? undefined : o.seed + index),
    ...opt('--backend', o.backend),
    ...(o.isTTY === false ? ['--json'] : []),
  ];
}

/**
 * Runs a search (see the module comment). Returns the exit status: 0; INTERRUPTED after Ctrl-C;
 * 1 when a worker failed. Throws TrainkitError for bad arguments, a bad file or store.
 *
 * @example
 * await tuneCommand({ file: 'tune-mlp.ts', storage: 'sqlite:./trainkit.db', study: 'mlp', workers: 2, trials: 40, log: console.log });
 */
export async function tuneCommand(o: TuneOptions): Promise<number> {
  if (!Number.isSafeInteger(o.workers) || o.workers < 1) throw new TrainkitError(`Invalid --workers: ${JSON.stringify(o.workers)} (expected a positive integer)`);
  const samplerFactory = o.sampler === undefined ? undefined : samplerFlag(o.sampler);
  const prunerFactory = o.pruner === undefined ? undefined : prunerFlag(o.pruner);
  const { sampler: _samplerName, pruner: _prunerName, workers, ...shared } = o;
  const store = await openStore(o.storage);
  try {
    await chooseBackend(o.backend);
    const spec = await loadTuneFile(o.file);
    const study = await openTuneStudy(store, spec, {
      study: o.study,
      ...(o.seed === undefined ? {} : { seed: o.seed }),
      ...(samplerFactory === undefined ? {} : { sampler: samplerFactory }),
      ...(prunerFactory === undefined ? {} : { pruner: prunerFactory }),
    });
    if (o.trials !== undefined) await study.setUserAttr('trials', o.trials);
    const code =
      store.url === 'memory:'
        ? await runWorker({
            ...shared,
            storage: store,
            concurrency: workers,
            ...(samplerFactory === undefined ? {} : { sampler: samplerFactory }),
            ...(prunerFactory === undefined ? {} : { pruner: prunerFactory }),
          })
        : await runWorkerProcesses(o);
    const trials = await study.trials();
    const count = (state: string): number => trials.filter((t) => t.state === state).length;
    const best = await study.bestTrial();
    const isTTY = o.isTTY ?? process.stdout.isTTY === true;
    o.log(
      isTTY
        ? `study ${JSON.stringify(study.name)}: ${count('complete')} complete, ${count('pruned')} pruned, ${count('failed')} failed; ` +
            (best === undefined ? 'no complete trial' : `best trial ${best.number}: value ${best.value} ${JSON.stringify(best.params)}`)
        : JSON.stringify({
            study: study.name,
            complete: count('complete'),
            pruned: count('pruned'),
            failed: count('failed'),
            ...(best === undefined ? {} : { best: { trial: best.number, value: best.value, params: best.params } }),
          }),
    );
    return code;
  } finally {
    await store.close();
  }
}

/** This command line's own entry script (main.ts from the sources, main.js when built). */
function mainScript(): string {
  const here = fileURLToPath(import.meta.url);
  return join(dirname(here), `main${extname(here)}`);
}

/** Starts the worker processes and waits for all; forwards an abort to them once. */
async function runWorkerProcesses(o: TuneOptions): Promise<number> {
  const script = mainScript();
  const execArgv = script.endsWith('.ts') && !process.execArgv.some((a) => a.includes('tsx')) ? [...process.execArgv, '--import', 'tsx'] : process.execArgv;
  const children: ChildProcess[] = Array.from({ length: o.workers }, (_, i) =>
    // detached: a terminal's Ctrl-C reaches this process only, which forwards it once; the IPC
    // channel tells a worker when this process is gone.
    fork(script, workerArgs(o, i), { execArgv, detached: true, stdio: ['ignore', 'inherit', 'inherit', 'ipc'], env: { ...process.env, TRAINKIT_STORAGE: o.storage } }),
  );
  const stop = (): void => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');
  };
  o.signal?.addEventListener('abort', stop, { once: true });
  try {
    const codes = await Promise.all(
      children.map(
        (c, i) =>
          new Promise<number>((resolve) => {
            c.once('error', (e) => {
              o.log(`worker ${i}: ${e.message}`);
              resolve(1);
            });
            c.once('exit', (code) => resolve(code ?? INTERRUPTED));
          }),
      ),
    );
    if (o.signal?.aborted) return INTERRUPTED;
    return codes.every((c) => c === 0) ? 0 : 1;
  } finally {
    o.signal?.removeEventListener('abort', stop);
  }
}
