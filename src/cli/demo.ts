/**
 * `trainkit demo` / `npm start` (until the training loop exists): the optimizers of the course race on two classic
 * landscapes — a badly conditioned quadratic (the "taco shell" where SGD zig-zags) and the
 * Rosenbrock valley from (−1.2, 1) — plus the full-batch minimisers L-BFGS, BFGS and Newton on each. Prints a table and writes SVG
 * plots of the paths and the loss curves to out/race/.
 *
 * Run: npm start   (or: trainkit demo [--out DIR] [--steps N])
 */
import { mkdirSync } from 'node:fs';
import { writeFileAtomic } from '../io/atomic.js';
import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend, backendInfo } from '../engine/index.js';
import { sgd, adagrad, rmsprop, adam, lion, lbfgs, bfgs, newton, step, type GradientTransformation } from '../optim/index.js';
import { cosineDecay } from '../schedules/index.js';
import type { ParamTree } from '../tree/index.js';
import { linePlot, pathPlot, type Series } from '../report/svg.js';

interface Problem {
  name: string;
  title: string;
  f: (x: number, y: number) => number;
  loss: (p: tf.Tensor) => tf.Scalar;
  start: [number, number];
  optimum: [number, number];
  steps: number;
  /** "Solved": the loss stays below this from some step on. */
  target: number;
  xRange: [number, number];
  yRange: [number, number];
  racers: Array<{ name: string; make: () => GradientTransformation<any> }>;
}

const problems: Problem[] = [
  {
    name: 'quadratic',
    title: 'Badly conditioned quadratic f = (x² + 50y²)/2, from (−9, 2)',
    f: (x, y) => 0.5 * (x * x + 50 * y * y),
    loss: (p) => tf.tidy(() => tf.mul(0.5, tf.sum(tf.mul(tf.tensor1d([1, 50]), tf.square(p))))) as tf.Scalar,
    start: [-9, 2],
    optimum: [0, 0],
    steps: 150,
    target: 1e-4,
    xRange: [-10, 10],
    yRange: [-4, 4],
    racers: [
      { name: 'SGD lr 0.035', make: () => sgd({ learningRate: 0.035 }) },
      { name: 'SGD+Momentum 0.9', make: () => sgd({ learningRate: 0.01, momentum: 0.9 }) },
      { name: 'Nesterov 0.9', make: () => sgd({ learningRate: 0.01, momentum: 0.9, nesterov: true }) },
      { name: 'AdaGrad lr 1', make: () => adagrad({ learningRate: 1 }) },
      // Sign-like methods take steps of about lr whatever the gradient: they need a decaying rate.
      { name: 'RMSProp 0.3, cosine', make: () => rmsprop({ learningRate: cosineDecay({ init: 0.3, decaySteps: 150 }), decay: 0.9 }) },
      { name: 'Adam lr 0.3', make: () => adam({ learningRate: 0.3 }) },
      { name: 'Lion 0.3, cosine', make: () => lion({ learningRate: cosineDecay({ init: 0.3, decaySteps: 150 }) }) },
    ],
  },
  {
    name: 'rosenbrock',
    title: 'Rosenbrock f = (1−x)² + 100(y−x²)², from (−1.2, 1)',
    f: (x, y) => (1 - x) ** 2 + 100 * (y - x * x) ** 2,
    loss: (p) =>
      tf.tidy(() => {
        const [x, y] = tf.unstack(p);
        return tf.add(tf.square(tf.sub(1, x)), tf.mul(100, tf.square(tf.sub(y, tf.square(x)))));
      }) as tf.Scalar,
    start: [-1.2, 1],
    optimum: [1, 1],
    steps: 3000,
    target: 1e-6,
    xRange: [-2, 2],
    yRange: [-1, 3],
    racers: [
      { name: 'SGD lr 1e-3', make: () => sgd({ learningRate: 1e-3 }) },
      { name: 'SGD+Momentum 0.9', make: () => sgd({ learningRate: 2e-4, momentum: 0.9 }) },
      { name: 'Nesterov 0.9', make: () => sgd({ learningRate: 2e-4, momentum: 0.9, nesterov: true }) },
      { name: 'AdaGrad lr 0.5', make: () => adagrad({ learningRate: 0.5 }) },
      { name: 'RMSProp lr 1e-3', make: () => rmsprop({ learningRate: 1e-3 }) },
      { name: 'Adam lr 0.02', make: () => adam({ learningRate: 0.02 }) },
      { name: 'Lion 3e-3, cosine', make: () => lion({ learningRate: cosineDecay({ init: 3e-3, decaySteps: 3000 }) }) },
    ],
  },
];

export interface Result {
  name: string;
  path: Array<[number, number]>;
  losses: number[];
  final: number;
  stepsTo: number | undefined;
  ms: number;
}

/** The first step from which the loss stays below `target` to the end (undefined if it never settles). */
function settledAt(losses: number[], target: number): number | undefined {
  let k = losses.length;
  while (k > 0 && losses[k - 1] < target) k--;
  return k < losses.length ? k : undefined;
}

