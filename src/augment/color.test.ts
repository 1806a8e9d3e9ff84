import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { Rng } from '../engine/rng.js';
import { applyJitter, colorJitter, hueMatrix, LUMA } from './color.js';
import { fitPcaColor, pcaColor } from './pca-color.js';
import { labels, values } from './fixtures.fixture.js';

await tf.setBackend('cpu');

const golden = JSON.parse(readFileSync(new URL('./fixtures/torch-color.json', import.meta.url), 'utf8'));
const goldenImages = (): tf.Tensor4D => tf.tensor4d(golden.images.values, golden.images.shape);

test("fitPcaColor's components are torch.linalg.eigh's of the colour covariance (to 1e-5)", async () => {
  const x = goldenImages();
  const basis = await fitPcaColor(x);
  const order = [2, 1, 0]; // eigh is ascending; the basis is largest first
  order.forEach((k, i) => {
    assert.ok(Math.abs(basis.values[i] - golden.pca.values[k]) < 1e-6, `λ${i}`);
    const ref = golden.pca.vectors.map((row: number[]) => row[k]);
    const dot = ref.reduce((s: number, r: number, j: number) => s + r * basis.vectors[i][j], 0);
    assert.ok(Math.abs(Math.abs(dot) - 1) < 1e-5, `p${i}: |cos| = ${Math.abs(dot)}`); // up to sign
  });
  x.dispose();
});

test('PCA colour moves pixels only along the principal components, with the requested σ', async () => {
  // Colours that vary along one direction only: all lighting noise lies along it.
  const dir = [2, 1, 2].map((v) => v / 3);
  const n = 2000;
  const t = Float32Array.from({ length: 4 * 4 }, (_, i) => (i % 7) / 7 - 0.4);
  const px = new Float32Array(4 * 4 * 3);
  t.forEach((v, i) => px.set(dir.map((d) => 0.5 + v * d), i * 3));
  const one = tf.tensor4d(px, [1, 4, 4, 3]);
  const basis = await fitPcaColor(one);
  assert.ok(basis.values[1] < 1e-6 && basis.values[0] > 1e-3);
  const x = tf.tile(one, [n, 1, 1, 1]) as tf.Tensor4D;
  const std = 0.3;
  const out = pcaColor({ std, basis })({ x, y: labels(n) }, new Rng(8));
  const shift = values(tf.sub(out.x, x));
  const twin = new Rng(8);
  const alphas: number[] = [];
  for (let i = 0; i < n; i++) {
    const a = [twin.normal(0, std), twin.normal(0, std), twin.normal(0, std)];
    alphas.push(a[0]);
    const d = shift.slice(i * 48, i * 48 + 3);
    // the same shift at every pixel of the image
    for (let p = 1; p < 16; p++) shift.slice(i * 48 + p * 3, i * 48 + p * 3 + 3).forEach((v, c) => assert.ok(Math.abs(v - d[c]) < 1e-6));
    // exactly α·λ·p summed over the components
    const expected = [0, 1, 2].map((c) => a.reduce((s, ak, k) => s + ak * basis.values[k] * basis.vectors[k][c], 0));
    d.forEach((v, c) => assert.ok(Math.abs(v - expected[c]) < 1e-6));
    // and along the colour direction: no component orthogonal to it
    const along = d[0] * dir[0] + d[1] * dir[1] + d[2] * dir[2];
    d.forEach((v, c) => assert.ok(Math.abs(v - along * dir[c]) < 1e-6));
  }
  const sample = Math.sqrt(alphas.reduce((s, a) => s + a * a, 0) / n);
  assert.ok(Math.abs(sample - std) < 0.05 * std, `σ of α: ${sample}`);
  tf.dispose([one, x, out.x, out.y]);
});

test("colour jitter's brightness, contrast and saturation follow torchvision's formulas (to 1e-6)", () => {
  const { brightness, contrast, saturation } = golden.jitter;
  const x = tf.slice(goldenImages(), 0, 1);
  const out = applyJitter(x, [{ brightness, contrast, saturation, hue: 0 }], true);
  values(out).forEach((v, i) => assert.ok(Math.abs(v - golden.jitter.out[i]) < 1e-6, `value ${i}: ${v} vs ${golden.jitter.out[i]}`));
  tf.dispose([x, out]);
});

test('saturation 0 makes grey pixels, and a hue turn keeps greys grey and a full turn is the identity', () => {
  const x = tf.tensor4d([0.9, 0.2, 0.1, 0.3, 0.6, 0.5], [1, 1, 2, 3]);
  const grey = values(applyJitter(x, [{ brightness: 1, contrast: 1, saturation: 0, hue: 0 }], false));
  [0, 3].forEach((p) => {
    const luma = LUMA.reduce((s, w, c) => s + w * values(x)[p + c], 0);
    [0, 1, 2].forEach((c) => assert.ok(Math.abs(grey[p + c] - luma) < 1e-6));
  });
  const h = hueMatrix(0.3);
  h.forEach((row) => assert.ok(Math.abs(row.reduce((a, b) => a + b, 0) - 1) < 1e-6)); // grey (1, 1, 1) stays
  hueMatrix(1).forEach((row, i) => row.forEach((v, j) => assert.ok(Math.abs(v - (i === j ? 1 : 0)) < 1e-9)));
  x.dispose();
});

test('colour jitter refuses hue and saturation on grey images and bad amounts, by name', () => {
  const grey = tf.ones([1, 2, 2, 1]) as tf.Tensor4D;
  assert.throws(() => colorJitter({ hue: 0.1 })({ x: grey, y: labels(1) }, new Rng(0)), /Invalid hue: 0\.1 \(expected 0 for grey/);
  assert.throws(() => colorJitter({ hue: 0.7 }), /Invalid hue: 0\.7/);
  assert.throws(() => colorJitter({ brightness: -1 }), /Invalid brightness: -1/);
  const out = colorJitter({ brightness: 0.5, contrast: 0.5 })({ x: grey, y: labels(1) }, new Rng(0));
  assert.deepEqual(out.x.shape, [1, 2, 2, 1]);
  tf.dispose([grey, out.x, out.y]);
});
