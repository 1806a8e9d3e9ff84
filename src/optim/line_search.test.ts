import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backtracking, strongWolfe, type LinePoint } from './line_search.js';

/** φ(t) = f(−t) for f(x) = x⁴ − 3x² + x: from x = 0 along d = −1, downhill since f'(0) = 1. */
function line(): { phi: (t: number) => Promise<LinePoint>; calls: () => number } {
  let calls = 0;
  const f = (x: number) => x ** 4 - 3 * x ** 2 + x;
  const df = (x: number) => 4 * x ** 3 - 6 * x + 1;
  const phi = async (t: number): Promise<LinePoint> => {
    calls++;
    const x = -t;
    return { t, f: f(x), g: Float64Array.of(df(x)), gtd: -df(x), x: Float32Array.of(x) };
  };
  return { phi, calls: () => calls };
}

const options = { c1: 1e-4, c2: 0.9, maxEvaluations: 25, dNorm: 1 };

test('strongWolfe returns a point meeting both strong Wolfe conditions, growing a too-short first step', async () => {
  const { phi, calls } = line();
  const base = await phi(0);
  const point = await strongWolfe(phi, base, 0.01, options);
  assert.ok(point !== undefined);
  assert.ok(point.f <= base.f + options.c1 * point.t * base.gtd, 'sufficient decrease');
  assert.ok(Math.abs(point.gtd) <= options.c2 * Math.abs(base.gtd), 'curvature');
  assert.ok(point.t > 0.01, `t = ${point.t}`);
  assert.ok(calls() <= 1 + options.maxEvaluations);
});

test('strongWolfe and backtracking shorten a first step that lands where the loss is not finite', async () => {
  for (const search of [strongWolfe, backtracking]) {
    const { phi } = line();
    const guarded = async (t: number): Promise<LinePoint> =>
      t > 1.5 ? { t, f: NaN, g: null, gtd: NaN, x: Float32Array.of(-t) } : phi(t);
    const base = await phi(0);
    const point = await search(guarded, base, 10, options);
    assert.ok(point !== undefined && point.t <= 1.5 && point.f <= base.f + options.c1 * point.t * base.gtd, `t = ${point?.t}`);
  }
});

test('a line search returns undefined when no step decreases the loss', async () => {
  // The loss rises along d although the slope reported says it falls.
  const phi = async (t: number): Promise<LinePoint> => ({ t, f: t * t + t, g: Float64Array.of(-1), gtd: -1, x: Float32Array.of(t) });
  const base = await phi(0);
  assert.equal(await strongWolfe(phi, base, 1, options), undefined);
  assert.equal(await backtracking(phi, base, 1, options), undefined);
});
