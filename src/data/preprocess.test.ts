import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../engine/rng.js';
import type { ArrayDataset } from './dataset.js';
import { symmetricEigen } from './eigen.js';
import { fitMeanSubtraction, fitStandardization } from './normalize.js';
import { fitPca, pcaReconstruct } from './pca.js';
import { applyPreprocessor, type Preprocessor } from './preprocess.js';
import { fitWhitening } from './whitening.js';

const D = 5;
/** n examples x = A·z + shift, z ~ N(0, diag(9, 4, 1, 0.25, 0.01)), one fixed random A: strongly correlated features. */
function correlated(n: number, seed: number, shift = 0): ArrayDataset {
  const a = new Rng(99);
  const A = Array.from({ length: D * D }, () => a.normal());
  const sd = [3, 2, 1, 0.5, 0.1];
  const rng = new Rng(seed);
  const x = new Float32Array(n * D);
  for (let i = 0; i < n; i++) {
    const z = sd.map((s) => s * rng.normal());
    for (let r = 0; r < D; r++) {
      let v = shift + r;
      for (let c = 0; c < D; c++) v += A[r * D + c] * z[c];
      x[i * D + r] = v;
    }
  }
  return { size: n, xShape: [D], x, yShape: [], y: new Int32Array(n), numClasses: 1 };
}

/** Mean and population covariance of the examples, in float64. */
function moments(ds: ArrayDataset): { mean: number[]; cov: number[][] } {
  const d = ds.x.length / ds.size;
  const mean = new Array(d).fill(0);
  for (let i = 0; i < ds.size; i++) for (let j = 0; j < d; j++) mean[j] += ds.x[i * d + j] / ds.size;
  const cov = Array.from({ length: d }, () => new Array(d).fill(0));
  for (let i = 0; i < ds.size; i++)
    for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) cov[a][b] += ((ds.x[i * d + a] - mean[a]) * (ds.x[i * d + b] - mean[b])) / ds.size;
  return { mean, cov };
}

const maxAbs = (xs: number[]): number => Math.max(...xs.map(Math.abs));

test('symmetricEigen returns orthonormal eigenvectors with A·v = λ·v, largest eigenvalue first', () => {
  const n = 12;
  const r = new Rng(5);
  const b = Array.from({ length: n * n }, () => r.normal());
  const a = Array.from({ length: n * n }, (_, k) => b[k] + b[(k % n) * n + Math.floor(k / n)]);
  const { values, vectors } = symmetricEigen(a, n);
  for (let k = 1; k < n; k++) assert.ok(values[k - 1] >= values[k]);
  for (let k = 0; k < n; k++)
    for (let i = 0; i < n; i++) {
      let av = 0;
      for (let j = 0; j < n; j++) av += a[i * n + j] * vectors[k * n + j];
      assert.ok(Math.abs(av - values[k] * vectors[k * n + i]) < 1e-12, `A·v = λ·v for eigenpair ${k}`);
    }
  for (let k = 0; k < n; k++)
    for (let l = 0; l < n; l++) {
      let dot = 0;
      for (let j = 0; j < n; j++) dot += vectors[k * n + j] * vectors[l * n + j];
      assert.ok(Math.abs(dot - (k === l ? 1 : 0)) < 1e-12);
    }
  assert.deepEqual([...symmetricEigen([2, 1, 1, 2], 2).values].map((v) => Math.round(v * 1e12) / 1e12), [3, 1]);
});

test('PCA and ZCA whitening give the training data mean 0 and covariance the identity (|error| < 1e-3)', () => {
  const train = correlated(2000, 1, 4);
  for (const p of [fitWhitening(train, { method: 'pca' }), fitWhitening(train, { method: 'zca' })]) {
    const { mean, cov } = moments(applyPreprocessor(p, train));
    assert.ok(maxAbs(mean) < 1e-5, `${p.method} mean ${mean}`);
    // Exactly diag(λ/(λ+ε)) up to float32 rounding: ε = 1e-5 against λ >= ~0.01 leaves < 1e-3.
    for (let a = 0; a < D; a++) for (let b = 0; b < D; b++) assert.ok(Math.abs(cov[a][b] - (a === b ? 1 : 0)) < 1e-3, `${p.method} cov[${a}][${b}] = ${cov[a][b]}`);
  }
});

test('ZCA whitening keeps the input shape and is symmetric; PCA whitening with k keeps k components', () => {
  const train = correlated(500, 2);
  const zca = fitWhitening(train);
  assert.deepEqual(applyPreprocessor(zca, train).xShape, [D]);
  for (let a = 0; a < D; a++) for (let b = 0; b < D; b++) assert.ok(Math.abs(zca.matrix[a * D + b] - zca.matrix[b * D + a]) < 1e-9);
  const pw = fitWhitening(train, { method: 'pca', k: 2 });
  const out = applyPreprocessor(pw, train);
  assert.deepEqual(out.xShape, [2]);
  const { cov } = moments(out);
  assert.ok(Math.abs(cov[0][0] - 1) < 1e-3 && Math.abs(cov[1][1] - 1) < 1e-3 && Math.abs(cov[0][1]) < 1e-3);
  assert.throws(() => fitWhitening(train, { method: 'zca', k: 2 }), /Invalid k: 2/);
  assert.throws(() => fitWhitening(train, { epsilon: -1 }), /Invalid epsilon: -1/);
});

