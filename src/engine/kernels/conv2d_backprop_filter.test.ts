import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { assertMatchesCpu, CONV_GEOMETRIES, convOutShape, randomInputs, type ConvGeometry } from './oracle.test.js';

function filterGrad(g: ConvGeometry) {
  return ({ x, dy }: Record<string, tf.Tensor>) =>
    tf.engine().runKernel(
      'Conv2DBackpropFilter',
      { x, dy },
      { strides: g.strides, pad: g.pad, dataFormat: 'NHWC', dimRoundingMode: g.dimRoundingMode, filterShape: g.filter } as never,
    ) as tf.Tensor;
}

for (const g of CONV_GEOMETRIES) {
  test(`Conv2DBackpropFilter on wasm matches cpu: ${g.label}`, async () => {
    await assertMatchesCpu(g.label, randomInputs(21, { x: g.x, dy: convOutShape(g) }), filterGrad(g));
  });
}
