/** Run files and output directories shared by the CLI tests (this file holds no tests). */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('../..', import.meta.url));

/** Options of `tinyRunFile`. */
export interface TinyRunOptions {
  /** A functional model with non-trainable state (a running mean). */
  state?: boolean;
  /**
   * Give the run an `augment` that adds seeded Gaussian noise (σ 0.5, drawn from the generator it is
   * handed) and pushes the batch size of every call onto `globalThis[augmentLog]`; the run also gets
   * a validation split (48 examples), to show that validation batches are not augmented.
   */
  augmentLog?: string;
  /** Give the run `penalty: l2Penalty({ lambda })`. */
  penalty?: number;
  /** The file's name. Default 'tiny-run.ts' ('tiny-state-run.ts' with state). */
  name?: string;
}

/**
 * A tiny run file (3 Gaussian blobs, a functional linear model, constant learning rate, so that
 * the schedule does not depend on --epochs) written into `dir`, which must lie inside the
 * repository (e.g. under out/) so that the file resolves '@tensorflow/tfjs-core'.
 */
export function tinyRunFile(dir: string, options: TinyRunOptions = {}): string {
  const file = join(dir, options.name ?? (options.state === true ? 'tiny-state-run.ts' : 'tiny-run.ts'));
  // With state: the inputs are centred by a running mean of the batch means (batch-norm's running
  // statistic), non-trainable state that training updates and inference reads.
  const model = options.state === true
    ? `{
    params: { w: tf.tidy(() => tf.mul(tf.randomNormal([8, 3], 0, 1, 'float32', seed), 0.01)), b: tf.zeros([3]) },
    state: { mean: tf.zeros([8]) },
    apply: (p: any, x: tf.Tensor, ctx: any) => {
      const running = ctx.state.mean as tf.Tensor;
      if (!ctx.training) return tf.add(tf.matMul(tf.sub(x, running), p.w), p.b);
      const m = tf.mean(x, 0);
      return { logits: tf.add(tf.matMul(tf.sub(x, m), p.w), p.b), state: { mean: tf.add(tf.mul(running, 0.9), tf.mul(m, 0.1)) } };
    },
  }`
    : `{
    params: { w: tf.tidy(() => tf.mul(tf.randomNormal([8, 3], 0, 1, 'float32', seed), 0.01)), b: tf.zeros([3]) },
    apply: (p: any, x: tf.Tensor) => tf.add(tf.matMul(x, p.w), p.b),
  }`;
  const src = (p: string): string => JSON.stringify(join(root, 'src', p));
  const log = options.augmentLog === undefined ? undefined : JSON.stringify(options.augmentLog);
  const extra = [
    ...(log === undefined
      ? []
      : [
          `augment: (batch: any, rng: any) => {
    ((globalThis as any)[${log}] ??= []).push(batch.x.shape[0]);
    return { x: tf.tidy(() => tf.add(batch.x, tf.randomNormal(batch.x.shape, 0, 0.5, 'float32', rng.tfSeed()))), y: batch.y };
  },`,
        ]),
    ...(options.penalty === undefined ? [] : [`penalty: l2Penalty({ lambda: ${options.penalty} }),`]),
  ];
  writeFileSync(
    file,
    `import * as tf from '@tensorflow/tfjs-core';
import { sgd } from ${src('optim/index.js')};
import { l2Penalty } from ${src('regularize/index.js')};
import { defineRun } from ${src('train/recipe/index.js')};
import { blobs } from ${src('train/toy-fixtures.fixture.js')};
export default defineRun(({ seed }) => ({
  model: ${model},
  data: { train: blobs(256, { seed: 1 }), test: blobs(64, { seed: 2 })${log === undefined ? '' : ', validation: blobs(48, { seed: 3 })'} },
  optimizer: (learningRate) => sgd({ learningRate, momentum: 0.9 }),
  learningRate: 0.05,
  batchSize: 16,
  ema: { decay: 0.9 },
  ${extra.join('\n  ')}
}));
`,
  );
  return file;
}
