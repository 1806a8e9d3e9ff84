// The public surface of regularize/. Importing this module registers trainkit's layers with
// tfjs-layers' serialization, so models that use them load with stock `tf.loadLayersModel`.
export { dropout, SeededDropout, type SeededDropoutArgs } from './dropout.js';
export { leakyRelu } from './leaky_relu.js';
export { maxout, Maxout, type MaxoutArgs, type MaxoutParams } from './maxout.js';
export {
  dropConnectDense,
  DropConnectDense,
  type DenseParams,
  type DropConnectOptions,
  type DropConnectDenseArgs,
  type DropConnectActivation,
} from './drop_connect.js';
export {
  stochasticDepth,
  linearDecaySurvival,
  StochasticDepth,
  type StochasticDepthOptions,
  type StochasticDepthArgs,
  type StochasticDepthMode,
} from './stochastic_depth.js';
export {
  fractionalMaxPool,
  FractionalMaxPooling2D,
  type FractionalMaxPoolOptions,
  type FractionalMaxPooling2DArgs,
  type PoolingSequenceKind,
} from './fractional_max_pool.js';
export { fmpAverage, type FmpAverageOptions } from './fractional_max_pool_average.js';
export { recomputeBatchNormStatistics, type BatchNormBatch, type RecomputeOptions } from './batch_norm.js';
export { xavierNormal, xavierUniform, heNormal, heUniform, type HeOptions } from './init.js';
export { l2Penalty, l1Penalty, elasticNetPenalty, type Penalty, type PenaltyOptions, type ElasticNetOptions } from './penalty.js';
