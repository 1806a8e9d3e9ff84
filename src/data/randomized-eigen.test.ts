import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { InvalidArgumentError } from '../errors.js';
import { Rng } from '../engine/rng.js';
import type { ArrayDataset } from './dataset.js';
import { orthonormalizeRows } from './orthonormalize.js';
import { fitPca, type Pca } from './pca.js';
import { applyPreprocessor } from './preprocess.js';
import { autoSolver } from './principal-axes.js';
import { randomizedEigen } from './randomized-eigen.js';
import { subspaceSine } from './subspace.js';
import { fitWhitening } from './whitening.js';

await tf.setBackend('cpu');

/**
 * n examples x = 1 + Σᵣ √λᵣ·zᵣ·bᵣ with z ~ N(0, 1) and orthonormal random directions bᵣ in R^d:
 * a covariance with eigenvalues λᵣ (up to sampling noise) on known axes, zero elsewhere.
 */
function withSpectrum(n: number, d: number, lambdas: readonly number[], seed: number): ArrayDataset {
  const rng = new Rng(seed);
  const r = lambdas.length;
  const b = orthonormalizeRows(Float64Array.from({ length: r * d }, () => rng.normal()), r, d, rng);
  const x = new Float32Array(n * d).fill(1);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < r; j++) {
      const c = Math.sqrt(lambdas[j]) * rng.normal();
      for (let t = 0; t < d; t++) x[i * d + t] += c * b[j * d + t];
    }
  return { size: n, xShape: [d], x, yShape: [], y: new Int32Array(n) };
}

/** The largest |sin| of the angle between component j of two fits, over the first `count`. */
function worstComponentSine(a: Pca, b: Pca, count: number, d: number): number {
  let worst = 0;
  for (let j = 0; j < count; j++) {
    let dot = 0;
    for (let t = 0; t < d; t++) dot += a.components[j * d + t] * b.components[j * d + t];
    worst = Math.max(worst, Math.sqrt(Math.max(0, 1 - dot * dot)));
  }
  return worst;
}

const D = 256;
const N = 2000;
// 8 well-separated eigenvalues, then a tail below 0.01: a large gap after the 8th.
const GAPPED = [9, 8, 7, 6, 5, 4, 3, 2, ...Array.from({ length: 22 }, (_, i) => 0.01 * 0.9 ** i)];

test('randomized PCA matches the exact route on a gapped spectrum: variances to 1.5e-5 relative, axes to sin 3e-5', () => {
  // k = 8 → l = 8 + max(10, 8) = 18 test vectors, q = 4. Truncation: the angle to each axis j <= 8
  // shrinks like tan θ₀·(λ₁₉/λ₈)^q ≈ tan θ₀·(0.0035/2)^4 ≈ 1e-11·tan θ₀: nothing even for tan θ₀ = 1e3.
  // Rounding dominates: the products are float32 (u = 2⁻²⁴ ≈ 6e-8) sums of n = 2000 terms, typically
  // off by √n·u ≈ 2.7e-6 relative, so the l × l problem moves by about 2.7e-6·λ₁ ≈ 2.4e-5 (λ₁ ≈ 9).
  // By Weyl a variance moves as much: relative 1.2e-5 at λ₈ ≈ 2 (bound 1.5e-5); by Davis–Kahan an
  // axis turns by 2.4e-5 / gap, the gap between sample eigenvalues being >= 0.8 here: 3e-5.
  const ds = withSpectrum(N, D, GAPPED, 1);
  const exact = fitPca(ds, { k: 8, solver: 'exact' });
  const fast = fitPca(ds, { k: 8, solver: 'randomized' });
  assert.equal(fast.solver, 'randomized');
  assert.equal(exact.solver, 'exact');
  const rel = fast.variances.map((v, i) => Math.abs(v - exact.variances[i]) / exact.variances[i]);
  assert.ok(Math.max(...rel) < 1.5e-5, `relative variance errors ${rel}`);
  assert.ok(worstComponentSine(fast, exact, 8, D) < 3e-5, `component sine ${worstComponentSine(fast, exact, 8, D)}`);
  assert.ok(subspaceSine(fast.components, exact.components, 8, D) < 3e-5);
  // The same sign convention on both routes: component for component, not just up to sign.
  for (let j = 0; j < 8; j++) {
    let dot = 0;
    for (let t = 0; t < D; t++) dot += fast.components[j * D + t] * exact.components[j * D + t];
    assert.ok(dot > 0.999, `component ${j}: dot ${dot}`);
  }
  assert.ok(Math.abs(fast.totalVariance - exact.totalVariance) / exact.totalVariance < 1e-9);
  for (let j = 0; j < D; j++) assert.ok(Math.abs(fast.mean[j] - exact.mean[j]) < 1e-9);
});

