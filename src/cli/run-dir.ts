/**
 * A finished `trainkit train` output directory as the later commands (`evaluate`, `predict`) read
 * it: `run.json` names the run file, seed, example limit and backend; the run file rebuilds the
 * model's code (a functional model's `apply`) and the data; `model/` (or `model-ema/`) holds the
 * trained weights.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as tfl from '@tensorflow/tfjs-layers';
import { TrainkitError } from '../errors.js';
import { adaptModel, isFunctionalModel, type Model } from '../train/model.js';
import type { RunSpec } from '../train/recipe/run.js';
import { disposeTree } from '../tree/ops.js';
import { treeLeaves } from '../tree/tree.js';
import { fileLoader, loadParams } from '../io/model-files.js';
import { disposeModel, loadRunFile } from './run-file.js';

export interface RunDirOptions {
  /** The output directory of `trainkit train`. */
  dir: string;
  /** Load `model-ema/` instead of `model/`. Default false. */
  ema?: boolean;
  /** A backend name; default: the one run.json records. */
  backend?: string;
}

export interface LoadedRun {
  /** The trained model (the caller disposes it with `disposeModel`). */
  model: Model;
  /** The run as its file defines it (its data, loss, metrics); its own model is already freed. */
  spec: RunSpec;
  name: string;
  /** The directory the weights came from. */
  modelDir: string;
}

interface RunJson {
  config: { file: string; limit: number | null };
  seed: number;
  backend: { name: string };
}

function readRunJson(dir: string): RunJson {
  const path = join(dir, 'run.json');
  if (!existsSync(path)) throw new TrainkitError(`No run.json in ${dir}: not an output directory of trainkit train`);
  let run: RunJson;
  try {
    run = JSON.parse(readFileSync(path, 'utf8')) as RunJson;
  } catch (e) {
    throw new TrainkitError(`Cannot read ${path}: ${(e as Error).message}`);
  }
  if (typeof run?.config?.file !== 'string' || !Number.isSafeInteger(run.seed))
    throw new TrainkitError(`${path} does not name its run file and seed (config.file, seed): not written by trainkit train`);
  return run;
}

/**
 * Rebuilds a trained run from its output directory: calls the run file recorded in run.json (same
 * seed and example limit, so the same data splits), then replaces its fresh model's weights with
 * the saved ones (a LayersModel is loaded from model.json as saved; a functional model's saved
 * parameter tree must have the fresh tree's structure).
 */
export async function loadRunDir(o: RunDirOptions): Promise<LoadedRun> {
  if (!existsSync(o.dir) || !statSync(o.dir).isDirectory()) throw new TrainkitError(`Run directory not found: ${o.dir}`);
  const run = readRunJson(o.dir);
  const modelDir = join(o.dir, o.ema === true ? 'model-ema' : 'model');
  const layersJson = join(modelDir, 'model.json');
  const paramsJson = join(modelDir, 'params.json');
  if (!existsSync(layersJson) && !existsSync(paramsJson))
    throw new TrainkitError(`No saved model in ${modelDir} (expected model.json or params.json, as trainkit train writes)`);
  const { spec, name } = await loadRunFile({
    file: run.config.file,
    seed: run.seed,
    ...(run.config.limit === null ? {} : { limit: run.config.limit }),
    backend: o.backend ?? run.backend.name,
  });
  try {
    if (isFunctionalModel(spec.model)) {
      if (!existsSync(paramsJson)) throw new TrainkitError(`${modelDir} holds a LayersModel, but ${run.config.file} defines a functional model`);
      const saved = await loadParams(modelDir);
      try {
        adaptModel(spec.model).setWeights(treeLeaves(saved));
      } finally {
        disposeTree(saved);
      }
      return { model: spec.model, spec, name, modelDir };
    }
    if (!existsSync(layersJson)) throw new TrainkitError(`${modelDir} holds a parameter tree, but ${run.config.file} defines a LayersModel`);
    const model = await tfl.loadLayersModel(fileLoader(layersJson));
    disposeModel(spec.model);
    return { model, spec, name, modelDir };
  } catch (e) {
    disposeModel(spec.model);
    throw e;
  }
}
