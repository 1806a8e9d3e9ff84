/** Tiny models and data shared by the train/ tests (this file holds no tests). */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { Rng } from '../engine/rng.js';
import { arrayDataset, type ArrayDataset } from '../data/dataset.js';
import type { FunctionalModel } from './model.js';

/**
 * `size` points in `dim` dimensions around `classes` centres (fixed by `centres`, default 100),
 * drawn with `seed`: different seeds give new samples of the same problem (train vs validation).
 */
export function blobs(
  size: number,
  options: { dim?: number; classes?: number; seed?: number; noise?: number; centres?: number } = {},
): ArrayDataset {
  const { dim, classes, seed, noise, centres: centreSeed } = { dim: 8, classes: 3, seed: 1, noise: 0.8, centres: 100, ...options };
  const c = new Rng(centreSeed);
  const centres = Array.from({ length: classes }, () => Array.from({ length: dim }, () => c.normal(0, 1)));
  const rng = new Rng(seed);
  const x = new Float32Array(size * dim);
  const y = new Int32Array(size);
  for (let i = 0; i < size; i++) {
    y[i] = rng.int(classes);
    for (let j = 0; j < dim; j++) x[i * dim + j] = centres[y[i]][j] + rng.normal(0, noise);
  }
  return arrayDataset({ size, xShape: [dim], x, yShape: [], y, numClasses: classes });
}

/** A 2-layer MLP as a functional model; `dropout` > 0 draws seeded masks from the run's rng. */
export function functionalMlp(options: { dim?: number; hidden?: number; classes?: number; seed?: number; dropout?: number } = {}): FunctionalModel {
  const { dim, hidden, classes, seed, dropout } = { dim: 8, hidden: 16, classes: 3, seed: 2, dropout: 0, ...options };
  const rng = new Rng(seed);
  const init = (shape: number[], fanIn: number): tf.Tensor =>
    tf.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal(0, Math.sqrt(2 / fanIn))), shape);
  return {
    params: { w1: init([dim, hidden], dim), b1: tf.zeros([hidden]), w2: init([hidden, classes], hidden), b2: tf.zeros([classes]) },
    apply(p, x, { training, rng: r }) {
      const q = p as Record<string, tf.Tensor>;
      return tf.tidy(() => {
        let h = tf.relu(tf.add(tf.matMul(x, q.w1), q.b1));
        if (training && dropout > 0) {
          const keep = tf.cast(tf.greaterEqual(tf.randomUniform(h.shape, 0, 1, 'float32', r.tfSeed()), dropout), 'float32');
          h = tf.div(tf.mul(h, keep), 1 - dropout);
        }
        return tf.add(tf.matMul(h, q.w2), q.b2);
      });
    },
  };
}

/** The same MLP as a tf.LayersModel with seeded initialisers (no dropout: tfjs's is not seeded). */
export function layersMlp(options: { dim?: number; hidden?: number; classes?: number; seed?: number } = {}): tfl.LayersModel {
  const { dim, hidden, classes, seed } = { dim: 8, hidden: 16, classes: 3, seed: 2, ...options };
  return tfl.sequential({
    layers: [
      tfl.layers.dense({ units: hidden, activation: 'relu', inputShape: [dim], kernelInitializer: tfl.initializers.heNormal({ seed }) }),
      tfl.layers.dense({ units: classes, kernelInitializer: tfl.initializers.glorotUniform({ seed: seed + 1 }) }),
    ],
  });
}

/** Every weight's values, as plain arrays, for exact comparison. */
export function weightValues(weights: Array<[string, tf.Tensor]>): number[][] {
  return weights.map(([, t]) => Array.from(t.dataSync()));
}
