/**
 * The reference every wasm kernel fix is checked against: the same computation on tfjs's cpu
 * backend (plain JavaScript loops, float32 storage). Kernel tests import these helpers; this file
 * has no tests of its own, `oracle_self.test.ts` checks the helpers. Named *.fixture.ts: it stays
 * out of the published build and the test runner does not load it as a test file.
 *
 * Tolerance: |wasm − cpu| ≤ 1e-4 · max(1, max |cpu|) elementwise. Both are float32 with different
 * summation orders (XNNPACK blocks its sums); for the sums of ≤ a few thousand O(1) products
 * used here the observed gap is ~1e-6 relative, so 1e-4 is loose enough to be stable and tight
 * enough to catch any wrong index (which gives O(1) errors).
 */
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../rng.js';
import { useBackend, type BackendOptions } from '../backend.js';

export const TOLERANCE = 1e-4;

export interface Input {
  shape: number[];
  values: Float32Array;
}

/** Standard-normal inputs of the given shapes, reproducible from the seed. */
export function randomInputs(seed: number, shapes: Record<string, number[]>): Record<string, Input> {
  const rng = new Rng(seed);
  const out: Record<string, Input> = {};
  for (const [name, shape] of Object.entries(shapes)) {
    const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
    for (let i = 0; i < values.length; i++) values[i] = rng.normal();
    out[name] = { shape, values };
  }
  return out;
}

export interface Result {
  shapes: number[][];
  values: Float32Array[];
  /** Tensors and backend buffers left behind by the computation (both must be 0). */
  leakedTensors: number;
  leakedBuffers: number;
}

/**
 * Runs `compute` on fresh tensors made from `inputs` on one backend (wasm: single-threaded and on
 * trainkit's wasm kernels, not native ones, unless `wasmOptions` say otherwise) and reads its outputs.
 * Counts live tensors (tf.memory) and the backend's own buffers before and after, so a kernel that
 * forgets an intermediate is caught even though it never became a tensor.
 */
export async function runOn(
  backend: 'cpu' | 'wasm',
  inputs: Record<string, Input>,
  compute: (t: Record<string, tf.Tensor>) => tf.Tensor | tf.Tensor[],
  wasmOptions: BackendOptions = { threads: 1, native: false },
): Promise<Result> {
  await useBackend(backend, backend === 'wasm' ? wasmOptions : {});
  const tensors: Record<string, tf.Tensor> = {};
  for (const [name, { shape, values }] of Object.entries(inputs)) tensors[name] = tf.tensor(values, shape, 'float32');
  const tensorsBefore = tf.memory().numTensors;
  const buffersBefore = tf.backend().numDataIds();
  const outs = tf.tidy(() => [compute(tensors)].flat());
  const shapes = outs.map((o) => o.shape);
  const values = outs.map((o) => o.dataSync() as Float32Array);
  tf.dispose(outs);
  const result = {
    shapes,
    values,
    leakedTensors: tf.memory().numTensors - tensorsBefore,
    leakedBuffers: tf.backend().numDataIds() - buffersBefore,
  };
  tf.dispose(Object.values(tensors));
  return result;
}

/** Largest |a − b| (Infinity on a length mismatch or a NaN on one side only). */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let d = 0;
  for (let i = 0; i < a.length; i++) {
    if (Number.isNaN(a[i]) !== Number.isNaN(b[i])) return Infinity;
    if (!Number.isNaN(a[i])) d = Math.max(d, Math.abs(a[i] - b[i]));
  }
  return d;
}

function scale(values: ArrayLike<number>): number {
  let m = 1;
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i])) m = Math.max(m, Math.abs(values[i]));
  return m;
}

/** Asserts that fixed wasm matches cpu: same shapes, values within TOLERANCE, no leak on wasm. */
export async function assertMatchesCpu(
  label: string,
  inputs: Record<string, Input>,
  compute: (t: Record<string, tf.Tensor>) => tf.Tensor | tf.Tensor[],
  wasmOptions: BackendOptions = { threads: 1, native: false },
): Promise<void> {
  const cpu = await runOn('cpu', inputs, compute);
  const wasm = await runOn('wasm', inputs, compute, wasmOptions);
  assert.deepEqual(wasm.shapes, cpu.shapes, `${label}: shapes`);
  cpu.values.forEach((expected, i) => {
    const d = maxAbsDiff(wasm.values[i], expected);
    const limit = TOLERANCE * scale(expected);
    assert.ok(d <= limit, `${label}: output ${i} differs from cpu by ${d} (limit ${limit})`);
  });
  assert.equal(wasm.leakedTensors, 0, `${label}: leaked tensors on wasm`);
  assert.equal(wasm.leakedBuffers, 0, `${label}: leaked wasm buffers`);
}

