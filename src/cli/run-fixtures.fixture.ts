/** Run files and output directories shared by the CLI tests (this file holds no tests). */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * A tiny run file (3 Gaussian blobs, a functional linear model, constant learning rate, so that
 * the schedule does not depend on --epochs) written into `dir`, which must lie inside the
 * repository (e.g. under out/) so that the file resolves '@tensorflow/tfjs-core'.
 */
export function tinyRunFile(dir: string, options: { state?: boolean } = {}): string {
  const file = join(dir, options.state === true ? 'tiny-state-run.ts' : 'tiny-run.ts');
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
  writeFileSync(
    file,
    `import * as tf from '@tensorflow/tfjs-core';
import { sgd } from ${src('optim/index.js')};
import { defineRun } from ${src('train/recipe/index.js')};
import { blobs } from ${src('train/toy-fixtures.fixture.js')};
export default defineRun(({ seed }) => ({
  model: ${model},
  data: { train: blobs(256, { seed: 1 }), test: blobs(64, { seed: 2 }) },
  optimizer: (learningRate) => sgd({ learningRate, momentum: 0.9 }),
  learningRate: 0.05,
  batchSize: 16,
  ema: { decay: 0.9 },
}));
`,
  );
  return file;
}
