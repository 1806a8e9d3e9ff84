/**
 * One TensorFlow.js configuration of bench/engine.ts, in its own process:
 *   npx tsx bench/lib/tfjs_config.ts <tfjs-cpu | wasm-shipped | wasm-only | wasm-fixed-1 | wasm-fixed-2 | native-best>
 * Prints `BENCH_RESULT {json}`: GEMM 1024³ (A·B and A·Bᵀ) in GFLOP/s, the MLP step's own matrix
 * products (`measureProducts`, fixed configurations only) and MLP training examples/s.
 * - wasm-only: trainkit's fixed wasm engine without native libraries (`native: false`), 2 threads;
 * - wasm-fixed-1 / -2: `useBackend('wasm', { threads })` (with native libraries where present, at
 *   that many threads, and XNNPACK at as many);
 * - native-best: `useBestBackend()`, trainkit's default (native libraries on 2 threads, XNNPACK on 1).
 */
import * as tf from '@tensorflow/tfjs-core';
import { backendInfo, useBackend, useBestBackend } from '../../src/engine/index.js';
import { loadTrainSet } from './fashion_mnist.js';
import { measureGemm, measureMlp, measureProducts, type OptimizerKind } from './mlp.js';
import { RESULT_MARK } from './spawn.js';

interface Plan {
  start: () => Promise<string>;
  gemmReps: number;
  gemmTReps: number;
  /** Repetitions of each of the MLP step's products (0: not measured). */
  productReps: number;
  mlp: { warmupSteps: number; intervals: number; stepsPerInterval: number };
  optimizers: OptimizerKind[];
}

const slow = { warmupSteps: 2, intervals: 3, stepsPerInterval: 3 };
const fast = { warmupSteps: 20, intervals: 5, stepsPerInterval: 60 };

const PLANS: Record<string, Plan> = {
  'tfjs-cpu': { start: () => useBackend('cpu'), gemmReps: 2, gemmTReps: 1, productReps: 0, mlp: { ...slow, warmupSteps: 1, stepsPerInterval: 2 }, optimizers: ['trainkit-adam'] },
  'wasm-shipped': { start: () => useBackend('wasm', { fixes: false, threads: 1 }), gemmReps: 5, gemmTReps: 2, productReps: 0, mlp: { ...slow, stepsPerInterval: 8 }, optimizers: ['trainkit-adam'] },
  'wasm-only': { start: () => useBackend('wasm', { native: false, threads: 2 }), gemmReps: 10, gemmTReps: 10, productReps: 100, mlp: fast, optimizers: ['trainkit-adam'] },
  'wasm-fixed-1': { start: () => useBackend('wasm', { threads: 1 }), gemmReps: 10, gemmTReps: 10, productReps: 100, mlp: fast, optimizers: ['trainkit-adam', 'tfjs-adam'] },
  'wasm-fixed-2': { start: () => useBackend('wasm', { threads: 2 }), gemmReps: 10, gemmTReps: 10, productReps: 100, mlp: fast, optimizers: ['trainkit-adam', 'tfjs-adam'] },
  'native-best': { start: () => useBestBackend(), gemmReps: 10, gemmTReps: 10, productReps: 100, mlp: fast, optimizers: ['trainkit-adam', 'tfjs-adam'] },
};

const name = process.argv[2];
const plan = PLANS[name];
if (plan === undefined) {
  console.error(`usage: tsx bench/lib/tfjs_config.ts <${Object.keys(PLANS).join(' | ')}>`);
  process.exit(2);
}
await plan.start();
const data = loadTrainSet();
const gemm = measureGemm(1024, false, plan.gemmReps);
const gemmT = measureGemm(1024, true, plan.gemmTReps);
const products = plan.productReps > 0 ? measureProducts(plan.productReps) : undefined;
const mlp = Object.fromEntries(
  plan.optimizers.map((kind) => [kind, measureMlp(kind, data, { batch: 128, seed: 1, ...plan.mlp })]),
);
console.log(
  RESULT_MARK +
    JSON.stringify({ config: name, backend: backendInfo(), tfjs: tf.version_core, data: data.source, gemm1024: gemm, gemm1024TransposedB: gemmT, products, mlp }),
);
