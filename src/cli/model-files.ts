/**
 * Saving and loading a tf.LayersModel as files in TensorFlow.js's LayersModel format — the
 * `model.json` (topology + weightsManifest) and one `weights.bin` that tfjs-node's `file://`
 * handler writes — without tfjs-node: the output loads with stock `tf.loadLayersModel`, from a
 * `file://` path under tfjs-node or from any HTTP server.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';

/**
 * Writes `model` to `dir/model.json` and `dir/weights.bin` (the directory is created; files are
 * written to temporary names and renamed). Returns the path of model.json.
 *
 * @example
 * await saveLayersModel(model, 'out/model');   // later: tf.loadLayersModel('file://out/model/model.json') with tfjs-node
 */
export async function saveLayersModel(model: LayersModel, dir: string): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const jsonPath = join(dir, 'model.json');
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const weights = artifacts.weightData === undefined ? new ArrayBuffer(0) : tf.io.CompositeArrayBuffer.join(artifacts.weightData);
      const modelJson: tf.io.ModelJSON = {
        modelTopology: artifacts.modelTopology as object,
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy,
        weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs ?? [] }],
        ...(artifacts.trainingConfig === undefined ? {} : { trainingConfig: artifacts.trainingConfig }),
      };
      atomicWrite(join(dir, 'weights.bin'), new Uint8Array(weights));
      atomicWrite(jsonPath, JSON.stringify(modelJson));
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    }),
  );
  return jsonPath;
}

/**
 * A load handler for a `model.json` on disk and the weight files its manifest names (relative to
 * it): `tf.loadLayersModel(fileLoader('out/model/model.json'))`.
 *
 * @example
 * const model = await tfl.loadLayersModel(fileLoader('out/model/model.json'));
 */
export function fileLoader(jsonPath: string): tf.io.IOHandler {
  return {
    async load() {
      const modelJson = JSON.parse(readFileSync(jsonPath, 'utf8')) as tf.io.ModelJSON;
      return tf.io.getModelArtifactsForJSON(modelJson, async (manifest) => {
        const specs = manifest.flatMap((g) => g.weights);
        const buffers = manifest.flatMap((g) => g.paths.map((p) => {
          const b = readFileSync(join(dirname(jsonPath), p));
          return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
        }));
        return [specs, tf.io.concatenateArrayBuffers(buffers)];
      });
    },
  };
}

function atomicWrite(path: string, data: string | Uint8Array): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}
