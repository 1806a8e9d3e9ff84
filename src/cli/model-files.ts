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
import { InvalidArgumentError } from '../errors.js';
import { isTensor, treeLeavesWithPaths, type ParamTree } from '../tree/tree.js';

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

/** A ParamTree's shape in params.json: the same nesting, each tensor replaced by its weight name. */
type Skeleton = { $weight: string } | Skeleton[] | { [key: string]: Skeleton };

interface ParamsJson {
  format: 'trainkit-params';
  version: 1;
  tree: Skeleton;
  weightsManifest: tf.io.WeightsManifestConfig;
}

/**
 * Writes a functional model's parameter tree to `dir/params.json` (the tree's nesting, and a
 * weights manifest in TensorFlow.js's format) and `dir/weights.bin`; the weights are named by their
 * tree paths ("dense1.kernel", "layers[0].bias"). Returns the path of params.json.
 * `loadParams(dir)` reads it back.
 *
 * @example
 * await saveParams(model.params, 'out/model');
 */
export async function saveParams(params: ParamTree, dir: string): Promise<string> {
  const named = treeLeavesWithPaths(params);
  const { data, specs } = await tf.io.encodeWeights(named.map(([name, tensor]) => ({ name: name || '$root', tensor })));
  const names = new Map(named.map(([name, tensor]) => [tensor, name || '$root']));
  const skeleton = (node: ParamTree): Skeleton => {
    if (isTensor(node)) return { $weight: names.get(node)! };
    if (Array.isArray(node)) return node.map(skeleton);
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, skeleton(v as ParamTree)]));
  };
  const json: ParamsJson = { format: 'trainkit-params', version: 1, tree: skeleton(params), weightsManifest: [{ paths: ['weights.bin'], weights: specs }] };
  mkdirSync(dir, { recursive: true });
  const jsonPath = join(dir, 'params.json');
  atomicWrite(join(dir, 'weights.bin'), new Uint8Array(tf.io.CompositeArrayBuffer.join(data)));
  atomicWrite(jsonPath, JSON.stringify(json));
  return jsonPath;
}

/**
 * Reads a parameter tree written by `saveParams` (new tensors, owned by the caller).
 *
 * @example
 * const params = await loadParams('out/model');
 * const logits = model.apply(params, x, { training: false });
 */
export async function loadParams(dir: string): Promise<ParamTree> {
  const jsonPath = join(dir, 'params.json');
  const json = JSON.parse(readFileSync(jsonPath, 'utf8')) as ParamsJson;
  if (json.format !== 'trainkit-params' || json.version !== 1) {
    throw new InvalidArgumentError(`${jsonPath}: format`, `${json.format} v${json.version}`, 'trainkit-params version 1 (written by saveParams)');
  }
  const specs = json.weightsManifest.flatMap((g) => g.weights);
  const buffers = json.weightsManifest.flatMap((g) =>
    g.paths.map((p) => {
      const b = readFileSync(join(dir, p));
      return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
    }),
  );
  const tensors = tf.io.decodeWeights(tf.io.concatenateArrayBuffers(buffers), specs);
  const build = (node: Skeleton): ParamTree => {
    if (Array.isArray(node)) return node.map(build);
    if ('$weight' in node && typeof node.$weight === 'string') {
      const t = tensors[node.$weight];
      if (t === undefined) throw new InvalidArgumentError(`${jsonPath}: weight`, node.$weight, 'a weight listed in its weightsManifest');
      return t;
    }
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, build(v as Skeleton)]));
  };
  return build(json.tree);
}
