import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { assertMatchesCpu, CONV_GEOMETRIES, convOutShape, randomInputs, type ConvGeometry } from '../kernels/oracle.fixture.js';
import { nativeProducts } from './blas.js';
import { setActiveConv } from './dnn.js';
import { NATIVE_WASM, NO_NATIVE } from './native.fixture.js';

/** The filter gradient with oneDNN's convolutions set aside (runOn restores them at its next start). */
function filterGrad(g: ConvGeometry) {
  return ({ x, dy }: Record<string, tf.Tensor>) => {
    setActiveConv(null);
    return tf.engine().runKernel(
      'Conv2DBackpropFilter',
      { x, dy },
      { strides: g.strides, pad: g.pad, dataFormat: 'NHWC', dimRoundingMode: g.dimRoundingMode, filterShape: g.filter } as never,
    ) as tf.Tensor;
  };
}

// 8 or more output channels: the filter gradient is GEMMs (shifted windows, or a patch matrix).
const GEMM_ROUTES: ConvGeometry[] = [
  { label: 'shifted windows: 3x3 valid, a CNN\'s second layer (smaller)', x: [4, 10, 10, 8], filter: [3, 3, 8, 16], strides: [1, 1], pad: 'valid' },
  { label: 'shifted windows: 5x3 explicit uneven pads, 12 output channels', x: [2, 8, 9, 3], filter: [5, 3, 3, 12], strides: [1, 1], pad: [[0, 0], [1, 3], [2, 0], [0, 0]] },
  { label: 'shifted windows: 2x2 valid, 5 input channels', x: [5, 6, 6, 5], filter: [2, 2, 5, 24], strides: [1, 1], pad: 'valid' },
  { label: 'patch matrix: a first layer, 3x3 valid on one channel', x: [4, 12, 12, 1], filter: [3, 3, 1, 16], strides: [1, 1], pad: 'valid' },
  { label: 'patch matrix: 3x3 stride 2 same, 3 channels', x: [3, 9, 8, 3], filter: [3, 3, 3, 8], strides: [2, 2], pad: 'same' },
];

for (const g of GEMM_ROUTES) {
  test(`Conv2DBackpropFilter without oneDNN, its GEMM on OpenBLAS, matches cpu: ${g.label}`, { skip: NO_NATIVE }, async () => {
    const before = nativeProducts();
    await assertMatchesCpu(g.label, randomInputs(21, { x: g.x, dy: convOutShape(g) }), filterGrad(g), NATIVE_WASM);
    assert.ok(nativeProducts() > before, 'the GEMM ran on the native BLAS');
  });
}

for (const g of CONV_GEOMETRIES) {
  test(`Conv2DBackpropFilter without oneDNN, with OpenBLAS, matches cpu: ${g.label}`, { skip: NO_NATIVE }, async () => {
    await assertMatchesCpu(g.label, randomInputs(22, { x: g.x, dy: convOutShape(g) }), filterGrad(g), NATIVE_WASM);
  });
}
