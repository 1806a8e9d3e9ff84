/**
 * LAMB, Lion, "almost Adam" and the lecture's form of momentum have no PyTorch 1.13 reference: each
 * is checked here against its paper's formula written out in plain JavaScript numbers (float64),
 * element by element, to |ours − reference| ≤ 1e-5·|reference| + 1e-7 over 20 steps.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { Rng } from '../engine/rng.js';
import { step, type GradientTransformation } from './transform.js';
import { disposeTree } from '../tree/ops.js';
import type { ParamTree } from '../tree/tree.js';
import { lamb } from './lamb.js';
import { lion } from './lion.js';
import { adam } from './adam.js';
import { sgd } from './sgd.js';

await tf.setBackend('cpu');

const STEPS = 20;
const SHAPES = { w: [3, 4], b: [4] } as const;
type Arrays = { w: number[]; b: number[] };

/** Float32-representable random values (so both sides start from exactly the same numbers). */
function draw(rng: Rng, scale = 1): Arrays {
  const f = (n: number) => Array.from(new Float32Array(Array.from({ length: n }, () => rng.normal(0, scale))));
  return { w: f(12), b: f(4) };
}
const toTree = (a: Arrays): ParamTree => ({ w: tf.tensor(a.w, [...SHAPES.w]), b: tf.tensor(a.b, [...SHAPES.b]) });

/** Runs `opt` through `step()` and a plain-number `reference(leaf, params, grads, t)` side by side. */
function compare(
  opt: GradientTransformation,
  reference: (key: 'w' | 'b', p: number[], g: number[], t: number) => number[],
  seed: number,
): void {
  const rng = new Rng(seed);
  const p0 = draw(rng);
  const grads = Array.from({ length: STEPS }, () => draw(rng, 0.5));
  let params = toTree(p0);
  let state = opt.init(params);
  const ref: Arrays = { w: [...p0.w], b: [...p0.b] };
  for (let t = 0; t < STEPS; t++) {
    const g = toTree(grads[t]);
    ({ params, state } = step(opt, params, g, state));
    disposeTree(g);
    for (const key of ['w', 'b'] as const) {
      ref[key] = reference(key, ref[key], grads[t][key], t);
      const ours = (params as Record<string, tf.Tensor>)[key].dataSync();
      ref[key].forEach((r, i) => {
        assert.ok(Math.abs(ours[i] - r) <= 1e-5 * Math.abs(r) + 1e-7, `step ${t} ${key}[${i}]: ${ours[i]} vs ${r}`);
      });
    }
  }
  disposeTree([params, state]);
}

const norm = (x: number[]) => Math.sqrt(x.reduce((s, v) => s + v * v, 0));

test('lamb follows You et al. 2019, Algorithm 2, with a per-layer trust ratio', () => {
  const [lr, b1, b2, eps, wd] = [0.01, 0.9, 0.999, 1e-6, 0.1];
  const m = { w: new Array(12).fill(0), b: new Array(4).fill(0) };
  const v = { w: new Array(12).fill(0), b: new Array(4).fill(0) };
  compare(
    lamb({ learningRate: lr, weightDecay: wd }),
    (key, p, g, t) => {
      const r = p.map((pi, i) => {
        m[key][i] = b1 * m[key][i] + (1 - b1) * g[i];
        v[key][i] = b2 * v[key][i] + (1 - b2) * g[i] * g[i];
        const mHat = m[key][i] / (1 - b1 ** (t + 1));
        const vHat = v[key][i] / (1 - b2 ** (t + 1));
        return mHat / (Math.sqrt(vHat) + eps) + wd * pi;
      });
      const ratio = norm(p) > 0 && norm(r) > 0 ? norm(p) / norm(r) : 1;
      return p.map((pi, i) => pi - lr * ratio * r[i]);
    },
    1,
  );
});

test('lion follows Chen et al. 2023, Algorithm 2: sign of the interpolation, decoupled decay', () => {
  const [lr, b1, b2, wd] = [0.003, 0.9, 0.99, 0.5];
  const m = { w: new Array(12).fill(0), b: new Array(4).fill(0) };
  compare(
    lion({ learningRate: lr, weightDecay: wd }),
    (key, p, g) =>
      p.map((pi, i) => {
        const c = b1 * m[key][i] + (1 - b1) * g[i];
        m[key][i] = b2 * m[key][i] + (1 - b2) * g[i];
        return pi - lr * (Math.sign(c) + wd * pi);
      }),
    2,
  );
});

test('almost Adam (biasCorrection: false) divides the raw moments, as the lecture writes it', () => {
  const [lr, b1, b2, eps] = [0.01, 0.9, 0.999, 1e-8];
  const m = { w: new Array(12).fill(0), b: new Array(4).fill(0) };
  const v = { w: new Array(12).fill(0), b: new Array(4).fill(0) };
  compare(
    adam({ learningRate: lr, biasCorrection: false }),
    (key, p, g) =>
      p.map((pi, i) => {
        m[key][i] = b1 * m[key][i] + (1 - b1) * g[i];
        v[key][i] = b2 * v[key][i] + (1 - b2) * g[i] * g[i];
        return pi - (lr * m[key][i]) / (Math.sqrt(v[key][i]) + eps);
      }),
    3,
  );
});

test("almost Adam's first step is ~3.2x Adam's, the reason for bias correction", () => {
  const g = tf.tensor([0.5, -2]);
  const run = (biasCorrection: boolean) => {
    const opt = adam({ learningRate: 1, biasCorrection });
    let params: ParamTree = tf.zeros([2]);
    let state = opt.init(params);
    ({ params, state } = step(opt, params, g, state));
    const out = Array.from((params as tf.Tensor).dataSync());
    disposeTree([params, state]);
    return out;
  };
  const corrected = run(true);
  const almost = run(false);
  corrected.forEach((x) => assert.ok(Math.abs(Math.abs(x) - 1) < 1e-6, `Adam's first step is ±lr, got ${x}`));
  almost.forEach((x, i) => assert.ok(Math.abs(x / corrected[i] - 0.1 / Math.sqrt(0.001)) < 1e-4));
  g.dispose();
});

test("sgd momentum equals the lecture's formulation v = rho*v - lr*g, x += v at a constant rate", () => {
  const [lr, rho] = [0.05, 0.9];
  const v = { w: new Array(12).fill(0), b: new Array(4).fill(0) };
  compare(
    sgd({ learningRate: lr, momentum: rho }),
    (key, p, g) =>
      p.map((pi, i) => {
        v[key][i] = rho * v[key][i] - lr * g[i];
        return pi + v[key][i];
      }),
    4,
  );
});

test('nesterov sgd equals the look-ahead form x -= lr * (g + rho * v_new)', () => {
  const [lr, rho] = [0.05, 0.99];
  const v = { w: new Array(12).fill(0), b: new Array(4).fill(0) };
  compare(
    sgd({ learningRate: lr, momentum: rho, nesterov: true }),
    (key, p, g) =>
      p.map((pi, i) => {
        v[key][i] = rho * v[key][i] + g[i];
        return pi - lr * (g[i] + rho * v[key][i]);
      }),
    5,
  );
});
