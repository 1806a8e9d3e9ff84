/** Loading a checkpoint into a session: weights, optimizer state, position, seed, generators. */
import { disposeTree } from '../tree/ops.js';
import { checkStateStructure, disposeCheckpoint, loadCheckpoint, renameStateKeys } from './checkpoint.js';
import { CheckpointError } from './errors.js';
import { setLayerRngStates } from './layer-rng.js';
import type { Session } from './session.js';
import { Rng } from '../engine/rng.js';
import type { ScaledState } from '../optim/learning_rate_scale.js';

/**
 * Restores `session` from the checkpoint at `path`: the model's weights (by position; the saved
 * names are mapped onto this model's), the optimizer state (its structure checked against the
 * session's), the position, the seed, the model's generator and a LayersModel's random layers.
 * The callbacks' states wait in `session.pendingCallbackStates` for the next run. On a mismatch it
 * throws CheckpointError and changes nothing.
 */
export async function restoreSession(session: Session, path: string): Promise<void> {
  const ckpt = await loadCheckpoint(path);
  const { adapter, layersModel } = session;
  try {
    const current = adapter.weights();
    if (ckpt.weights.length !== current.length)
      throw new CheckpointError(`${path} holds ${ckpt.weights.length} weights; the model has ${current.length}`);
    // Weights are stored by position: map the saved names onto this model's.
    const names = new Map(ckpt.weights.map(([name], i) => [name, current[i][0]]));
    ckpt.optimizerState = renameStateKeys(ckpt.optimizerState, names);
    checkStateStructure(ckpt.optimizerState, session.state);
    if (ckpt.layerRng !== undefined && layersModel === undefined && ckpt.layerRng.length > 0)
      throw new CheckpointError(`${path} holds generator states of random layers; a functional model has none`);
    if (ckpt.layerRng !== undefined && layersModel !== undefined) setLayerRngStates(layersModel, ckpt.layerRng);
    adapter.setWeights(ckpt.weights.map(([, t]) => t));
  } catch (e) {
    disposeCheckpoint(ckpt);
    throw e;
  }
  ckpt.weights.forEach(([, t]) => t.dispose());
  disposeTree([session.state, session.pendingCallbackStates ?? []], adapter.weights().map(([, t]) => t));
  session.state = ckpt.optimizerState as ScaledState;
  session.position = { ...ckpt.position };
  session.seed = ckpt.seed;
  session.rng = Rng.fromState(ckpt.rng);
  session.pendingCallbackStates = ckpt.callbacks;
}