test('PCA reconstruction error falls as k grows and vanishes at k = d', () => {
  const train = correlated(1000, 3);
  const test = correlated(300, 4);
  const errors: number[] = [];
  for (let k = 1; k <= D; k++) {
    const pca = fitPca(train, { k });
    const back = pcaReconstruct(pca, applyPreprocessor(pca, test));
    let se = 0;
    for (let i = 0; i < test.x.length; i++) se += (back.x[i] - test.x[i]) ** 2;
    errors.push(se / test.size);
  }
  for (let k = 1; k < D; k++) assert.ok(errors[k] < errors[k - 1], `error(k=${k + 1}) ${errors[k]} < error(k=${k}) ${errors[k - 1]}`);
  assert.ok(errors[D - 1] < 1e-8, `full reconstruction error ${errors[D - 1]}`);
  // The training variances are the generating ones, up to sampling noise (sd² = 9, 4, 1, 0.25, 0.01 before mixing: not
  // checked exactly), and the kept share grows with k.
  const p2 = fitPca(train, { k: 2 });
  const p5 = fitPca(train, { k: D });
  const share = (p: typeof p2): number => p.variances.reduce((a, b) => a + b, 0) / p.totalVariance;
  assert.ok(share(p2) < share(p5) && Math.abs(share(p5) - 1) < 1e-9);
});

test('apply(fit(train)) on validation uses the training statistics, not the validation set\'s own', () => {
  const train = correlated(1000, 5, 0);
  const validation = correlated(1000, 6, 3); // every feature shifted by +3
  const center = fitMeanSubtraction(train);
  const out = applyPreprocessor(center, validation);
  const { mean } = moments(out);
  const trainMean = moments(train).mean;
  const valMean = moments(validation).mean;
  for (let j = 0; j < D; j++) assert.ok(Math.abs(mean[j] - (valMean[j] - trainMean[j])) < 1e-4);
  assert.ok(mean.every((m) => Math.abs(m - 3) < 0.5), `validation keeps its shift: ${mean}`);
  const zca = fitWhitening(train);
  const w = moments(applyPreprocessor(zca, validation)).mean;
  assert.ok(maxAbs(w) > 1, 'whitened validation mean is not forced to 0');
});

test('per-channel mean subtraction and standardisation pool over positions; per-feature keeps a mean image', () => {
  // 2×2 images with 2 channels: channel 0 = 1 + i, channel 1 = 10·i, for i = 0..3.
  const n = 4;
  const x = new Float32Array(n * 8);
  for (let i = 0; i < n; i++) for (let p = 0; p < 4; p++) {
    x[i * 8 + p * 2] = 1 + i + p;
    x[i * 8 + p * 2 + 1] = 10 * i;
  }
  const ds: ArrayDataset = { size: n, xShape: [2, 2, 2], x, yShape: [], y: new Int32Array(n), numClasses: 1 };
  const perChannel = fitMeanSubtraction(ds, { per: 'channel' });
  assert.deepEqual(perChannel.mean, [4, 15]);
  const perFeature = fitMeanSubtraction(ds);
  assert.equal(perFeature.mean.length, 8);
  assert.equal(perFeature.mean[2], 3.5);
  const std = applyPreprocessor(fitStandardization(ds), ds);
  for (const c of [0, 1]) {
    let m = 0;
    let v = 0;
    for (let i = c; i < std.x.length; i += 2) m += std.x[i] / 16;
    for (let i = c; i < std.x.length; i += 2) v += (std.x[i] - m) ** 2 / 16;
    assert.ok(Math.abs(m) < 1e-6 && Math.abs(v - 1) < 1e-6, `channel ${c}: mean ${m}, variance ${v}`);
  }
  assert.throws(() => fitMeanSubtraction(ds, { per: 'pixel' as never }), /Invalid per: "pixel"/);
  assert.throws(() => applyPreprocessor(perChannel, { ...ds, xShape: [8], x }), /example shape: \[8\]/);
});

test('fitted states survive JSON and apply identically in a list, in order', () => {
  const train = correlated(300, 8);
  const std = fitStandardization(train, { per: 'feature' });
  const pca = fitPca(applyPreprocessor(std, train), { k: 3 });
  const steps: Preprocessor[] = [std, pca];
  const again = JSON.parse(JSON.stringify(steps)) as Preprocessor[];
  const a = applyPreprocessor(steps, train);
  const b = applyPreprocessor(again, train);
  assert.deepEqual(a.xShape, [3]);
  assert.deepEqual([...b.x], [...a.x]);
  const white = fitWhitening(train, { method: 'pca' });
  assert.deepEqual([...applyPreprocessor(JSON.parse(JSON.stringify(white)), train).x], [...applyPreprocessor(white, train).x]);
});
