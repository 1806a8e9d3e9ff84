/**
 * What training keeps between two calls of the loop: the model, the optimizer and its state, the
 * position (step, epoch, next batch), the data-order seed and the model's generator. A `Trainer`
 * holds one, so a second `fit` continues where the first stopped; `fit` makes one per call; a
 * checkpoint saves exactly this (plus the callbacks' states).
 */
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { Rng } from '../engine/rng.js';
import { withLearningRateScale, type ScaledState } from '../optim/learning_rate_scale.js';
import type { GradientTransformation } from '../optim/transform.js';
import { disposeTree } from '../tree/ops.js';
import type { Position } from './callbacks.js';
import { adaptModel, type Model, type ModelAdapter } from './model.js';

export interface Session {
  readonly adapter: ModelAdapter;
  /** The LayersModel, when the model is one (its random layers' generators are checkpointed). */
  readonly layersModel: LayersModel | undefined;
  /** The user's optimizer wrapped with a learning-rate scale slot (reduceLROnPlateau's). */
  readonly optimizer: GradientTransformation<ScaledState>;
  state: ScaledState;
  position: Position;
  seed: number;
  rng: Rng;
  /** Callback states read from a checkpoint, until the next run hands them to their callbacks. */
  pendingCallbackStates: Record<string, unknown> | undefined;
}

/** A fresh session: the optimizer initialised on the model's trainable weights, at step 0. */
export function createSession(model: Model, optimizer: GradientTransformation<any>, seed: number): Session {
  const adapter = adaptModel(model);
  const wrapped = withLearningRateScale(optimizer);
  return {
    adapter,
    layersModel: adapter.kind === 'layers' ? (model as LayersModel) : undefined,
    optimizer: wrapped,
    state: wrapped.init(adapter.trainable()),
    position: { step: 0, epoch: 0, batch: 0 },
    seed,
    rng: new Rng(seed).split(),
    pendingCallbackStates: undefined,
  };
}

/** Frees the optimizer state and unclaimed callback states (the model keeps its weights). */
export function disposeSession(s: Session): void {
  disposeTree([s.state, s.pendingCallbackStates ?? []], s.adapter.weights().map(([, t]) => t));
  s.pendingCallbackStates = undefined;
}
