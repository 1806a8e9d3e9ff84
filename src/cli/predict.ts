/**
 * `trainkit predict RUN_DIR FILE...`: a trained run's predicted class and class probabilities for
 * each example in each FILE (images or arrays, see input-files.ts). Probabilities are the softmax
 * of the logits; a model with one output per example is binary (σ(logit) for class 1).
 */
import { accessSync, constants } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { TrainkitError } from '../errors.js';
import { predict } from '../train/predict.js';
import { readInputFile } from './input-files.js';
import { loadRunDir, type RunDirOptions } from './run-dir.js';
import { disposeModel } from './run-file.js';

export interface PredictCommandOptions extends RunDirOptions {
  files: string[];
  /** One JSON line per example instead of text. */
  json: boolean;
  log: (s: string) => void;
}

/** One example's prediction. */
export interface Prediction {
  file: string;
  /** The example's index within its file (0 for an image). */
  index: number;
  class: number;
  className?: string;
  probabilities: number[];
}

/** Runs `trainkit predict`. */
export async function predictCommand(o: PredictCommandOptions): Promise<Prediction[]> {
  if (o.files.length === 0) throw new TrainkitError('predict takes a RUN_DIR and at least one FILE (.png, .jpg, .npy or .json)');
  // Unreadable files fail before the (slower) rebuilding of the run.
  for (const file of o.files) {
    try {
      accessSync(file, constants.R_OK);
    } catch (e) {
      throw new TrainkitError(`Cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  }
  const { model, spec } = await loadRunDir(o);
  try {
    const { xShape, classNames } = spec.data.train;
    // Read every file first: a bad one stops the command before any output.
    const inputs = o.files.map((file) => ({ file, ...readInputFile(file, xShape) }));
    const out: Prediction[] = [];
    for (const input of inputs) {
      const x = tf.tensor(input.values, [input.count, ...xShape]);
      const logits = await predict(model, x).finally(() => x.dispose());
      const probabilities = tf.tidy(() => {
        const binary = logits.rank === 1 || logits.shape[logits.rank - 1] === 1;
        if (!binary) return tf.reshape(tf.softmax(logits), [input.count, -1]);
        const p = tf.reshape(tf.sigmoid(logits), [input.count, 1]);
        return tf.concat([tf.sub(1, p), p], 1);
      });
      logits.dispose();
      const rows = (await probabilities.array()) as number[][];
      probabilities.dispose();
      rows.forEach((p, index) => {
        const cls = p.indexOf(Math.max(...p));
        out.push({ file: input.file, index, class: cls, ...(classNames?.[cls] === undefined ? {} : { className: classNames[cls] }), probabilities: p });
      });
    }
    for (const p of out) {
      if (o.json) o.log(JSON.stringify(p));
      else {
        const where = inputs.find((i) => i.file === p.file)!.count > 1 ? `${p.file}[${p.index}]` : p.file;
        const name = p.className === undefined ? '' : ` (${p.className})`;
        o.log(`${where}: class ${p.class}${name}, p = ${p.probabilities[p.class].toFixed(4)} · probabilities ${p.probabilities.map((v) => v.toFixed(4)).join(' ')}`);
      }
    }
    return out;
  } finally {
    disposeModel(model);
  }
}
