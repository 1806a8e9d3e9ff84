import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { assertMatchesCpu, CONV_GEOMETRIES, convOutShape, randomInputs, type ConvGeometry } from './oracle.fixture.js';

function filterGrad(g: ConvGeometry) {
  return ({ x, dy }: Record<string, tf.Tensor>) =>
    tf.engine().runKernel(
      'Conv2DBackpropFilter',
      { x, dy },
      { strides: g.strides, pad: g.pad, dataFormat: 'NHWC', dimRoundingMode: g.dimRoundingMode, filterShape: g.filter } as never,
    ) as tf.Tensor;
}

// Stride 1 with 8 or more output channels takes the shifted-GEMM route (trainkit's SIMD GEMM).
const SHIFTED: ConvGeometry[] = [
  { label: 'shifted GEMM: 3x3 valid, the CNN benchmark\'s second layer (smaller)', x: [4, 10, 10, 8], filter: [3, 3, 8, 16], strides: [1, 1], pad: 'valid' },
  { label: 'shifted GEMM: 3x3 same, odd sizes, one input channel', x: [3, 9, 7, 1], filter: [3, 3, 1, 8], strides: [1, 1], pad: 'same' },
  { label: 'shifted GEMM: 5x3 explicit uneven pads, 12 output channels (scalar remainder columns)', x: [2, 8, 9, 3], filter: [5, 3, 3, 12], strides: [1, 1], pad: [[0, 0], [1, 3], [2, 0], [0, 0]] },
  { label: 'shifted GEMM: 2x2 valid, 5 input channels (odd row count)', x: [5, 6, 6, 5], filter: [2, 2, 5, 24], strides: [1, 1], pad: 'valid' },
];

// Few weights per output channel (kh·kw·C ≤ 32) and 8 or more output channels: the patch-matrix route.
const IM2COL: ConvGeometry[] = [
  { label: 'patch matrix: a first layer, 3x3 valid on one channel', x: [4, 12, 12, 1], filter: [3, 3, 1, 16], strides: [1, 1], pad: 'valid' },
  { label: 'patch matrix: 3x3 stride 2 same, 3 channels (windows cut by padding)', x: [3, 9, 8, 3], filter: [3, 3, 3, 8], strides: [2, 2], pad: 'same' },
  { label: 'patch matrix: 5x5 stride [1, 2], explicit pads, 10 output channels', x: [2, 9, 11, 1], filter: [5, 5, 1, 10], strides: [1, 2], pad: [[0, 0], [2, 1], [0, 3], [0, 0]] },
];

// The shared geometries (the XNNPACK route where they have fewer than 8 output channels), then each route's own.
for (const g of [...CONV_GEOMETRIES, ...SHIFTED, ...IM2COL]) {
  test(`Conv2DBackpropFilter on wasm matches cpu: ${g.label}`, async () => {
    await assertMatchesCpu(g.label, randomInputs(21, { x: g.x, dy: convOutShape(g) }), filterGrad(g));
  });
}
