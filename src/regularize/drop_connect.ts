/**
 * DropConnect (Wan et al. 2013, "Regularization of neural networks using DropConnect"): at train
 * time drop WEIGHTS, not activations — r = a((M ∘ W)·v), M ~ Bernoulli(1 − rate) — for a dense
 * layer. As in the paper the bias is part of W and is masked too.
 *
 * Choices made here (they differ from the paper; both are the usual practical ones):
 * - Inverted scaling: kept weights are scaled by 1/(1 − rate) at train time, and inference uses the
 *   plain weights W (the mean network, as for dropout), not the paper's Gaussian moment-matching
 *   sampler.
 * - One mask per call (per minibatch), shared by the batch's examples; the paper draws one per
 *   example, which costs a [batch, in, out] mask.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { InvalidArgumentError, checkNumber } from '../errors.js';
import type { Rng } from '../engine/rng.js';
import { kernelInitializer, type KernelInitializerName } from './layer_initializer.js';
import { bernoulliMaskTensor, checkRate } from './mask.js';
import { SeededLayer, type Kwargs, type SeededLayerArgs } from './seeded_layer.js';

/** Parameters of a dense layer: kernel [inputDim, units], optional bias [units]. */
export interface DenseParams {
  kernel: tf.Tensor;
  bias?: tf.Tensor;
}

/** Options of `dropConnectDense`. */
export interface DropConnectOptions {
  /** Probability of dropping each weight, in [0, 1). */
  rate: number;
  /** Drop (and rescale) weights only when true. */
  training: boolean;
  /** Source of the masks; required when training with rate > 0. */
  rng?: Rng;
}

/**
 * x·(M∘W) + m∘b with inverted Bernoulli masks when training, x·W + b otherwise. x: [batch, inputDim].
 *
 * @example
 * const h = tf.relu(dropConnectDense(x, { kernel: w, bias: b }, { rate: 0.5, training, rng }));
 */
export function dropConnectDense(x: tf.Tensor, params: DenseParams, options: DropConnectOptions): tf.Tensor {
  const { rate, training, rng } = options;
  checkRate('rate', rate);
  const { kernel, bias } = params;
  if (x.rank !== 2 || kernel.rank !== 2 || kernel.shape[0] !== x.shape[1])
    throw new InvalidArgumentError('shapes', { x: x.shape, kernel: kernel.shape }, 'x [batch, n] and kernel [n, units]');
  const drop = training && rate > 0;
  if (drop && rng === undefined) throw new InvalidArgumentError('rng', rng, 'an Rng when training with rate > 0');
  return tf.tidy(() => {
    const w = drop ? tf.mul(kernel, bernoulliMaskTensor(kernel.shape, 1 - rate, rng!)) : kernel;
    const y = tf.matMul(x, w);
    if (bias === undefined) return y;
    return tf.add(y, drop ? tf.mul(bias, bernoulliMaskTensor(bias.shape, 1 - rate, rng!)) : bias);
  });
}

const ACTIVATIONS = {
  linear: (x: tf.Tensor) => x,
  relu: (x: tf.Tensor) => tf.relu(x),
  elu: (x: tf.Tensor) => tf.elu(x),
  tanh: (x: tf.Tensor) => tf.tanh(x),
  sigmoid: (x: tf.Tensor) => tf.sigmoid(x),
  softmax: (x: tf.Tensor) => tf.softmax(x),
} as const;
export type DropConnectActivation = keyof typeof ACTIVATIONS;

export interface DropConnectDenseArgs extends SeededLayerArgs {
  /** Number of outputs. */
  units: number;
  /** Probability of dropping each weight at train time, in [0, 1). */
  rate: number;
  /** Activation applied after the product. Default 'linear'. */
  activation?: DropConnectActivation;
  /** Default true. */
  useBias?: boolean;
  /** Default 'glorotUniform'. Biases start at 0. */
  kernelInitializer?: KernelInitializerName;
}

/**
 * A Dense layer with DropConnect on its kernel and bias (input [batch, inputDim]).
 *
 * @example
 * model.add(new DropConnectDense({ units: 128, rate: 0.5, activation: 'relu', seed: 7, inputShape: [784] }));
 */
export class DropConnectDense extends SeededLayer {
  static className = 'trainkit>DropConnectDense';
  readonly units: number;
  readonly rate: number;
  readonly activation: DropConnectActivation;
  readonly useBias: boolean;
  readonly kernelInitializerName: KernelInitializerName;
  private kernel: tfl.LayerVariable | null = null;
  private bias: tfl.LayerVariable | null = null;

  constructor(args: DropConnectDenseArgs) {
    super(args, 'drop_connect_dense');
    const o = { activation: 'linear' as const, useBias: true, kernelInitializer: 'glorotUniform' as const, ...args };
    this.units = checkNumber('units', o.units, { min: 1, integer: true });
    this.rate = checkRate('rate', o.rate);
    if (!Object.hasOwn(ACTIVATIONS, o.activation))
      throw new InvalidArgumentError('activation', o.activation, `one of ${Object.keys(ACTIVATIONS).join(', ')}`);
    this.activation = o.activation;
    if (typeof o.useBias !== 'boolean') throw new InvalidArgumentError('useBias', o.useBias, 'a boolean');
    this.useBias = o.useBias;
    kernelInitializer(o.kernelInitializer);
    this.kernelInitializerName = o.kernelInitializer;
  }

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    const inputDim = shape[shape.length - 1];
    if (shape.length !== 2 || inputDim == null)
      throw new InvalidArgumentError('input shape', shape, '[batch, inputDim] with a known inputDim');
    this.kernel = this.addWeight('kernel', [inputDim, this.units], 'float32', kernelInitializer(this.kernelInitializerName));
    if (this.useBias) this.bias = this.addWeight('bias', [this.units], 'float32', tfl.initializers.zeros());
    this.built = true;
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    return [shape[0], this.units];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    return tf.tidy(() => {
      const y = dropConnectDense(
        x,
        { kernel: this.kernel!.read(), bias: this.bias?.read() },
        { rate: this.rate, training: this.isTraining(kwargs), rng: this.rng },
      );
      return ACTIVATIONS[this.activation](y);
    });
  }

  override getConfig() {
    return {
      ...super.getConfig(),
      units: this.units,
      rate: this.rate,
      activation: this.activation,
      useBias: this.useBias,
      kernelInitializer: this.kernelInitializerName,
    };
  }
}
tf.serialization.registerClass(DropConnectDense);
