/**
 * The generator states of a LayersModel's random layers — every layer, nested models included,
 * that exposes `getRngState()`/`setRngState()` (trainkit's SeededDropout, DropConnectDense,
 * StochasticDepth, FractionalMaxPooling2D, or a user's own) — so checkpoints can resume their
 * masks exactly. States are listed by position in the model (layer names depend on how many layers
 * the process built before); the names travel along for error messages.
 */
import type * as tfl from '@tensorflow/tfjs-layers';
import type { RngState } from '../engine/rng.js';
import { CheckpointError } from './errors.js';

/** A layer with a saveable generator. */
export interface RandomLayer {
  readonly name: string;
  getRngState(): RngState;
  setRngState(state: RngState): void;
}

function isRandomLayer(layer: unknown): layer is RandomLayer {
  const l = layer as Partial<RandomLayer>;
  return typeof l?.getRngState === 'function' && typeof l.setRngState === 'function';
}

/** Every random layer of `model`, nested models included, in order. */
export function randomLayers(model: tfl.LayersModel | tfl.layers.Layer): RandomLayer[] {
  const found: RandomLayer[] = [];
  const visit = (layer: tfl.layers.Layer): void => {
    if (isRandomLayer(layer)) found.push(layer);
    const inner = (layer as unknown as { layers?: tfl.layers.Layer[] }).layers;
    if (Array.isArray(inner)) inner.forEach(visit);
  };
  visit(model as tfl.layers.Layer);
  return found;
}

/**
 * The generator state of each random layer of `model`, by position.
 *
 * @example
 * const saved = layerRngStates(model); // ... a training-mode pass ...; setLayerRngStates(model, saved)
 */
export function layerRngStates(model: tfl.LayersModel | tfl.layers.Layer): Array<[layer: string, state: RngState]> {
  return randomLayers(model).map((l) => [l.name, [...l.getRngState()] as RngState]);
}

/** Puts back states from `layerRngStates` (by position); throws CheckpointError when the counts differ. */
export function setLayerRngStates(model: tfl.LayersModel | tfl.layers.Layer, states: ReadonlyArray<[string, RngState]>): void {
  const layers = randomLayers(model);
  if (layers.length !== states.length)
    throw new CheckpointError(
      `The saved generator states are for ${states.length} random layers (${states.map(([n]) => n).join(', ') || 'none'}); ` +
        `the model has ${layers.length} (${layers.map((l) => l.name).join(', ') || 'none'})`,
    );
  layers.forEach((l, i) => l.setRngState([...states[i][1]] as RngState));
}