test('without a gap, randomized variances stay below the exact ones and converge as (λ₂₁/λⱼ)^(2q)', () => {
  // λᵣ = r^-1.6 for r = 1..60 (a power law, as natural images roughly have), k = 10 → l = 20, q = 4.
  // Ritz values never exceed the eigenvalues (Cauchy interlacing): θⱼ <= λⱼ up to rounding (1.5e-5
  // relative, as above). Their error is at most λⱼ·tan²θ₀·(λ₂₁/λⱼ)^(2q) (Saad 2011, Thm 5.2, squared
  // by Rayleigh–Ritz) plus rounding. tan θ₀, the Gaussian start's angle, is about
  // 1 + e·√l/(l − j)·√(rank − j) <= 10 in expectation (Halko et al. 2011, Thm 10.5, with the 60
  // directions of nonzero variance; the others vanish in the first product): tan²θ₀ <= 1e3 allows 10×.
  const lambdas = Array.from({ length: 60 }, (_, r) => (r + 1) ** -1.6);
  const ds = withSpectrum(N, D, lambdas, 2);
  const exact = fitPca(ds, { k: 21, solver: 'exact' });
  const fast = fitPca(ds, { k: 10, solver: 'randomized' });
  for (let j = 0; j < 10; j++) {
    const l = exact.variances[j];
    assert.ok(fast.variances[j] <= l * (1 + 1.5e-5), `Ritz value ${j} ${fast.variances[j]} above ${l}`);
    const bound = 1e3 * (exact.variances[20] / l) ** 8 + 1.5e-5;
    assert.ok((l - fast.variances[j]) / l <= bound, `variance ${j}: relative error ${(l - fast.variances[j]) / l} > ${bound}`);
  }
});

test('the same seed gives the same components bit for bit; another seed agrees within the stated bounds', () => {
  const ds = withSpectrum(N, D, GAPPED, 3);
  const a = fitPca(ds, { k: 8, solver: 'randomized', seed: 5 });
  const b = fitPca(ds, { k: 8, solver: 'randomized', seed: 5 });
  assert.deepEqual(b, a);
  const c = fitPca(ds, { k: 8, solver: 'randomized', seed: 6 });
  assert.notDeepEqual(c.components, a.components);
  assert.ok(worstComponentSine(a, c, 8, D) < 6e-5); // each within 3e-5 of the exact axes
  assert.ok(Math.max(...a.variances.map((v, i) => Math.abs(v - c.variances[i]) / v)) < 3e-5);
});

test('randomized PCA whitening leaves the training data with covariance the identity (|error| < 1e-5)', () => {
  const ds = withSpectrum(N, D, GAPPED, 4);
  const white = applyPreprocessor(fitWhitening(ds, { method: 'pca', k: 8, solver: 'randomized' }), ds);
  assert.deepEqual(white.xShape, [8]);
  const mean = new Float64Array(8);
  for (let i = 0; i < N; i++) for (let a = 0; a < 8; a++) mean[a] += white.x[i * 8 + a] / N;
  for (let a = 0; a < 8; a++)
    for (let b = 0; b < 8; b++) {
      let c = 0;
      for (let i = 0; i < N; i++) c += ((white.x[i * 8 + a] - mean[a]) * (white.x[i * 8 + b] - mean[b])) / N;
      // Diagonal: λ/(λ + ε) = 1 − 5e-6 at worst (ε = 1e-5, λ >= 2). Off the diagonal: Ritz vectors are
      // exactly uncorrelated on the projected covariance, so only rounding remains (2.7e-6, as above).
      assert.ok(Math.abs(c - (a === b ? 1 : 0)) < 1e-5, `cov[${a}][${b}] = ${c}`);
    }
});

test('products over blocks of rows agree with one block (rounding only: 1.5e-5) and free every block', () => {
  const ds = withSpectrum(N, D, GAPPED, 9);
  const mean = new Float64Array(D);
  for (let i = 0; i < N; i++) for (let t = 0; t < D; t++) mean[t] += ds.x[i * D + t] / N;
  const options = { k: 8, oversampling: 10, powerIterations: 4, seed: 1 };
  const whole = randomizedEigen(ds.x, N, D, mean, options);
  const before = tf.memory().numTensors;
  const blocked = randomizedEigen(ds.x, N, D, mean, { ...options, rowsPerBlock: 300 }); // 7 blocks, the last of 200 rows
  assert.equal(tf.memory().numTensors, before);
  for (let j = 0; j < 8; j++) {
    assert.ok(Math.abs(blocked.values[j] - whole.values[j]) / whole.values[j] < 1.5e-5, `value ${j}`);
    let dot = 0;
    for (let t = 0; t < D; t++) dot += blocked.vectors[j * D + t] * whole.vectors[j * D + t];
    assert.ok(Math.sqrt(Math.max(0, 1 - dot * dot)) < 3e-5, `vector ${j}: |cos| ${Math.abs(dot)}`);
  }
});

