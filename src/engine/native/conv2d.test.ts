import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers'; // registers gradients
import { EngineError } from '../../errors.js';
import { useBackend } from '../backend.js';
import { assertMatchesCpu, CONV_GEOMETRIES, convOutShape, maxAbsDiff, randomInputs, runOn, type ConvGeometry } from '../kernels/oracle.fixture.js';
import { activeConv, nativeConvolutions, setActiveConv, type ConvGeometry as NativeGeometry, type ConvKind, type ConvPlan } from './dnn.js';
import { loadOneDnn } from './onednn.js';
import { probeNative } from './route.js';
import { NATIVE_WASM, NO_ONEDNN } from './native.fixture.js';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

const attrsOf = (g: ConvGeometry) => ({ strides: g.strides, pad: g.pad, dataFormat: 'NHWC', dimRoundingMode: g.dimRoundingMode });

const GEOMETRIES: ConvGeometry[] = [
  ...CONV_GEOMETRIES,
  { label: 'a CNN\'s second layer (smaller): 3x3 valid, 8 → 16 channels', x: [4, 10, 10, 8], filter: [3, 3, 8, 16], strides: [1, 1], pad: 'valid' },
  { label: '5x3, explicit uneven pads, 12 output channels', x: [2, 8, 9, 3], filter: [5, 3, 3, 12], strides: [1, 1], pad: [[0, 0], [1, 3], [2, 0], [0, 0]] },
];

/** Runs `compute` on the cpu backend and on wasm with oneDNN; checks values, leaks and that oneDNN ran. */
async function assertNative(label: string, inputs: Parameters<typeof assertMatchesCpu>[1], compute: Parameters<typeof assertMatchesCpu>[2]): Promise<void> {
  const before = nativeConvolutions();
  await assertMatchesCpu(label, inputs, compute, NATIVE_WASM);
  assert.ok(nativeConvolutions() > before, `${label}: ran on oneDNN`);
}

/** The three convolution kernels: each one's name, random inputs (a seed per kernel) and call. */
const KERNELS = [
  {
    name: 'Conv2D',
    inputs: (g: ConvGeometry) => randomInputs(31, { x: g.x, filter: g.filter }),
    call: (g: ConvGeometry) => ({ x, filter }: Record<string, tf.Tensor>) =>
      tf.engine().runKernel('Conv2D', { x, filter }, { ...attrsOf(g), dilations: [1, 1] } as never) as tf.Tensor,
  },
  {
    name: 'Conv2DBackpropInput',
    inputs: (g: ConvGeometry) => randomInputs(32, { dy: convOutShape(g), filter: g.filter }),
    call: (g: ConvGeometry) => ({ dy, filter }: Record<string, tf.Tensor>) =>
      tf.engine().runKernel('Conv2DBackpropInput', { dy, filter }, { ...attrsOf(g), inputShape: g.x } as never) as tf.Tensor,
  },
  {
    name: 'Conv2DBackpropFilter',
    inputs: (g: ConvGeometry) => randomInputs(33, { x: g.x, dy: convOutShape(g) }),
    call: (g: ConvGeometry) => ({ x, dy }: Record<string, tf.Tensor>) =>
      tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { ...attrsOf(g), filterShape: g.filter } as never) as tf.Tensor,
  },
];

for (const g of GEOMETRIES) {
  for (const k of KERNELS) {
    test(`${k.name} on oneDNN matches cpu: ${g.label}`, { skip: NO_ONEDNN }, async () => {
      await assertNative(g.label, k.inputs(g), k.call(g));
    });
  }
}

for (const activation of ['linear', 'relu', 'elu', 'leakyrelu'] as const) {
  test(`FusedConv2D on oneDNN (bias, ${activation}) matches cpu`, { skip: NO_ONEDNN }, async () => {
    const g = GEOMETRIES[1];
    const inputs = randomInputs(34, { x: g.x, filter: g.filter, bias: [g.filter[3]] });
    await assertNative(activation, inputs, ({ x, filter, bias }) =>
      tf.fused.conv2d({ x: x as tf.Tensor4D, filter: filter as tf.Tensor4D, bias, strides: g.strides as [number, number], pad: g.pad as 'valid', activation, leakyreluAlpha: 0.3 }),
    );
  });
}

test('a conv layer\'s gradients (fused forward, both gradients) on oneDNN match cpu and leak nothing', { skip: NO_ONEDNN }, async () => {
  const inputs = randomInputs(35, { x: [3, 9, 9, 4], filter: [3, 3, 4, 8], bias: [8] });
  await assertNative('grads', inputs, ({ x, filter, bias }) =>
    tf.grads((x: tf.Tensor, filter: tf.Tensor, bias: tf.Tensor) =>
      tf.sum(tf.square(tf.fused.conv2d({ x: x as tf.Tensor4D, filter: filter as tf.Tensor4D, bias, strides: 1, pad: 'same', activation: 'relu' }))),
    )([x, filter, bias]),
  );
});

test('a dilated convolution stays on XNNPACK and still matches cpu', { skip: NO_ONEDNN }, async () => {
  const before = nativeConvolutions();
  await assertMatchesCpu('dilated', randomInputs(36, { x: [2, 9, 9, 3], filter: [3, 3, 3, 4] }), ({ x, filter }) =>
    tf.conv2d(x as tf.Tensor4D, filter as tf.Tensor4D, 1, 'same', 'NHWC', 2), NATIVE_WASM);
  assert.equal(nativeConvolutions(), before);
});

