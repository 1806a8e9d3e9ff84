/**
 * Bias + ReLU fused into dense and conv layers under a gradient tape on the wasm engine
 * (fused_activation.ts): the same loss and gradients as tfjs's unfused route, fewer kernels, only
 * the gradients the tape needs, no leaks, and tfjs's own ops everywhere else.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { useBackend } from './backend.js';
import { fusedActivationInstalled, installFusedActivation, removeFusedActivation } from './fused_activation.js';
import { wasmFixInstalled } from './kernels/fixes.js';
import { NO_NATIVE } from './native/native.fixture.js';

const onWasmWithFixes = () => tf.getBackend() === 'wasm' && wasmFixInstalled(tf._FusedMatMul);
after(() => installFusedActivation(onWasmWithFixes));

function models(seed: number) {
  const init = (s: number) => ({ kernelInitializer: tfl.initializers.glorotUniform({ seed: s }), biasInitializer: tfl.initializers.randomUniform({ minval: -0.5, maxval: 0.5, seed: s + 1 }) });
  return {
    mlp: tfl.sequential({
      layers: [
        tfl.layers.dense({ inputShape: [20], units: 16, activation: 'relu', ...init(seed) }),
        tfl.layers.dense({ units: 12, activation: 'relu', ...init(seed + 2) }),
        tfl.layers.dense({ units: 4, ...init(seed + 4) }),
      ],
    }),
    cnn: tfl.sequential({
      layers: [
        tfl.layers.conv2d({ inputShape: [9, 9, 2], filters: 3, kernelSize: 3, activation: 'relu', ...init(seed) }),
        tfl.layers.conv2d({ filters: 4, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', ...init(seed + 2) }),
        tfl.layers.flatten(),
        tfl.layers.dense({ units: 2, ...init(seed + 4) }),
      ],
    }),
  };
}

/** The loss Σ(output · r), its gradients for every trainable weight (read back), and the kernels run. */
async function lossAndGrads(model: tfl.LayersModel, x: tf.Tensor, r: tf.Tensor): Promise<{ loss: number; grads: Float32Array[]; kernels: string[] }> {
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const run = () => tf.variableGrads(() => tf.sum(tf.mul(model.apply(x) as tf.Tensor, r)) as tf.Scalar, vars);
  const info = await tf.profile(() => {
    const { value, grads } = run();
    tf.dispose([value, ...Object.values(grads)]);
  });
  const { value, grads } = run();
  const out = { loss: value.dataSync()[0], grads: vars.map((v) => grads[v.name].dataSync() as Float32Array), kernels: info.kernels.map((k) => k.name) };
  tf.dispose([value, ...Object.values(grads)]);
  return out;
}

function assertClose(a: Float32Array, b: Float32Array, label: string): void {
  assert.equal(a.length, b.length);
  for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i] - b[i]) <= 1e-5 * Math.max(1, Math.abs(b[i])), `${label}[${i}]: ${a[i]} vs ${b[i]}`);
}

for (const native of [false, true]) {
  const route = native ? 'the native route' : 'the wasm route';
  test(`on ${route}, dense layers (ReLU or linear) and conv layers with ReLU train through the fused kernels with tfjs-core's gradients`, { skip: native && NO_NATIVE }, () => fusedTraining(native));
}

