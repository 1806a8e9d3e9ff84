/**
 * PCA benchmark (a benchmark, not a test): `npx tsx bench/pca.ts [--exact] [--exact-3072] [--iterations 2,4,7]`.
 *
 * Times `fitPca` on the best backend (`useBestBackend()`: trainkit's wasm engine, 2 threads here):
 * - 10,000 Fashion-MNIST training images, d = 784, k = 50;
 * - 10,000 × 3,072 synthetic "images" of rank 300: x = m + Σᵣ sᵣ·zᵣ·bᵣ, z ~ N(0, 1), orthonormal
 *   random directions bᵣ and a power-law spectrum sᵣ = r^-0.8 (natural images' spectra fall
 *   roughly so), k = 100. Its exact eigenpairs come cheaply from the construction: the sample
 *   covariance is Bᵀ·S·(Z̄ᵀZ̄/n)·S·B, so they are those of a 300 × 300 matrix (float64) rotated by B.
 * The randomized route always (its default settings unless --iterations); the exact route with
 * --exact (d = 784, ~30 s) and --exact-3072 (d = 3,072: about 15 minutes on 2 cores by the O(d³) count).
 * Against the exact eigenpairs it prints the largest relative error of the k variances, the share
 * of the top-k variance missed, and the sine of the largest principal angle between the top-10
 * subspaces and between the top-k subspaces.
 */
import * as tf from '@tensorflow/tfjs-core';
import { backendInfo, useBestBackend } from '../src/engine/backend.js';
import { Rng } from '../src/engine/rng.js';
import type { ArrayDataset } from '../src/data/dataset.js';
import { symmetricEigen } from '../src/data/eigen.js';
import { fashionMnist } from '../src/data/fashion-mnist.js';
import { orthonormalizeRows } from '../src/data/orthonormalize.js';
import { fitPca, type Pca, type PcaOptions } from '../src/data/pca.js';
import { subspaceSine } from '../src/data/subspace.js';

/** Top eigenvalues (largest first) and unit eigenvectors (k × d rows). */
interface Reference {
  variances: number[];
  components: number[];
}

const args = process.argv.slice(2);
const iterations = args.includes('--iterations') ? args[args.indexOf('--iterations') + 1].split(',').map(Number) : [undefined];

/** n × d examples of rank `rank` (see the module comment) and their exact top-k eigenpairs. */
function structured(n: number, d: number, rank: number, k: number, seed: number): { ds: ArrayDataset; reference: Reference } {
  const rng = new Rng(seed);
  const b = orthonormalizeRows(Float64Array.from({ length: rank * d }, () => rng.normal()), rank, d, rng);
  const s = Float64Array.from({ length: rank }, (_, r) => (r + 1) ** -0.8);
  const z = Float64Array.from({ length: n * rank }, () => rng.normal());
  const sb = Float32Array.from(b, (v, i) => v * s[Math.floor(i / d)]);
  const x = tf.tidy(() => tf.add(tf.matMul(tf.tensor2d(Float32Array.from(z), [n, rank]), tf.tensor2d(sb, [rank, d])), 0.5));
  const ds: ArrayDataset = { size: n, xShape: [d], x: x.dataSync() as Float32Array, yShape: [], y: new Int32Array(n) };
  x.dispose();
  // M = S·(Z̄ᵀZ̄/n)·S in float64, Z̄ the column-centred z.
  const mean = new Float64Array(rank);
  for (let i = 0; i < n; i++) for (let r = 0; r < rank; r++) mean[r] += z[i * rank + r] / n;
  const m = new Float64Array(rank * rank);
  const row = new Float64Array(rank);
  for (let i = 0; i < n; i++) {
    for (let r = 0; r < rank; r++) row[r] = z[i * rank + r] - mean[r];
    for (let r = 0; r < rank; r++) for (let c = r; c < rank; c++) m[r * rank + c] += row[r] * row[c];
  }
  for (let r = 0; r < rank; r++)
    for (let c = r; c < rank; c++) m[c * rank + r] = m[r * rank + c] = (m[r * rank + c] * s[r] * s[c]) / n;
  const eig = symmetricEigen(m, rank);
  const components = new Array<number>(k * d).fill(0);
  for (let j = 0; j < k; j++) for (let r = 0; r < rank; r++) for (let t = 0; t < d; t++) components[j * d + t] += eig.vectors[j * rank + r] * b[r * d + t];
  return { ds, reference: { variances: [...eig.values.subarray(0, k)], components } };
}

function timed(ds: ArrayDataset, options: PcaOptions): { pca: Pca; s: number } {
  const t0 = performance.now();
  const pca = fitPca(ds, options);
  return { pca, s: (performance.now() - t0) / 1000 };
}

function compare(randomized: Pca, exact: Reference, d: number): string {
  const k = randomized.variances.length;
  const rel = Math.max(...randomized.variances.map((v, i) => Math.abs(v - exact.variances[i]) / exact.variances[i]));
  const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);
  const missed = 1 - sum(randomized.variances) / sum(exact.variances.slice(0, k));
  const top = Math.min(10, k);
  const sine10 = subspaceSine(randomized.components.slice(0, top * d), exact.components.slice(0, top * d), top, d);
  const sineK = subspaceSine(randomized.components, exact.components.slice(0, k * d), k, d);
  return (
    `max rel variance error ${rel.toExponential(2)}, top-${k} variance missed ${missed.toExponential(2)}, ` +
    `sin θ top-${top} ${sine10.toExponential(2)}, sin θ top-${k} ${sineK.toExponential(2)}`
  );
}

async function run(name: string, ds: ArrayDataset, k: number, exact: boolean, known?: Reference): Promise<void> {
  let reference = known;
  if (exact) {
    const e = timed(ds, { k, solver: 'exact' });
    reference = e.pca;
    console.log(`${name}: exact      ${e.s.toFixed(2)} s${known ? `; against the construction: ${compare(e.pca, known, ds.x.length / ds.size)}` : ''}`);
  }
  for (const powerIterations of iterations) {
    const r = timed(ds, { k, solver: 'randomized', ...(powerIterations === undefined ? {} : { powerIterations }) });
    const q = powerIterations ?? 4;
    console.log(`${name}: randomized ${r.s.toFixed(2)} s (q = ${q})${reference ? `; ${compare(r.pca, reference, ds.x.length / ds.size)}` : ''}`);
  }
}

await useBestBackend();
console.log('backend', JSON.stringify(backendInfo()));
const fmnist = await fashionMnist({ split: 'train', limit: 10_000, layout: 'flat' });
await run('Fashion-MNIST 10,000 × 784, k = 50', fmnist, 50, args.includes('--exact'));
const { ds, reference } = structured(10_000, 3_072, 300, 100, 1);
await run('rank-300 10,000 × 3,072, k = 100', ds, 100, args.includes('--exact-3072'), reference);
