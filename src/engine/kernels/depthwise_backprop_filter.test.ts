import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { EngineError } from '../../errors.js';
import { assertMatchesCpu, convOutShape, DEPTHWISE_GEOMETRIES, randomInputs, runOn } from './oracle.fixture.js';

for (const g of DEPTHWISE_GEOMETRIES) {
  test(`DepthwiseConv2dNativeBackpropFilter on wasm matches cpu: ${g.label}`, async () => {
    const inputs = randomInputs(31, { x: g.x, dy: convOutShape(g, true) });
    await assertMatchesCpu(g.label, inputs, ({ x, dy }) =>
      tf.engine().runKernel(
        'DepthwiseConv2dNativeBackpropFilter',
        { x, dy },
        { strides: g.strides, dilations: [1, 1], pad: g.pad, dimRoundingMode: g.dimRoundingMode, filterShape: g.filter } as never,
      ) as tf.Tensor,
    );
  });
}

test('DepthwiseConv2dNativeBackpropFilter on wasm rejects dilation > 1 with an EngineError', async () => {
  const inputs = randomInputs(1, { x: [1, 9, 9, 2], dy: [1, 5, 5, 2] });
  await assert.rejects(
    runOn('wasm', inputs, ({ x, dy }) =>
      tf.engine().runKernel(
        'DepthwiseConv2dNativeBackpropFilter',
        { x, dy },
        { strides: [1, 1], dilations: [2, 2], pad: 'valid', filterShape: [3, 3, 2, 1] } as never,
      ) as tf.Tensor,
    ),
    EngineError,
  );
});
