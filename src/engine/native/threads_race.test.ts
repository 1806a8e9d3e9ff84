/**
 * Threads never race: a long randomized run of native products (OpenBLAS, on one thread below
 * SMALL_PRODUCT multiply-adds and on two above, so the thread count switches between calls) and
 * convolutions (oneDNN's OpenMP threads), 1,500 calls interleaved in random order. A race would show as a
 * result that changes from one call to the next: every repeat of a case must give the very bits of
 * its first call, and that first call must match the cpu backend.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../rng.js';
import { useBackend } from '../backend.js';
import { maxAbsDiff, TOLERANCE } from '../kernels/oracle.fixture.js';
import { nativeProducts } from './blas.js';
import { nativeConvolutions } from './dnn.js';
import { SMALL_PRODUCT } from './openblas.js';
import { NATIVE_WASM, NO_NATIVE, NO_ONEDNN } from './native.fixture.js';

interface Case {
  label: string;
  inputs: { shape: number[]; values: Float32Array }[];
  run: (xs: tf.Tensor[]) => tf.Tensor;
}

function cases(rng: Rng, withConv: boolean): Case[] {
  const input = (shape: number[]) => ({ shape, values: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal()) });
  const out: Case[] = [];
  for (let i = 0; i < 12; i++) {
    const [m, k, n] = [1 + rng.int(300), 1 + rng.int(300), 1 + rng.int(300)];
    const [tA, tB] = [rng.uniform() < 0.5, rng.uniform() < 0.5];
    out.push({
      label: `product ${m}×${k}×${n}${tA ? ' Aᵀ' : ''}${tB ? ' Bᵀ' : ''} (${m * k * n < SMALL_PRODUCT ? 'one thread' : 'two threads'})`,
      inputs: [input(tA ? [k, m] : [m, k]), input(tB ? [n, k] : [k, n])],
      run: ([a, b]) => tf.matMul(a, b, tA, tB),
    });
  }
  if (withConv) {
    for (let i = 0; i < 6; i++) {
      const [h, c, f, s] = [6 + rng.int(20), 1 + rng.int(16), 1 + rng.int(16), 1 + rng.int(2)];
      const pad = rng.uniform() < 0.5 ? 'same' : 'valid';
      out.push({
        label: `conv ${h}×${h}×${c} → ${f}, stride ${s}, ${pad}`,
        inputs: [input([2, h, h, c]), input([3, 3, c, f])],
        run: ([x, w]) => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, s, pad),
      });
    }
  }
  return out;
}

const compute = (c: Case) =>
  tf.tidy(() => {
    const y = c.run(c.inputs.map((i) => tf.tensor(i.values, i.shape)));
    return y.dataSync() as Float32Array;
  });

test('native products and convolutions, 1,500 calls in random order: every repeat gives the same bits, and cpu’s numbers', { skip: NO_NATIVE }, async () => {
  const rng = new Rng(2026);
  const pool = cases(rng, NO_ONEDNN === false);
  await useBackend('cpu');
  const reference = pool.map(compute);
  await useBackend('wasm', NATIVE_WASM);
  const [products, convolutions, tensors] = [nativeProducts(), nativeConvolutions(), tf.memory().numTensors];
  const first: (Float32Array | undefined)[] = pool.map(() => undefined);
  const kinds = new Set(pool.filter((c) => c.label.startsWith('product')).map((c) => c.label.replace(/.*\(/, '')));
  assert.equal(kinds.size, 2, 'products on one thread and on two');
  for (let call = 0; call < 1500; call++) {
    const i = rng.int(pool.length);
    const got = compute(pool[i]);
    if (first[i] === undefined) {
      const limit = TOLERANCE * Math.max(1, ...reference[i].map(Math.abs));
      assert.ok(maxAbsDiff(got, reference[i]) <= limit, `${pool[i].label}: differs from cpu`);
      first[i] = got;
    } else {
      assert.deepEqual(got, first[i], `${pool[i].label}: call ${call} differs from the first call of the same case`);
    }
  }
  assert.ok(nativeProducts() > products, 'the products ran on the native BLAS');
  if (NO_ONEDNN === false) assert.ok(nativeConvolutions() > convolutions, 'the convolutions ran on oneDNN');
  assert.equal(tf.memory().numTensors, tensors, 'no tensor leaked');
});
