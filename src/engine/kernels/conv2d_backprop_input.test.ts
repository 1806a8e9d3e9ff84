import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { assertMatchesCpu, CONV_GEOMETRIES, convOutShape, randomInputs } from './oracle.fixture.js';

for (const g of CONV_GEOMETRIES) {
  test(`Conv2DBackpropInput on wasm matches cpu: ${g.label}`, async () => {
    const inputs = randomInputs(22, { dy: convOutShape(g), filter: g.filter });
    await assertMatchesCpu(g.label, inputs, ({ dy, filter }) =>
      tf.engine().runKernel(
        'Conv2DBackpropInput',
        { dy, filter },
        { strides: g.strides, pad: g.pad, dataFormat: 'NHWC', dimRoundingMode: g.dimRoundingMode, inputShape: g.x } as never,
      ) as tf.Tensor,
    );
  });
}
