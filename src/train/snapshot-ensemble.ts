/**
 * Snapshot ensembles (Huang et al. 2017, "Snapshot Ensembles: Train 1, get M for free"): train once
 * with a cyclic learning rate (SGDR's cosine with warm restarts, or a triangular cycle), save the
 * weights at the end of each cycle — where the rate is lowest and the model sits in a local minimum —
 * and ensemble those snapshots at test time by averaging their predicted distributions (as
 * `evaluateEnsemble` does for separate models).
 */
import * as tf from '@tensorflow/tfjs-core';
import { join } from 'node:path';
import type { ArrayDataset } from '../data/dataset.js';
import { InvalidArgumentError, TrainkitError, checkNumber } from '../errors.js';
import type { Callback } from './callbacks.js';
import { loadCheckpoint, disposeCheckpoint } from './checkpoint.js';
import { Rng } from '../engine/rng.js';
import { evaluateLogProbabilitySources, predictLogProbabilities, type EnsembleEvaluation } from './ensemble.js';
import { adaptModel, type Model, type ModelAdapter } from './model.js';

/** Cycle lengths as `sgdr` takes them: the first cycle lasts `period` steps, each next one `periodMult` times longer. */
export interface CyclePeriod {
  /** Steps of the first cycle (an integer ≥ 1). For `cyclic({ stepSize })`, a cycle is 2·stepSize steps. */
  period: number;
  /** An integer ≥ 1. Default 1. */
  periodMult?: number;
}

export interface SnapshotEnsembleOptions {
  /**
   * Where cycles end, in optimizer steps (updates done, as `fit` counts them: 1 after the first
   * batch): an increasing list, or the cycle lengths of an `sgdr` schedule (`{ period, periodMult }`,
   * the same numbers you gave `sgdr`). A snapshot is taken after the update that ends each cycle.
   */
  cycles: readonly number[] | CyclePeriod;
  /** Keep only the last `keep` snapshots in memory (older ones are freed). Default: all. */
  keep?: number;
  /**
   * Also write each snapshot to `${dir}/snapshot-${i}.tkpt` (i from 1), a full trainkit checkpoint
   * (`loadCheckpoint` reads it; `fit({ resumeFrom })` can resume from it). Default: memory only.
   */
  dir?: string;
}

/** One snapshot: the model's weights (all of them, batch-norm statistics included) at a cycle end. */
export interface Snapshot {
  /** 1 for the first cycle end, 2 for the second, ... */
  index: number;
  /** Optimizer steps done when it was taken. */
  step: number;
  /** The epoch it was taken in. */
  epoch: number;
  /** The weights, in model order (owned by the ensemble). */
  weights: tf.Tensor[];
  /** The file it was written to, with `dir`. */
  path?: string;
}

/** Which snapshots to use: the last `last` ones (default: every snapshot kept). */
export interface SnapshotSelection {
  last?: number;
}

/** The callback, and the ensemble of what it saved. */
export interface SnapshotEnsemble extends Callback {
  /** The snapshots kept, oldest first. */
  readonly snapshots: readonly Snapshot[];
  /**
   * The ensemble's distribution for a batch, [b, C]: the mean of the snapshots' softmax
   * probabilities, each computed by `model` with that snapshot's weights swapped in. The model keeps
   * its own weights.
   */
  predict(model: Model, x: tf.Tensor, options?: SnapshotSelection): tf.Tensor;
  /** Loss and accuracy of the ensemble (and of each snapshot) on `data`; the model keeps its own weights. */
  evaluate(model: Model, data: ArrayDataset, options?: SnapshotSelection & { batchSize?: number }): Promise<EnsembleEvaluation>;
  /** Frees every snapshot. */
  dispose(): void;
}

/**
 * The steps at which the cycles of `sgdr({ period, periodMult })` end, up to `totalSteps`:
 * period, period·(1 + m), period·(1 + m + m²), ...
 *
 * @example
 * sgdrCycleEnds({ period: 10, periodMult: 2 }, 100); // [10, 30, 70]
 */
