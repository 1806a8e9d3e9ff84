/**
 * Maxout (Goodfellow et al. 2013, "Maxout networks"): each of `units` outputs is the maximum of
 * `pieces` affine functions of the input, h_j(x) = max_k (x·W[:, j·pieces + k] + b[j·pieces + k]).
 * It is its own activation (a learned convex piecewise-linear function; ReLU and leaky ReLU are
 * special cases), at the cost of `pieces` times the parameters of a Dense layer.
 *
 * Weight layout, shared by the layer and the function: kernel [inputDim, units·pieces], bias
 * [units·pieces]; the pieces of unit j are the consecutive columns j·pieces … j·pieces + pieces − 1.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { InvalidArgumentError, checkNumber } from '../errors.js';
import { kernelInitializer, type KernelInitializerName } from './layer_initializer.js';
import { withDefaultName, type Kwargs, type LayerArgs } from './seeded_layer.js';

/** Parameters of a maxout unit: kernel [inputDim, units·pieces] and optional bias [units·pieces]. */
export interface MaxoutParams {
  kernel: tf.Tensor;
  bias?: tf.Tensor;
}

/**
 * Maxout of `x` ([..., inputDim]) with `pieces` pieces per unit: [..., units].
 *
 * @example
 * const p = { kernel: heNormal([784, 256 * 2], rng), bias: tf.zeros([256 * 2]) };
 * const h = maxout(x, p, 2); // [batch, 256]
 */
export function maxout(x: tf.Tensor, params: MaxoutParams, pieces: number): tf.Tensor {
  checkNumber('pieces', pieces, { min: 1, integer: true });
  const { kernel, bias } = params;
  const inputDim = x.shape[x.rank - 1];
  const [rows, width] = kernel.shape as number[];
  if (kernel.rank !== 2 || rows !== inputDim || width % pieces !== 0)
    throw new InvalidArgumentError(
      'kernel shape',
      kernel.shape,
      `[${inputDim}, units·pieces] with units·pieces a multiple of pieces = ${pieces}`,
    );
  if (bias !== undefined && (bias.rank !== 1 || bias.shape[0] !== width))
    throw new InvalidArgumentError('bias shape', bias.shape, `[${width}]`);
  const units = width / pieces;
  return tf.tidy(() => {
    const flat = tf.reshape(x, [-1, inputDim]);
    let z = tf.matMul(flat, kernel);
    if (bias !== undefined) z = tf.add(z, bias);
    const m = tf.max(tf.reshape(z, [-1, units, pieces]), -1);
    return tf.reshape(m, [...x.shape.slice(0, -1), units]);
  });
}

export interface MaxoutArgs extends LayerArgs {
  /** Number of outputs. */
  units: number;
  /** Affine pieces per output (k in the paper), an integer >= 2. */
  pieces: number;
  /** Add a bias to every piece. Default true. */
  useBias?: boolean;
  /** Kernel initialiser by name. Default 'glorotUniform' (tfjs Dense's default). Biases start at 0. */
  kernelInitializer?: KernelInitializerName;
}

/**
 * A Dense-style maxout layer: input [..., inputDim] → [..., units].
 *
 * @example
 * model.add(new Maxout({ units: 240, pieces: 5, inputShape: [784] }));
 */
export class Maxout extends tfl.layers.Layer {
  static className = 'trainkit>Maxout';
  readonly units: number;
  readonly pieces: number;
  readonly useBias: boolean;
  readonly kernelInitializerName: KernelInitializerName;
  private kernel: tfl.LayerVariable | null = null;
  private bias: tfl.LayerVariable | null = null;

  constructor(args: MaxoutArgs) {
    super(withDefaultName(args, 'maxout'));
    const o = { useBias: true, kernelInitializer: 'glorotUniform' as const, ...args };
    this.units = checkNumber('units', o.units, { min: 1, integer: true });
    this.pieces = checkNumber('pieces', o.pieces, { min: 2, integer: true });
    if (typeof o.useBias !== 'boolean') throw new InvalidArgumentError('useBias', o.useBias, 'a boolean');
    this.useBias = o.useBias;
    kernelInitializer(o.kernelInitializer); // validates the name now, not at build time
    this.kernelInitializerName = o.kernelInitializer;
  }

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    const inputDim = shape[shape.length - 1];
    if (inputDim == null) throw new InvalidArgumentError('input shape', shape, 'a known last dimension');
    const width = this.units * this.pieces;
    this.kernel = this.addWeight('kernel', [inputDim, width], 'float32', kernelInitializer(this.kernelInitializerName));
    if (this.useBias) this.bias = this.addWeight('bias', [width], 'float32', tfl.initializers.zeros());
    this.built = true;
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    return [...shape.slice(0, -1), this.units];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    return maxout(x, { kernel: this.kernel!.read(), bias: this.bias?.read() }, this.pieces);
  }

  override getConfig() {
    return {
      ...super.getConfig(),
      units: this.units,
      pieces: this.pieces,
      useBias: this.useBias,
      kernelInitializer: this.kernelInitializerName,
    };
  }
}
tf.serialization.registerClass(Maxout);
