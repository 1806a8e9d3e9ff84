// Shared helpers of the regularize/ layer tests (no tests of its own; named *.test.ts so the build
// leaves it out of dist/).
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