export function sgdrCycleEnds(cycles: CyclePeriod, totalSteps: number): number[] {
  const { period, periodMult } = checkPeriod(cycles);
  checkNumber('totalSteps', totalSteps, { min: 0, integer: true });
  const out: number[] = [];
  for (let end = period, len = period; end <= totalSteps; len *= periodMult, end += len) out.push(end);
  return out;
}

function checkPeriod(c: CyclePeriod): Required<CyclePeriod> {
  const o = { periodMult: 1, ...c };
  checkNumber('cycles.period', o.period, { min: 1, integer: true });
  checkNumber('cycles.periodMult', o.periodMult, { min: 1, integer: true });
  return o;
}

/** A predicate: does a cycle end at this step? */
function cycleEndTest(cycles: SnapshotEnsembleOptions['cycles']): (step: number) => boolean {
  if (Array.isArray(cycles)) {
    const list = cycles as readonly number[];
    list.forEach((s, i) => {
      if (!Number.isSafeInteger(s) || s < 1 || (i > 0 && s <= list[i - 1]))
        throw new InvalidArgumentError(`cycles[${i}]`, s, 'an integer step ≥ 1, each larger than the one before');
    });
    const ends = new Set(list);
    return (step) => ends.has(step);
  }
  if (cycles === null || typeof cycles !== 'object')
    throw new InvalidArgumentError('cycles', cycles, 'an increasing list of steps, or { period, periodMult } as given to sgdr');
  const { period, periodMult } = checkPeriod(cycles as CyclePeriod);
  if (periodMult === 1) return (step) => step % period === 0;
  return (step) => {
    let end = period;
    for (let len = period; end < step; ) {
      len *= periodMult;
      end += len;
    }
    return end === step;
  };
}

/**
 * A callback that takes a snapshot of the model's weights at the end of each learning-rate cycle,
 * and the ensemble of those snapshots. Give it the same cycle lengths as the schedule: for
 * `sgdr({ init, period, periodMult })` pass `cycles: { period, periodMult }`; for
 * `cyclic({ min, max, stepSize })` pass `cycles: { period: 2 * stepSize }`; for anything else, the
 * list of steps. Snapshots are kept in memory (and written to `dir` when given); the snapshots are
 * part of `fit`'s checkpoints (by file path with `dir`, by value without), so a resumed run keeps
 * them. A cycle that has not ended when training stops gives no snapshot.
 *
 * @example
 * const stepsPerEpoch = Math.ceil(train.size / 64);
 * const lr = sgdr({ init: 0.05, period: 2 * stepsPerEpoch });             // a cycle every 2 epochs
 * const snaps = snapshotEnsemble({ cycles: { period: 2 * stepsPerEpoch }, keep: 3, dir: 'out/snapshots' });
 * await fit(model, { train }, { optimizer: sgd({ learningRate: lr, momentum: 0.9 }), learningRate: lr,
 *   epochs: 8, batchSize: 64, callbacks: [snaps] });                       // 4 snapshots, the last 3 kept
 * const { accuracy, members } = await snaps.evaluate(model, test);      // ensemble vs each snapshot
 * snaps.dispose();
 */
