/**
 * Stochastic depth (Huang et al. 2016, "Deep networks with stochastic depth"): during training each
 * residual block's branch is kept with probability `survival` (p_l in the paper) and otherwise
 * skipped, so the block is the identity: out = shortcut + b·residual, b ~ Bernoulli(p).
 *
 * Scaling, chosen here: the "inverted" form — at train time a kept branch is scaled by 1/p
 * (out = shortcut + (b/p)·residual), and at test time the block is the plain sum shortcut + residual.
 * The paper instead leaves training unscaled and multiplies the branch by p at test time; the two
 * have the same expectation, and the inverted one keeps inference (and saved models) free of p.
 *
 * `mode: 'batch'` (default, as the paper) draws one b per call: the whole minibatch skips the branch
 * together. `mode: 'sample'` draws one b per example (timm's DropPath). A skipped branch is
 * multiplied by 0 rather than omitted, so its weights still receive (zero) gradients and gradient
 * trees keep their shape.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { InvalidArgumentError, checkNumber } from '../errors.js';
import type { Rng } from '../engine/rng.js';
import { bernoulliMaskTensor } from './mask.js';
import { SeededLayer, type Kwargs, type SeededLayerArgs } from './seeded_layer.js';

export type StochasticDepthMode = 'batch' | 'sample';

/** Options of `stochasticDepth`. */
export interface StochasticDepthOptions {
  /** Probability p of keeping the residual branch at train time, in (0, 1]. */
  survival: number;
  /** Drop the branch at random only when true. */
  training: boolean;
  /** Source of the draws; required when training with survival < 1. */
  rng?: Rng;
  /** One draw per minibatch ('batch', the paper) or per example ('sample'). Default 'batch'. */
  mode?: StochasticDepthMode;
}

function checkSurvival(value: unknown): number {
  return checkNumber('survival', value, { min: 0, max: 1, minExclusive: true });
}

function checkMode(value: unknown): StochasticDepthMode {
  if (value !== 'batch' && value !== 'sample') throw new InvalidArgumentError('mode', value, "'batch' or 'sample'");
  return value;
}

/**
 * shortcut + residual at test time; shortcut + (b/p)·residual at train time, b ~ Bernoulli(p).
 *
 * @example
 * const out = tf.relu(stochasticDepth(branch(x), x, { survival: 0.8, training, rng }));
 */
export function stochasticDepth(residual: tf.Tensor, shortcut: tf.Tensor, options: StochasticDepthOptions): tf.Tensor {
  const { survival, training, rng, mode } = { mode: 'batch' as StochasticDepthMode, ...options };
  checkSurvival(survival);
  checkMode(mode);
  if (!tf.util.arraysEqual(residual.shape, shortcut.shape))
    throw new InvalidArgumentError('residual shape', residual.shape, `the shortcut's shape ${JSON.stringify(shortcut.shape)}`);
  if (!training || survival === 1) return tf.add(shortcut, residual);
  if (rng === undefined) throw new InvalidArgumentError('rng', rng, 'an Rng when training with survival < 1');
  return tf.tidy(() => {
    const maskShape = mode === 'batch' ? [] : [residual.shape[0], ...residual.shape.slice(1).map(() => 1)];
    return tf.add(shortcut, tf.mul(residual, bernoulliMaskTensor(maskShape, survival, rng)));
  });
}

/**
 * The paper's linear decay rule: p_l = 1 − (l / L)·(1 − p_L) for block l = 1…L, so early blocks
 * (low-level features) are almost always kept and the last is kept with probability `last` (0.5 in
 * the paper).
 *
 * @example
 * linearDecaySurvival(27, 54, 0.5); // 0.75
 */
export function linearDecaySurvival(block: number, blocks: number, last = 0.5): number {
  checkNumber('blocks', blocks, { min: 1, integer: true });
  checkNumber('block', block, { min: 1, max: blocks, integer: true });
  checkSurvival(last);
  return 1 - (block / blocks) * (1 - last);
}

export interface StochasticDepthArgs extends SeededLayerArgs {
  /** Probability of keeping the residual branch at train time, in (0, 1]. */
  survival: number;
  /** Default 'batch'. */
  mode?: StochasticDepthMode;
}

/**
 * The addition closing a residual block, with stochastic depth: inputs [shortcut, residual] of the
 * same shape; output shortcut + residual at test time, shortcut + (b/p)·residual when training.
 *
 * @example
 * const out = new StochasticDepth({ survival: 0.8, seed: 3 }).apply([x, branchOutput]);
 */
export class StochasticDepth extends SeededLayer {
  static className = 'trainkit>StochasticDepth';
  readonly survival: number;
  readonly mode: StochasticDepthMode;

  constructor(args: StochasticDepthArgs) {
    super(args, 'stochastic_depth');
    const o = { mode: 'batch' as StochasticDepthMode, ...args };
    this.survival = checkSurvival(o.survival);
    this.mode = checkMode(o.mode);
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    if (!Array.isArray(inputShape[0]) || inputShape.length !== 2)
      throw new InvalidArgumentError('inputs', inputShape, 'two inputs: [shortcut, residual]');
    return inputShape[0] as tfl.Shape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    if (!Array.isArray(inputs) || inputs.length !== 2)
      throw new InvalidArgumentError('inputs', Array.isArray(inputs) ? inputs.length : 1, 'two tensors: [shortcut, residual]');
    const [shortcut, residual] = inputs;
    return stochasticDepth(residual, shortcut, {
      survival: this.survival,
      training: this.isTraining(kwargs),
      rng: this.rng,
      mode: this.mode,
    });
  }

  override getConfig() {
    return { ...super.getConfig(), survival: this.survival, mode: this.mode };
  }
}
tf.serialization.registerClass(StochasticDepth);
