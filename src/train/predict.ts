/** Inference over many examples: the model's outputs, batch by batch, concatenated. */
import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, checkNumber } from '../errors.js';
import { Rng } from '../engine/rng.js';
import { inferenceBatches, type InferenceData } from './inference-batches.js';
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
 * `x` is a tensor whose first axis indexes examples, or data as `evaluate` takes it (an
 * ArrayDataset, a BatchSource, an (async) iterable of batches; targets are ignored).
 * Returns one tensor, [n, ...output shape], that the caller owns.
 *
 * @example
 * const logits = await predict(model, test, { batchSize: 512 });
 * const classes = tf.argMax(logits, -1);              // tf.softmax(logits) for probabilities
 */
export async function predict(model: Model | ModelAdapter, x: tf.Tensor | InferenceData, options: PredictOptions = {}): Promise<tf.Tensor> {
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
    } else {
      for await (const b of inferenceBatches(x, batchSize, { targets: false })) {
        try {
          outputs.push(tf.tidy(() => adapter.forward(b.x, false, rng)));
        } finally {
          tf.dispose([b.x, ...(b.y instanceof tf.Tensor ? [b.y] : []), ...(b.weight === undefined ? [] : [b.weight])]);
        }
      }
    }
    if (outputs.length === 0) throw new InvalidArgumentError('x', 'no examples', 'at least one example');
    return outputs.length === 1 ? outputs.pop()! : tf.concat(outputs, 0);
  } finally {
    tf.dispose(outputs);
  }
}