export function snapshotEnsemble(options: SnapshotEnsembleOptions): SnapshotEnsemble {
  if (options === null || typeof options !== 'object') throw new InvalidArgumentError('options', options, '{ cycles, keep?, dir? }');
  const o = { keep: Infinity, ...options };
  const isEnd = cycleEndTest(o.cycles);
  if (o.keep !== Infinity) checkNumber('keep', o.keep, { min: 1, integer: true });
  if (o.dir !== undefined && (typeof o.dir !== 'string' || o.dir === '')) throw new InvalidArgumentError('dir', o.dir, 'a directory path');
  let snaps: Snapshot[] = [];
  let taken = 0;
  const drop = (list: Snapshot[]): void => list.forEach((s) => tf.dispose(s.weights));
  const pick = (sel: SnapshotSelection = {}): Snapshot[] => {
    const { last } = { last: snaps.length, ...sel };
    checkNumber('last', last, { min: 1, integer: true });
    if (snaps.length === 0) throw new TrainkitError('snapshotEnsemble: no snapshots yet (train with the callback through at least one cycle end)');
    return snaps.slice(-last);
  };
  /** Runs `f` with each chosen snapshot's weights swapped into the model in turn, then puts its own weights back. */
  const withSnapshots = async <T>(model: Model, chosen: Snapshot[], f: (adapter: ModelAdapter, use: (s: Snapshot) => void) => T | Promise<T>): Promise<T> => {
    const adapter = adaptModel(model);
    const own = adapter.weights().map(([, t]) => tf.clone(t));
    try {
      return await f(adapter, (s) => adapter.setWeights(s.weights));
    } finally {
      adapter.setWeights(own);
      tf.dispose(own);
    }
  };
  return {
    name: 'snapshotEnsemble',
    get snapshots() {
      return snaps;
    },
    onTrainBegin() {
      drop(snaps);
      snaps = [];
      taken = 0;
    },
    async onBatchEnd(step, _logs, ctx) {
      if (!isEnd(step)) return;
      taken += 1;
      const snap: Snapshot = { index: taken, step, epoch: ctx.position().epoch, weights: ctx.model.weights().map(([, t]) => tf.clone(t)) };
      if (o.dir !== undefined) snap.path = await ctx.saveCheckpoint(join(o.dir, `snapshot-${taken}.tkpt`), { snapshot: taken, step });
      snaps.push(snap);
      if (snaps.length > o.keep) drop(snaps.splice(0, snaps.length - o.keep));
    },
    saveState: () => ({
      taken,
      snapshots: snaps.map((s) => ({ index: s.index, step: s.step, epoch: s.epoch, ...(s.path === undefined ? { weights: s.weights } : { path: s.path }) })),
    }),
    async loadState(state) {
      const s = state as { taken: number; snapshots: Array<Omit<Snapshot, 'weights'> & { weights?: tf.Tensor[] }> };
      drop(snaps);
      snaps = [];
      taken = s.taken;
      for (const e of s.snapshots) {
        let weights = e.weights;
        if (weights === undefined) {
          const ckpt = await loadCheckpoint(e.path as string);
          weights = ckpt.weights.map(([, t]) => t);
          ckpt.weights = [];
          disposeCheckpoint(ckpt);
        }
        snaps.push({ index: e.index, step: e.step, epoch: e.epoch, weights, ...(e.path === undefined ? {} : { path: e.path }) });
      }
    },
    predict(model, x, sel) {
      const chosen = pick(sel);
      const adapter = adaptModel(model);
      const own = adapter.weights().map(([, t]) => tf.clone(t));
      const rng = new Rng(0); // inference draws nothing
      const parts: tf.Tensor[] = [];
      try {
        for (const s of chosen) {
          adapter.setWeights(s.weights); // outside tidy: a functional model's new params must survive it
          parts.push(tf.tidy(() => tf.logSoftmax(adapter.forward(x, false, rng))));
        }
        return tf.tidy(() => tf.exp(tf.sub(tf.logSumExp(tf.stack(parts), 0), Math.log(parts.length))));
      } finally {
        tf.dispose(parts);
        adapter.setWeights(own);
        tf.dispose(own);
      }
    },
    evaluate(model, data, evalOptions = {}) {
      const { batchSize, ...sel } = { batchSize: 256, ...evalOptions };
      const chosen = pick(sel);
      return withSnapshots(model, chosen, (adapter, use) =>
        evaluateLogProbabilitySources(
          chosen.map((s) => () => {
            use(s);
            return predictLogProbabilities(adapter, data, { batchSize });
          }),
          data,
        ),
      );
    },
    dispose() {
      drop(snaps);
      snaps = [];
    },
  };
}
