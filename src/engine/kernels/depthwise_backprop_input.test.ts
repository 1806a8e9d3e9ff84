import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { assertMatchesCpu, convOutShape, DEPTHWISE_GEOMETRIES, randomInputs } from './oracle.fixture.js';

for (const g of DEPTHWISE_GEOMETRIES) {
  test(`DepthwiseConv2dNativeBackpropInput on wasm matches cpu: ${g.label}`, async () => {
    const inputs = randomInputs(32, { dy: convOutShape(g, true), filter: g.filter });
    await assertMatchesCpu(g.label, inputs, ({ dy, filter }) =>
      tf.engine().runKernel(
        'DepthwiseConv2dNativeBackpropInput',
        { dy, filter },
        { strides: g.strides, dilations: [1, 1], pad: g.pad, dimRoundingMode: g.dimRoundingMode, inputShape: g.x } as never,
      ) as tf.Tensor,
    );
  });
}