async function fusedTraining(native: boolean): Promise<void> {
  await useBackend('wasm', { threads: 1, native });
  assert.ok(installFusedActivation(onWasmWithFixes), 'tf.fused is writable in Node');
  const { mlp, cnn } = models(3);
  const cases: Array<[string, tfl.LayersModel, tf.Tensor, tf.Tensor, string]> = [
    ['MLP', mlp, tf.randomNormal([7, 20], 0, 1, 'float32', 1), tf.randomNormal([7, 4], 0, 1, 'float32', 2), tf._FusedMatMul],
    ['CNN', cnn, tf.randomNormal([2, 9, 9, 2], 0, 1, 'float32', 3), tf.randomNormal([2, 2], 0, 1, 'float32', 4), tf.FusedConv2D],
  ];
  for (const [name, model, x, r, fusedKernel] of cases) {
    const before = tf.memory().numTensors;
    const fused = await lossAndGrads(model, x, r);
    const fusedKernels = fused.kernels;
    removeFusedActivation();
    const plain = await lossAndGrads(model, x, r);
    const plainKernels = plain.kernels;
    installFusedActivation(onWasmWithFixes);
    assert.equal(tf.memory().numTensors, before, `${name}: no tensor leaked`);
    assert.ok(Math.abs(fused.loss - plain.loss) <= 1e-5 * Math.abs(plain.loss), `${name}: loss ${fused.loss} vs ${plain.loss}`);
    fused.grads.forEach((g, i) => assertClose(g, plain.grads[i], `${name} gradient ${i}`));
    assert.equal(fusedKernels.filter((k) => k === 'Relu' || k === 'Add').length, 0, `${name} fused: ${fusedKernels}`);
    assert.ok(plainKernels.includes('Relu') && plainKernels.includes('Add'), `${name} unfused: ${plainKernels}`);
    assert.ok(fusedKernels.includes(fusedKernel), `${name}: ${fusedKernels}`);
    // dz and the bias gradient in one pass where the layer's width is a multiple of 4 (MLP 16 and 12,
    // the CNN's 4 filters), TrainkitReluGrad and Sum elsewhere (the CNN's 3 filters).
    const count = (ks: string[], k: string) => ks.filter((n) => n === k).length;
    assert.equal(count(fusedKernels, 'TrainkitReluGradBias'), name === 'MLP' ? 2 : 1, `${name}: ${fusedKernels}`);
    assert.equal(count(fusedKernels, 'TrainkitReluGrad'), name === 'MLP' ? 0 : 1, `${name}: ${fusedKernels}`);
    // Fewer kernels that do arithmetic (reshapes and identities only relabel a buffer).
    const arithmetic = (ks: string[]) => ks.filter((k) => k !== 'Reshape' && k !== 'Identity').length;
    assert.ok(arithmetic(fusedKernels) < arithmetic(plainKernels), `${name}: ${fusedKernels} vs ${plainKernels}`);
    // The data needs no gradient: the first layer computes its weights' gradient only, as unfused.
    const inputGrads = name === 'MLP' ? 'BatchMatMul' : 'Conv2DBackpropInput';
    const unfusedForward = name === 'MLP' ? 2 : 0; // the plain route's forward products of layers 1 and 2
    assert.equal(fusedKernels.filter((k) => k === inputGrads).length, plainKernels.filter((k) => k === inputGrads).length - unfusedForward, `${name}: ${inputGrads} calls`);
    if (name === 'MLP') {
      // The linear last layer too is one kernel on the tape (not tfjs-core's fused op), and no dense
      // layer reshapes its operands to a batch of one and back, forward or backward.
      assert.equal(count(fusedKernels, tf._FusedMatMul), 3, `${fusedKernels}`);
      assert.ok(!fusedKernels.includes('fusedMatMul__op') && plainKernels.includes('fusedMatMul__op'), `${fusedKernels}`);
      assert.ok(count(fusedKernels, 'Reshape') <= 2, `the loss's own reshapes only: ${fusedKernels}`);
    }
    tf.dispose([x, r]);
    model.dispose();
  }
}

test('other cases keep tfjs-core’s own ops: no tape, another activation, the cpu backend, the fixes removed', async () => {
  await useBackend('wasm', { threads: 1 });
  installFusedActivation(onWasmWithFixes);
  const a = tf.randomNormal([3, 4]);
  const b = tf.variable(tf.randomNormal([4, 5]));
  const bias = tf.variable(tf.randomNormal([5]));
  const kernelsOf = async (f: () => tf.Tensor) => (await tf.profile(() => void tf.dispose(f()))).kernels.map((k) => k.name);
  const underTape = (activation: 'relu' | 'elu') => () => {
    const { value, grads } = tf.variableGrads(() => tf.sum(tf.fused.matMul({ a, b, bias, activation })) as tf.Scalar, [b, bias]);
    tf.dispose(Object.values(grads));
    return value;
  };
  assert.ok((await kernelsOf(underTape('relu'))).includes('_FusedMatMul'));
  assert.ok(!(await kernelsOf(underTape('elu'))).includes('_FusedMatMul'), 'elu under a tape: tfjs unfuses it');
  await useBackend('cpu');
  const onCpu = await kernelsOf(underTape('relu'));
  assert.ok(onCpu.includes('Relu') && !onCpu.includes('_FusedMatMul'), `cpu: ${onCpu}`);
  removeFusedActivation();
  assert.equal(fusedActivationInstalled(), false);
  const direct = await kernelsOf(() => tf.fused.matMul({ a, b, bias, activation: 'relu' }));
  assert.ok(direct.includes('_FusedMatMul') && !direct.includes('Relu'), `without a tape tfjs fuses by itself: ${direct}`);
  installFusedActivation(onWasmWithFixes);
  tf.dispose([a, b, bias]);
});