test('a convolution oneDNN fails on goes to the wasm kernel, with one warning, leaking nothing', { skip: NO_ONEDNN }, async () => {
  const inputs = randomInputs(37, { x: [2, 7, 7, 3], filter: [3, 3, 3, 5] });
  const compute = ({ x, filter }: Record<string, tf.Tensor>) => tf.conv2d(x as tf.Tensor4D, filter as tf.Tensor4D, 1, 'same');
  const cpu = await runOn('cpu', inputs, compute);
  await useBackend('wasm', NATIVE_WASM);
  const real = activeConv()!;
  const refuse = () => {
    throw new EngineError('convolution failed (status 3)');
  };
  setActiveConv({ ...real, forward: refuse });
  const warnings: string[] = [];
  const listener = (w: Error) => warnings.push(w.message);
  process.on('warning', listener);
  try {
    const x = tf.tensor4d(inputs.x.values, inputs.x.shape as [number, number, number, number]);
    const filter = tf.tensor4d(inputs.filter.values, inputs.filter.shape as [number, number, number, number]);
    const buffers = tf.backend().numDataIds();
    for (let i = 0; i < 2; i++) {
      const y = compute({ x, filter });
      assert.ok(maxAbsDiff(y.dataSync(), cpu.values[0]) <= 1e-4 * 10);
      y.dispose();
    }
    assert.equal(tf.backend().numDataIds(), buffers, 'no buffer left behind');
    tf.dispose([x, filter]);
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    process.off('warning', listener);
    setActiveConv(real);
  }
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /status 3.*Conv2D goes to its wasm kernel/);
});

/** The benchmark CNN's second layer: 64 images 26×26×32, 3×3 valid, 64 filters. */
const CNN_SECOND: NativeGeometry = { n: 64, inH: 26, inW: 26, inC: 32, outH: 24, outW: 24, outC: 64, kh: 3, kw: 3, strideH: 1, strideW: 1, padTop: 0, padLeft: 0 };
const KINDS: ConvKind[] = ['forward', 'forwardBias', 'data', 'weights'];

test('oneDNN reads and writes NHWC activations in place where it has a direct kernel for them: only the filter is reordered', { skip: NO_ONEDNN }, async (t) => {
  await useBackend('wasm', NATIVE_WASM);
  const conv = activeConv()!;
  for (const kind of KINDS) {
    const plan = conv.plan(kind, CNN_SECOND);
    t.diagnostic(`${kind}: ${JSON.stringify(plan)}`);
    assert.doesNotMatch(plan.implementation, /^ref/, `${kind}: not oneDNN's reference kernel`);
    // NHWC: a direct kernel, and at most the filter (in, or its gradient out) changes layout.
    if (plan.activations === 'nhwc') {
      assert.match(plan.implementation, /^(jit|brg)/, kind);
      assert.ok(plan.reorders <= 1, `${kind}: ${plan.reorders} reorders`);
    }
  }
});

test('where oneDNN has no direct NHWC kernel (an SSE4.1-only CPU: im2col), the convolution runs in its own layouts', { skip: NO_ONEDNN }, () => {
  // oneDNN reads DNNL_MAX_CPU_ISA when it loads: a child process sees an SSE4.1-only CPU.
  const script = [
    "import { loadOneDnn } from './src/engine/native/onednn.ts';",
    `const loaded = loadOneDnn(${JSON.stringify(probeNative().conv?.library)}, 1);`,
    `const g = ${JSON.stringify({ ...CNN_SECOND, inH: 28, inW: 28, inC: 1, outH: 26, outW: 26, outC: 32 })};`,
    "console.log('PLAN ' + JSON.stringify(loaded.conv.plan('data', g)));",
  ].join('\n');
  const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: ROOT,
    env: { ...process.env, DNNL_MAX_CPU_ISA: 'SSE41', ONEDNN_MAX_CPU_ISA: 'SSE41' },
    encoding: 'utf8',
  });
  const plan = JSON.parse(/^PLAN (.*)$/m.exec(out)![1]) as ConvPlan;
  assert.match(plan.implementation, /sse41|gemm/, 'the ISA cap took effect');
  assert.equal(plan.activations, 'any', JSON.stringify(plan));
  assert.ok(plan.reorders >= 1, JSON.stringify(plan));
});

test('oneDNN in its own (blocked) layouts, with reorders, matches cpu too', { skip: NO_ONEDNN }, async () => {
  await useBackend('wasm', NATIVE_WASM);
  const real = activeConv()!;
  const loaded = loadOneDnn(real.library, 2, 'any');
  assert.ok('conv' in loaded, 'reason' in loaded ? loaded.reason : '');
  assert.equal(loaded.conv.plan('weights', CNN_SECOND).activations, 'any');
  setActiveConv(loaded.conv);
  try {
    const g = GEOMETRIES[GEOMETRIES.length - 1];
    for (const k of KERNELS) await assertNative(`${k.name}, its own layouts`, k.inputs(g), k.call(g));
  } finally {
    setActiveConv(real);
  }
});
