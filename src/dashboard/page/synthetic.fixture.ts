/**
 * Synthetic training runs for the dashboard's tests, screenshots and benchmark (this file holds no
 * tests): no model is trained, the curves are written the way a training run writes them (report/
 * curves.ts: one `epoch:<n>` attribute per epoch with its logs and logging steps; the reported value
 * is the training loss per step). Four textbook shapes, each what the course's diagnosis looks for:
 *
 * - healthy:      loss falls and flattens, validation close behind, accuracy ~0.9, update ratio ~1e-3;
 * - diverging:    the learning rate is too high: the loss grows exponentially to Infinity, then NaN,
 *                 update ratio ~5e-2;
 * - overfitting:  train loss → 0 and train accuracy → 1 while validation loss turns up after epoch 3;
 * - underfitting: train and validation stay together and high, accuracy ~0.45, update ratio ~1e-5.
 *
 * `kindOf` picks the shape from hyperparameters (lr > 0.3: diverging; width ≥ 256: overfitting;
 * width ≤ 16: underfitting), so enqueued trials get a known one.
 */
import type { EpochRecord, Points } from '../../report/curves.js';
import { Rng } from '../../engine/rng.js';

export type RunKind = 'healthy' | 'diverging' | 'overfitting' | 'underfitting';

export function kindOf(params: { lr?: unknown; width?: unknown }): RunKind {
  const lr = Number(params.lr);
  const width = Number(params.width);
  if (lr > 0.3) return 'diverging';
  if (width >= 256) return 'overfitting';
  if (width <= 16) return 'underfitting';
  return 'healthy';
}

export interface SyntheticRun {
  /** The reported value by step: the training loss (noisy). */
  steps: Points;
  /** One record per epoch (value of the `epoch:<n>` attribute). */
  epochs: EpochRecord[];
  /** The objective's value: the last validation loss (NaN when it diverged). */
  value: number;
}

/** A run of `epochs` × `stepsPerEpoch` steps of the given kind, seeded. */
export function syntheticRun(kind: RunKind, o: { epochs: number; stepsPerEpoch: number; seed: number; lr?: number }): SyntheticRun {
  const rng = new Rng(o.seed);
  const total = o.epochs * o.stepsPerEpoch;
  const lr0 = o.lr ?? 0.01;
  const noise = (scale: number): number => (rng.uniform(0, 1) - 0.5) * 2 * scale;
  const trainLoss = (t: number): number => {
    const f = t / total;
    if (kind === 'diverging') return 2.3 * Math.exp(30 * f * f) - 1.2;
    if (kind === 'overfitting') return 2.2 * Math.exp(-6 * f) + 0.02;
    if (kind === 'underfitting') return 1.55 + 0.75 * Math.exp(-8 * f);
    // Healthy runs end lower the closer lr is to 3e-3.
    return 1.9 * Math.exp(-4 * f) + 0.25 + 0.08 * Math.abs(Math.log10(lr0) + 2.5);
  };
  const valLoss = (e: number): number => {
    const f = (e + 1) / o.epochs;
    if (kind === 'diverging') {
      const v = trainLoss((e + 1) * o.stepsPerEpoch) * 1.05;
      return v > 1e6 ? NaN : v;
    }
    if (kind === 'overfitting') return 0.35 + 2.6 * (f - 0.35) ** 2 + (f < 0.35 ? 0.5 * (0.35 - f) : 0);
    if (kind === 'underfitting') return trainLoss((e + 1) * o.stepsPerEpoch) + 0.02;
    return trainLoss((e + 1) * o.stepsPerEpoch) + 0.06;
  };
  const acc = (loss: number): number => Math.max(0.08, Math.min(0.999, 1 - loss / 2.6));
  const ratio = kind === 'diverging' ? 5e-2 : kind === 'underfitting' ? 1e-5 : 1e-3;
  const steps: Points = [];
  const epochs: EpochRecord[] = [];
  for (let e = 0; e < o.epochs; e++) {
    const s: NonNullable<EpochRecord['steps']> = { step: [], loss: [], lr: [], updateRatio: [] };
    let sum = 0;
    for (let i = 0; i < o.stepsPerEpoch; i++) {
      const t = e * o.stepsPerEpoch + i + 1;
      let loss = trainLoss(t) * (1 + noise(0.08));
      if (kind === 'diverging' && loss > 1e6) loss = t % 2 === 0 ? Infinity : NaN;
      steps.push([t, loss]);
      sum += loss;
      s.step.push(t);
      s.loss.push(Number.isFinite(loss) ? loss : null);
      s.lr.push(lr0 * 0.5 * (1 + Math.cos((Math.PI * t) / total)));
      s.updateRatio.push(ratio * Math.exp(noise(0.3)));
    }
    const trainEpochLoss = sum / o.stepsPerEpoch;
    const vl = valLoss(e);
    const logs: Record<string, number> = {
      loss: trainEpochLoss,
      val_loss: Number.isFinite(vl) ? vl : NaN,
      accuracy: kind === 'overfitting' ? Math.min(0.998, 0.7 + 0.3 * (e + 1) / o.epochs) : acc(trainEpochLoss),
      val_accuracy: kind === 'overfitting' ? 0.88 - 0.04 * Math.abs((e + 1) / o.epochs - 0.35) : acc(vl) - (kind === 'healthy' ? 0.02 : 0),
    };
    if (kind === 'underfitting') {
      logs.accuracy = 0.45 + 0.01 * e;
      logs.val_accuracy = 0.44 + 0.01 * e;
    }
    epochs.push({ step: (e + 1) * o.stepsPerEpoch, logs, steps: s });
  }
  const last = epochs.at(-1)!.logs.val_loss;
  return { steps, epochs, value: Number.isFinite(last) ? last : NaN };
}