test('randomized PCA leaks no tensors (fitPca and PCA whitening)', () => {
  const ds = withSpectrum(300, 64, GAPPED.slice(0, 12), 5);
  const before = tf.memory().numTensors;
  fitPca(ds, { k: 4, solver: 'randomized' });
  fitWhitening(ds, { method: 'pca', k: 4, solver: 'randomized' });
  assert.equal(tf.memory().numTensors, before);
});

test("solver 'auto' picks the randomized route when d > 500 and k < d/2, else the exact one", () => {
  assert.equal(autoSolver(50, 784), 'randomized');
  assert.equal(autoSolver(391, 784), 'randomized');
  assert.equal(autoSolver(392, 784), 'exact');
  assert.equal(autoSolver(100, 500), 'exact');
  assert.equal(autoSolver(100, 3072), 'randomized');
  const wide = withSpectrum(40, 600, [4, 2, 1], 6);
  assert.equal(fitPca(wide, { k: 3 }).solver, 'randomized');
  assert.equal(fitPca(withSpectrum(40, 20, [4, 2, 1], 6), { k: 3 }).solver, 'exact');
});

test('more components than the data has rank still come out orthonormal, with variance ~0 beyond the rank', () => {
  // 12 examples along 5 directions: rank 5, and k = 16 asks for more (l = 32 test vectors).
  const ds = withSpectrum(12, 64, [5, 4, 3, 2, 1], 7);
  const p = fitPca(ds, { k: 16, solver: 'randomized' });
  for (let i = 0; i < 16; i++)
    for (let j = 0; j < 16; j++) {
      let dot = 0;
      for (let t = 0; t < 64; t++) dot += p.components[i * 64 + t] * p.components[j * 64 + t];
      assert.ok(Math.abs(dot - (i === j ? 1 : 0)) < 1e-12, `components ${i}, ${j}: ${dot}`);
    }
  // Beyond the rank only the float32 rounding of the stored data is left: values of size <~ 10 with
  // u ≈ 6e-8, a variance of at most (10·u)² ≈ 4e-13 per direction.
  for (let j = 5; j < 16; j++) assert.ok(p.variances[j] < 4e-13, `variance ${j}: ${p.variances[j]}`);
  const exact = fitPca(ds, { k: 5, solver: 'exact' });
  for (let j = 0; j < 5; j++) assert.ok(Math.abs(p.variances[j] - exact.variances[j]) / exact.variances[j] < 1.5e-5);
});

test('bad solver options throw InvalidArgumentError naming the value and what would be valid', () => {
  const ds = withSpectrum(50, 16, [2, 1], 8);
  const bad = (f: () => unknown, re: RegExp): void => assert.throws(f, (e: unknown) => e instanceof InvalidArgumentError && re.test(e.message));
  bad(() => fitPca(ds, { k: 2, solver: 'fast' as never }), /Invalid solver: "fast" \(expected 'auto', 'exact' or 'randomized'\)/);
  bad(() => fitPca(ds, { k: 2, oversampling: -1 }), /Invalid oversampling: -1 \(expected a finite integer >= 0\)/);
  bad(() => fitPca(ds, { k: 2, powerIterations: 1.5 }), /Invalid powerIterations: 1\.5/);
  bad(() => fitPca(ds, { k: 2, seed: 0.5 }), /Invalid seed: 0\.5 \(expected a safe integer\)/);
  bad(() => fitPca(ds, { k: 17 }), /Invalid k: 17 \(expected a finite integer >= 1 and <= 16\)/);
  bad(() => fitWhitening(ds, { solver: 'randomized' }), /Invalid solver: "randomized" \(expected 'auto' or 'exact' for ZCA whitening/);
  const nan = { ...ds, x: ds.x.map((v, i) => (i === 7 ? NaN : v)) };
  bad(() => fitPca(nan, { k: 2, solver: 'randomized' }), /Invalid fitPca: x\[7\]: NaN \(expected finite values\)/);
});
