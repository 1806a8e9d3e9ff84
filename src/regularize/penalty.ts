/**
 * Weight penalties added to the loss (the lecture's R(W)): L2 λ·ΣW², L1 λ·Σ|W|, and the elastic net
 * λ·Σ(β·W² + |W|). Passed to `fit` as `penalty`, their gradient joins the loss's, so the optimizer
 * sees it — under plain SGD, L2 in the loss is the same as decoupled weight decay (with decay 2λ),
 * under Adam it is not (the gradient of the penalty is rescaled with the rest; AdamW decouples it).
 *
 * By default only leaves of rank ≥ 2 (kernels) are penalised: biases and batch-norm parameters
 * (rank ≤ 1) are left alone, as `decayMask` does for weight decay.
 */
import * as tf from '@tensorflow/tfjs-core';
import { checkNumber } from '../errors.js';
import { decayMask, maskFlags, type Mask } from '../optim/masked.js';
import type { ParamTree } from '../tree/tree.js';
import { treeLeaves } from '../tree/tree.js';

/** A scalar function of the trainable parameters, added to the training loss. */
export type Penalty = (params: ParamTree) => tf.Scalar;

export interface PenaltyOptions {
  /** λ, the penalty's weight in the loss. Required, >= 0. */
  lambda: number;
  /** Which leaves to penalise (a function of path and leaf, or a tree of booleans). Default `decayMask` (rank >= 2). */
  mask?: Mask;
}

export interface ElasticNetOptions extends PenaltyOptions {
  /** β, the weight of the squared term against the absolute one. Default 1. */
  beta?: number;
}

function penalty(o: PenaltyOptions, term: (w: tf.Tensor) => tf.Scalar): Penalty {
  const { lambda, mask } = { mask: decayMask as Mask, ...o };
  checkNumber('lambda', lambda, { min: 0 });
  return (params) =>
    tf.tidy(() => {
      const flags = maskFlags(mask, params);
      const terms = treeLeaves(params).filter((_, i) => flags[i]).map(term);
      return tf.mul(terms.length === 0 ? tf.scalar(0) : tf.addN(terms), lambda) as tf.Scalar;
    });
}

/**
 * L2: λ·ΣW² over the masked leaves (gradient 2λW: decay 2λ).
 *
 * @example
 * await fit(model, data, { optimizer: sgd({ learningRate: 0.1 }), penalty: l2Penalty({ lambda: 5e-4 }) });
 */
export function l2Penalty(options: PenaltyOptions): Penalty {
  return penalty(options, (w) => tf.sum(tf.square(w)));
}

/**
 * L1: λ·Σ|W| over the masked leaves (drives weights to exactly zero under proximal methods,
 * towards it under gradient descent).
 *
 * @example
 * const penalty = l1Penalty({ lambda: 1e-5 });
 */
export function l1Penalty(options: PenaltyOptions): Penalty {
  return penalty(options, (w) => tf.sum(tf.abs(w)));
}

/**
 * Elastic net (Zou & Hastie 2005, in the lecture's form): λ·Σ(β·W² + |W|) over the masked leaves.
 *
 * @example
 * const penalty = elasticNetPenalty({ lambda: 1e-4, beta: 0.5 });
 */
export function elasticNetPenalty(options: ElasticNetOptions): Penalty {
  const { beta } = { beta: 1, ...options };
  checkNumber('beta', beta, { min: 0 });
  return penalty(options, (w) => tf.add(tf.mul(tf.sum(tf.square(w)), beta), tf.sum(tf.abs(w))) as tf.Scalar);
}