function race(problem: Problem, make: () => GradientTransformation<any>, steps: number): Omit<Result, 'name'> {
  const t0 = performance.now();
  const tx = make();
  let params: ParamTree = tf.tensor1d(problem.start);
  let state = tx.init(params);
  const gradOf = tf.grad((p: tf.Tensor) => problem.loss(p));
  const path: Array<[number, number]> = [];
  const losses: number[] = [];
  for (let t = 0; t <= steps; t++) {
    const p = params as tf.Tensor;
    const [x, y] = p.dataSync();
    path.push([x, y]);
    const l = problem.f(x, y);
    losses.push(l);
    if (t === steps || !Number.isFinite(l)) break;
    const g = gradOf(p);
    ({ params, state } = step(tx, params, g, state));
    g.dispose();
  }
  tf.dispose([params as tf.Tensor]);
  tf.dispose(collect(state));
  return { path, losses, final: losses[losses.length - 1], stepsTo: settledAt(losses, problem.target), ms: performance.now() - t0 };
}

function collect(v: unknown, out: tf.Tensor[] = []): tf.Tensor[] {
  if (v instanceof tf.Tensor) out.push(v);
  else if (v && typeof v === 'object') for (const x of Object.values(v)) collect(x, out);
  return out;
}

/** A full-batch minimiser as the race calls it (lbfgs, bfgs and newton all fit). */
type FullBatch = (
  loss: (p: ParamTree) => tf.Scalar,
  params: ParamTree,
  options: { maxIterations: number; tolerance: number; onIteration: (info: { params: ParamTree }) => void },
) => Promise<{ params: ParamTree }>;

const fullBatch: Array<{ name: string; minimize: FullBatch }> = [
  { name: 'L-BFGS (full batch)', minimize: lbfgs },
  { name: 'BFGS (full batch)', minimize: bfgs },
  { name: 'Newton (full batch)', minimize: newton },
];

/** One full-batch minimiser from the problem's start; its "steps" are its iterations. */
async function raceFullBatch(problem: Problem, minimize: FullBatch): Promise<Omit<Result, 'name'>> {
  const t0 = performance.now();
  const path: Array<[number, number]> = [problem.start];
  const losses: number[] = [problem.f(...problem.start)];
  const p0 = tf.tensor1d(problem.start);
  const result = await minimize((p) => problem.loss(p as tf.Tensor), p0, {
    maxIterations: 200,
    tolerance: 1e-12,
    onIteration: ({ params }) => {
      const [x, y] = (params as tf.Tensor).dataSync();
      path.push([x, y]);
      losses.push(problem.f(x, y));
    },
  });
  const [x, y] = (result.params as tf.Tensor).dataSync();
  if (path[path.length - 1][0] !== x) {
    path.push([x, y]);
    losses.push(problem.f(x, y));
  }
  tf.dispose([p0, result.params as tf.Tensor]);
  return { path, losses, final: problem.f(x, y), stepsTo: settledAt(losses, problem.target), ms: performance.now() - t0 };
}

export interface DemoOptions {
  /** Folder for the SVG plots (default out/race). */
  out?: string;
  /** Overrides each problem's number of steps. */
  steps?: number;
  log?: (line: string) => void;
}

/** Runs the optimizer race, prints its tables and writes its plots; returns the results per problem. */
export async function runDemo(options: DemoOptions = {}): Promise<Record<string, Result[]>> {
  const { out: outDir = 'out/race', steps: stepsOverride, log = console.log } = options;
  const out = resolve(outDir);
  const all: Record<string, Result[]> = {};
  mkdirSync(out, { recursive: true });
  // Two-parameter problems are latency-bound: the pure-JS cpu backend is the fastest here.
  await useBackend('cpu');
  log(`trainkit optimizer race — backend ${backendInfo().name}\n`);
  for (const problem of problems) {
    const steps = stepsOverride ?? problem.steps;
    const results: Result[] = problem.racers.map((r) => ({ name: r.name, ...race(problem, r.make, steps) }));
    for (const { name, minimize } of fullBatch) results.push({ name, ...(await raceFullBatch(problem, minimize)) });
    log(problem.title);
    log(`| optimizer | final loss | steps until loss stays < ${problem.target} | final (x, y) | ms |`);
    log('|---|---|---|---|---|');
    for (const r of results) {
      const [x, y] = r.path[r.path.length - 1];
      log(
        `| ${r.name} | ${r.final.toExponential(2)} | ${r.stepsTo ?? `not in ${r.losses.length - 1}`} | (${x.toFixed(4)}, ${y.toFixed(4)}) | ${r.ms.toFixed(0)} |`,
      );
    }
    const series: Series[] = results.map((r) => ({ name: r.name, points: r.path }));
    await writeFileAtomic(
      join(out, `${problem.name}-paths.svg`),
      pathPlot(series, { title: problem.title, f: problem.f, xRange: problem.xRange, yRange: problem.yRange, optimum: problem.optimum }),
    );
    await writeFileAtomic(
      join(out, `${problem.name}-loss.svg`),
      linePlot(
        results.map((r) => ({ name: r.name, points: r.losses.map((l, i): [number, number] => [i, Math.max(l, 1e-16)]) })),
        { title: `${problem.name}: loss per step`, xLabel: 'step (full batch: iteration)', yLabel: 'loss', logY: true },
      ),
    );
    log(`plots: ${join(out, `${problem.name}-paths.svg`)}, ${join(out, `${problem.name}-loss.svg`)}\n`);
    all[problem.name] = results;
  }
  return all;
}
