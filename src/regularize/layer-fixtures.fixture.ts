// Shared helpers of the regularize/ layer tests (no tests of its own; *.fixture.ts: the build
// leaves it out of dist/ and the test runner does not load it as a test file).
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

/** Saves a model to memory and loads it back with stock tfjs-layers; also returns its topology JSON. */
export async function roundTrip(model: tfl.LayersModel): Promise<{ loaded: tfl.LayersModel; json: string }> {
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      saved = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  return { loaded: await tfl.loadLayersModel(tf.io.fromMemory(saved!)), json: JSON.stringify(saved!.modelTopology) };
}

/** A tensor's values as a plain array. */
export const values = (t: tf.Tensor): number[] => Array.from(t.dataSync());

/**
 * Asserts that applying `layer` to `input` ten times in training and ten times in inference, after
 * one warm-up training call, leaves `tf.memory().numTensors` where it was.
 */
export function assertLayerLeaksNothing(
  layer: { apply(x: tf.Tensor | tf.Tensor[], kwargs?: { training?: boolean }): unknown },
  input: tf.Tensor | tf.Tensor[],
): void {
  tf.dispose(layer.apply(input, { training: true }) as tf.Tensor);
  const before = tf.memory().numTensors;
  for (let i = 0; i < 10; i++) {
    tf.dispose(layer.apply(input, { training: true }) as tf.Tensor);
    tf.dispose(layer.apply(input) as tf.Tensor);
  }
  assert.equal(tf.memory().numTensors, before);
}