/** A 2-D convolution's geometry (NHWC input, [kh, kw, inC, outC] filter). */
export interface ConvGeometry {
  label: string;
  x: [number, number, number, number];
  filter: [number, number, number, number];
  strides: [number, number];
  pad: 'same' | 'valid' | number | [[number, number], [number, number], [number, number], [number, number]];
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/** The geometries every convolution-gradient kernel is checked on. */
export const CONV_GEOMETRIES: ConvGeometry[] = [
  { label: '3x3 stride 1 same, odd sizes', x: [2, 9, 7, 3], filter: [3, 3, 3, 4], strides: [1, 1], pad: 'same' },
  { label: '3x3 stride 1 valid', x: [2, 8, 9, 3], filter: [3, 3, 3, 5], strides: [1, 1], pad: 'valid' },
  { label: '3x3 stride 2 same, odd size', x: [2, 9, 9, 3], filter: [3, 3, 3, 4], strides: [2, 2], pad: 'same' },
  { label: '3x3 stride 2 same, even size', x: [3, 10, 8, 2], filter: [3, 3, 2, 4], strides: [2, 2], pad: 'same' },
  { label: '3x3 stride 2 valid, a row no window reaches', x: [2, 10, 10, 3], filter: [3, 3, 3, 4], strides: [2, 2], pad: 'valid' },
  { label: '5x5 stride 2 same', x: [2, 12, 13, 2], filter: [5, 5, 2, 3], strides: [2, 2], pad: 'same' },
  { label: '1x1 stride 2', x: [2, 7, 7, 4], filter: [1, 1, 4, 6], strides: [2, 2], pad: 'valid' },
  { label: 'strides [1, 2]', x: [2, 7, 9, 3], filter: [3, 3, 3, 4], strides: [1, 2], pad: 'same' },
  { label: 'numeric pad 1, stride 2, ceil rounding', x: [2, 8, 8, 3], filter: [3, 3, 3, 4], strides: [2, 2], pad: 1, dimRoundingMode: 'ceil' },
  { label: 'explicit uneven pads', x: [2, 8, 7, 3], filter: [3, 3, 3, 4], strides: [1, 1], pad: [[0, 0], [1, 2], [2, 0], [0, 0]] },
  { label: 'explicit pads, stride 2', x: [2, 9, 8, 3], filter: [3, 2, 3, 4], strides: [2, 2], pad: [[0, 0], [2, 1], [0, 1], [0, 0]] },
  { label: 'pads wider than the filter', x: [1, 5, 5, 2], filter: [2, 2, 2, 3], strides: [1, 1], pad: [[0, 0], [3, 2], [2, 3], [0, 0]] },
  { label: 'batch 1, one channel (a first layer)', x: [1, 12, 12, 1], filter: [3, 3, 1, 8], strides: [1, 1], pad: 'same' },
  { label: 'wide channels', x: [4, 6, 6, 32], filter: [3, 3, 32, 48], strides: [1, 1], pad: 'same' },
];

/** The output shape of a convolution (depthwise when `depthwise`). */
export function convOutShape(g: ConvGeometry, depthwise = false): number[] {
  const info = tf.backend_util.computeConv2DInfo(g.x, g.filter, g.strides, 1, g.pad, g.dimRoundingMode, depthwise);
  return info.outShape;
}

/** CONV_GEOMETRIES as depthwise convolutions, channel multiplier alternating 1 and 2. */
export const DEPTHWISE_GEOMETRIES: ConvGeometry[] = CONV_GEOMETRIES.map((g, i) => ({
  ...g,
  label: `${g.label}, multiplier ${(i % 2) + 1}`,
  filter: [g.filter[0], g.filter[1], g.x[3], (i % 2) + 1],
}));
