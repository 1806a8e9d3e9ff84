/**
 * One training step of the loop: loss and gradients, the running sums on the device, the optimizer
 * update, and — at a logging step only — the numbers read back in one transfer (loss, gradient
 * norm, update/parameter ratio per weight) and the learning rate the update used.
 */
import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError } from '../errors.js';
import { learningRateOf } from '../optim/learning_rate_of.js';
import { valueAt } from '../schedules/schedule.js';
import { disposeTree, globalNorm, l2Norm } from '../tree/ops.js';
import { treeLeaves, treeLeavesWithPaths } from '../tree/tree.js';
import type { AugmentBatch } from '../augment/types.js';
import type { LoopBatch } from './batch-stream.js';
import type { StepLogs } from './callbacks.js';
import { batchWeights } from './sample-weights.js';
import { NonFiniteError } from './errors.js';
import type { DeviceTotals, Run } from './run-state.js';


/** What a step leaves to read: at a logging step, [loss, gradNorm, ratio per weight] and the weights' names. */
export interface StepResult {
  read?: tf.Tensor;
  names: string[];
}

/** Throws NonFiniteError naming the first bad step (and the last good checkpoint) if the loss went NaN/Inf. */
export async function checkFinite(run: Run): Promise<void> {
  const bad = (await run.totals.firstBad.data())[0];
  if (Number.isFinite(bad)) throw new NonFiniteError(bad, 'The training loss', run.lastCheckpoint);
}

/** One update on batch `b` as step `s` (1-based). Nothing is read from the device here. */
export function trainStep(run: Run, b: LoopBatch, s: number, logStep: boolean): StepResult {
  const { adapter, optimizer } = run.session;
  const { loss, metrics, classWeight, augment, penalty } = run.o;
  // The augmentation draws from the session's generator (saved in checkpoints): a resumed run sees the same batches.
  const { x, y } = augment === undefined ? b : augment(b as AugmentBatch, run.session.rng);
  const w = batchWeights(y, { ...(b.weight === undefined ? {} : { weight: b.weight }), ...(classWeight === undefined ? {} : { classWeight }) });
  let out: ReturnType<typeof adapter.lossAndGrads>;
  try {
    // The penalty reads the live trainable tensors, so its gradient joins the loss's.
    const lossOf = (logits: tf.Tensor): tf.Scalar =>
      penalty === undefined ? loss(logits, y, w) : tf.add(loss(logits, y, w), penalty(adapter.trainable()));
    out = adapter.lossAndGrads(lossOf, x, run.session.rng);
  } catch (e) {
    if (x !== b.x) x.dispose();
    if (y !== b.y) y.dispose();
    throw e;
  } finally {
    w?.dispose();
  }
  const before = logStep ? treeLeavesWithPaths(adapter.trainable()).map(([p, t]): [string, tf.Tensor] => [p, tf.clone(t)]) : [];
  let gradNorm: tf.Scalar | undefined;
  try {
    const t = run.totals;
    const nextSums = tf.tidy(() => {
      const values = [out.loss, ...metrics.map((m) => m.compute(out.logits, y))];
      return tf.add(t.sums, tf.mul(tf.stack(values), b.size));
    });
    t.sums.dispose();
    t.sums = nextSums;
    const nextBad = tf.tidy(() => tf.minimum(t.firstBad, tf.where(tf.isFinite(out.loss), tf.scalar(Infinity), tf.scalar(s))));
    t.firstBad.dispose();
    t.firstBad = nextBad;
    if (logStep) gradNorm = globalNorm(out.grads);
    run.session.state = adapter.update(optimizer, out.grads, run.session.state);
    if (!logStep) return { names: [] };
    const after = treeLeaves(adapter.trainable());
    const read = tf.tidy(() => {
      const ratios = before.map(([, w], i) => tf.div(l2Norm(tf.sub(after[i], w)), l2Norm(w)));
      return tf.stack([out.loss, gradNorm as tf.Scalar, ...ratios]);
    });
    return { read, names: before.map(([p]) => p) };
  } finally {
    disposeTree([out.loss, out.grads, out.logits, gradNorm ?? []]);
    before.forEach(([, w]) => w.dispose());
    if (x !== b.x) x.dispose();
    if (y !== b.y) y.dispose();
  }
}

/** Reads a logging step's numbers into `logs` (one transfer) and checks the loss is finite. */
export async function readStepLogs(run: Run, result: StepResult, logs: StepLogs): Promise<void> {
  if (result.read === undefined) return;
  const values = await result.read.data();
  result.read.dispose();
  logs.loss = values[0];
  logs.gradNorm = values[1];
  const lr = loggedLearningRate(run, logs.step);
  if (lr !== undefined) logs.lr = lr;
  logs.updateRatio = Object.fromEntries(result.names.map((name, i) => [name, values[2 + i]]));
  if (!Number.isFinite(values[0])) await checkFinite(run);
}

/**
 * The rate update `s` used: the optimizer's report (`learningRateOf`), else the `learningRate`
 * option at step s − 1, times the plateau scale. Both present and different (beyond float noise):
 * InvalidArgumentError naming both.
 */
function loggedLearningRate(run: Run, s: number): number | undefined {
  const { state } = run.session;
  const reported = learningRateOf(state.optimizer);
  const given = run.o.learningRate === undefined ? undefined : valueAt(run.o.learningRate, s - 1);
  if (reported !== undefined && given !== undefined && Math.abs(reported - given) > 1e-9 * Math.max(Math.abs(reported), Math.abs(given)))
    throw new InvalidArgumentError(
      'learningRate',
      given,
      `the rate the optimizer reports it used at step ${s}, ${reported} (fit's learningRate is only reported: ` +
        'pass the same number or schedule as the optimizer, or leave it out)',
    );
  const base = reported ?? given;
  return base === undefined ? undefined : base * state.lrScale;
}
