/**
 * A tune definition: what `trainkit tune | worker FILE.ts` searches. FILE's default export is
 * `defineTune({ objective, direction?, sampler?, pruner? })`; every worker process imports the
 * file and runs `objective` on the trials it claims from the study.
 */
import type { Direction } from '../store/types.js';
import type { Trial } from './trial.js';
import type { Pruner, Sampler } from './types.js';

/** What the command line passes to a sampler or pruner factory. */
export interface TuneContext {
  /** `--seed`, made distinct per worker (seed + worker index), or undefined (seeded from the OS). */
  seed?: number;
}

/** A sampler or pruner, or a factory of one (so each worker process seeds its own). */
export type Provided<T> = T | ((ctx: TuneContext) => T);

/** What a tune file defines. */
export interface TuneSpec {
  /** The value to minimize (or maximize); `throw new TrialPruned()` when pruned. */
  objective: (trial: Trial) => number | Promise<number>;
  /** Default 'minimize'. */
  direction?: Direction;
  /** Default: `--sampler`, else the study's default sampler. `--sampler` wins over this. */
  sampler?: Provided<Sampler>;
  /** Default: `--pruner`, else the study's default pruner. `--pruner` wins over this. */
  pruner?: Provided<Pruner>;
}

/**
 * Marks a tune file's default export (an identity function that gives the spec its type).
 * The objective runs in worker processes after the backend is chosen (`--backend`, default: the best).
 *
 * @example
 * // examples/tune-mlp.ts — trainkit tune examples/tune-mlp.ts --study mlp --trials 40 --workers 2
 * export default defineTune({
 *   direction: 'minimize',
 *   async objective(trial) {
 *     const lr = await trial.suggestFloat('lr', 1e-4, 1e-1, { log: true });
 *     const cb = tuneReport(trial, { monitor: 'val_loss' });
 *     const history = await fit(makeModel(), data, { optimizer: adamw({ learningRate: lr }), epochs: 10, callbacks: [cb], verbose: 'silent' });
 *     if (cb.pruned) throw new TrialPruned();
 *     return history.epochs.at(-1)!.logs.val_loss;
 *   },
 * });
 */
export function defineTune(spec: TuneSpec): TuneSpec {
  return spec;
}
