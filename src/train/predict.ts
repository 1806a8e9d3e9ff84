/** Inference over many examples: the model's outputs, batch by batch, concatenated. */
import * as tf from '@tensorflow/tfjs-core';
import { batches, type ArrayDataset } from '../data/dataset.js';
import { InvalidArgumentError, checkNumber } from '../errors.js';
import { Rng } from '../engine/rng.js';
import { adaptModel, type Model, type ModelAdapter } from './model.js';

export interface PredictOptions {
  /** Examples per forward pass. Default 256. */
  batchSize?: number;
}

const DEFAULTS = { batchSize: 256 };

/**
 * The model's outputs (logits) for every example of `x`, in order, in inference mode (dropout off,
 * batch-norm running statistics), computed `batchSize` examples at a time so that activations of
 * only one batch are alive — Keras's `model.predict(x, batch_size)`, for both model kinds.
 * `x` is a tensor whose first axis indexes examples, or an ArrayDataset (its targets are ignored).
 * Returns one tensor, [n, ...output shape], that the caller owns.
 *
 * @example
 * const logits = predict(model, test, { batchSize: 512 });
 * const classes = tf.argMax(logits, -1);              // tf.softmax(logits) for probabilities
 */
export function predict(model: Model | ModelAdapter, x: tf.Tensor | ArrayDataset, options: PredictOptions = {}): tf.Tensor {
  const { batchSize } = { ...DEFAULTS, ...options };
  checkNumber('batchSize', batchSize, { min: 1, integer: true });
  const adapter = 'lossAndGrads' in model ? model : adaptModel(model);
  const rng = new Rng(0); // inference draws nothing; a throwaway generator for the interface
  const outputs: tf.Tensor[] = [];
  try {
    if (x instanceof tf.Tensor) {
      if (x.rank === 0) throw new InvalidArgumentError('x', 'a scalar tensor', 'a tensor whose first axis indexes examples');
      const n = x.shape[0];
      for (let start = 0; start < n; start += batchSize)
        outputs.push(tf.tidy(() => adapter.forward(tf.slice(x, start, Math.min(batchSize, n - start)), false, rng)));
    } else if (x !== null && typeof x === 'object' && x.x instanceof Float32Array && Array.isArray(x.xShape)) {
      for (const b of batches(x, { batchSize, shuffle: false })) {
        try {
          outputs.push(tf.tidy(() => adapter.forward(b.x, false, rng)));
        } finally {
          tf.dispose([b.x, b.y]);
        }
      }
    } else {
      throw new InvalidArgumentError('x', x, 'a tensor [n, ...] or an ArrayDataset');
    }
    if (outputs.length === 0) throw new InvalidArgumentError('x', 'no examples', 'at least one example');
    return outputs.length === 1 ? outputs.pop()! : tf.concat(outputs, 0);
  } finally {
    tf.dispose(outputs);
  }
}
