/**
 * Model files: a tf.LayersModel in TensorFlow.js's LayersModel format (`model.json`: topology +
 * weights manifest, and one weights file), written without tfjs-node, so the output loads with stock
 * `tf.loadLayersModel` (a `file://` path under tfjs-node, or any HTTP server); and a functional
 * model's parameter tree (`params.json` + a weights file, same manifest encoding).
 *
 * Crash safety: the weights file is named by its content (`weights-<16 hex of SHA-256>.bin`) and
 * written first; the JSON that names it is written last, atomically (`writeFileAtomic`), and is the
 * commit point. A crash at any moment leaves the JSON and the weights it names consistent, old or new;
 * weights files no JSON names any more are removed after the commit.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { InvalidArgumentError } from '../errors.js';
import { isTensor, treeLeavesWithPaths, type ParamTree } from '../tree/tree.js';
import { writeFileAtomic } from './atomic.js';

const WEIGHTS_FILE = /^weights-[0-9a-f]{16}\.bin$/;

/**
 * Writes `weights` under a content-derived name, then `dir/jsonName` (built by `json` from that
 * name) atomically, then removes the directory's other content-named weights files.
 */
async function writeModelDir(dir: string, jsonName: string, weights: Uint8Array, json: (weightsFile: string) => unknown): Promise<string> {
  const weightsFile = `weights-${createHash('sha256').update(weights).digest('hex').slice(0, 16)}.bin`;
  await writeFileAtomic(join(dir, weightsFile), weights);
  const jsonPath = await writeFileAtomic(join(dir, jsonName), JSON.stringify(json(weightsFile)));
  for (const f of await readdir(dir)) if (WEIGHTS_FILE.test(f) && f !== weightsFile) await rm(join(dir, f), { force: true });
  return jsonPath;
}

/**
 * Writes `model` to `dir/model.json` and its weights file (the directory is created; see the module
 * comment for crash safety). Returns the path of model.json.
 *
 * @example
 * await saveLayersModel(model, 'out/model');   // later: tf.loadLayersModel('file://out/model/model.json') with tfjs-node
 */
export async function saveLayersModel(model: LayersModel, dir: string): Promise<string> {
  let jsonPath = join(dir, 'model.json');
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const weights = artifacts.weightData === undefined ? new ArrayBuffer(0) : tf.io.CompositeArrayBuffer.join(artifacts.weightData);
      jsonPath = await writeModelDir(dir, 'model.json', new Uint8Array(weights), (weightsFile): tf.io.ModelJSON => ({
        modelTopology: artifacts.modelTopology as object,
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy,
        weightsManifest: [{ paths: [weightsFile], weights: artifacts.weightSpecs ?? [] }],
        ...(artifacts.trainingConfig === undefined ? {} : { trainingConfig: artifacts.trainingConfig }),
      }));
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
 * weights manifest in TensorFlow.js's format) and its weights file (see the module comment); the weights are named by their
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
  const tree = skeleton(params);
  return writeModelDir(dir, 'params.json', new Uint8Array(tf.io.CompositeArrayBuffer.join(data)), (weightsFile): ParamsJson => ({
    format: 'trainkit-params',
    version: 1,
    tree,
    weightsManifest: [{ paths: [weightsFile], weights: specs }],
  }));
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
