/** The `TrainContext` callbacks see: a view of a run, and the few things they may do to it. */
import { scaleLearningRate } from '../optim/learning_rate_scale.js';
import { callbackStateKeys, type TrainContext } from './callbacks.js';
import { saveCheckpoint } from './checkpoint.js';
import { NonFiniteError } from './errors.js';
import { layerRngStates } from './layer-rng.js';
import type { Run } from './run-state.js';
import { dataSize } from './batch-stream.js';
import { checkFinite } from './train-step.js';

/** The context of `run` (reads go through to the run, so callbacks always see the current values). */
export function trainContext(run: Run): TrainContext {
  const s = run.session;
  return {
    model: s.adapter,
    epochs: run.untilEpoch,
    stepsPerEpoch: run.stepsPerEpoch,
    batchSize: run.o.batchSize,
    trainSize: dataSize(run.data.train),
    get seed() {
      return s.seed;
    },
    position: () => ({ ...s.position }),
    get rng() {
      return s.rng;
    },
    optimizerState: () => s.state,
    get learningRateScale() {
      return s.state.lrScale;
    },
    scaleLearningRate(factor, minScale = 0) {
      s.state = scaleLearningRate(s.state, factor, minScale);
      return s.state.lrScale;
    },
    async saveCheckpoint(path, extra) {
      await checkFinite(run); // names the first bad step, if the loss went bad since the last check
      const states = callbackStateKeys(run.callbacks).map(([key, cb]): [string, unknown] => [key, cb.saveState?.()]);
      await saveCheckpoint(path, {
        position: { ...s.position },
        seed: s.seed,
        rng: s.rng.getState(),
        weights: s.adapter.weights(),
        optimizerState: s.state,
        ...(extra === undefined ? {} : { extra }),
        ...(s.layersModel === undefined ? {} : { layerRng: layerRngStates(s.layersModel) }),
        ...(states.length === 0 ? {} : { callbacks: Object.fromEntries(states) }),
      }).catch((e: unknown) => {
        if (e instanceof NonFiniteError) throw new NonFiniteError(s.position.step, e.what, run.lastCheckpoint);
        throw e;
      });
      run.lastCheckpoint = path;
      return path;
    },
    get lastCheckpoint() {
      return run.lastCheckpoint;
    },
    stop(reason) {
      run.stopRequested = true;
      run.stopReason ??= reason;
    },
    get stopRequested() {
      return run.stopRequested;
    },
    get stopReason() {
      return run.stopReason;
    },
  };
}
