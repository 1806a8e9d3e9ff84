/**
 * Engine benchmark (a benchmark, not a test): `npx tsx bench/engine.ts [--skip-torch]`.
 *
 * Measures, each configuration in a fresh process (backend state is global):
 * - GEMM 1024³ in GFLOP/s (A·B, and A·Bᵀ: the transposed product of every dense layer's backward pass);
 * - the eight matrix products of that MLP's training step at batch 128, each in GFLOP/s, next to
 *   the same products through `torch.mm` (OpenBLAS called from Python);
 * - MLP 784-512-512-10 training throughput, batch 128, Adam, softmax cross-entropy, Fashion-MNIST:
 *   examples/s, the median of timed intervals after warm-up;
 * on tfjs cpu, wasm as shipped, trainkit's wasm engine without native libraries, wasm with
 * trainkit's fixes on 1 and 2 threads, `useBestBackend()` (trainkit's default), and PyTorch
 * (bench/torch/mlp.py: Debian python3-torch on OpenBLAS, 2 threads). The PyTorch numerics are
 * checked: its first training losses on OpenBLAS must match a run on the reference BLAS.
 *
 * Prints a markdown table and writes the same as JSON to bench/results/engine.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runJson } from './lib/spawn.js';
import { blasLossCheck, CHECK_STEPS, runTorch as runTorchScript } from './lib/torch.js';
import { round3 } from './lib/stats.js';
import type { MlpResult } from './lib/mlp.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** One matrix product of the MLP's training step (bench/lib/mlp.ts MLP_PRODUCTS), median time. */
interface Product {
  name: string;
  ms: number;
  gflops: number;
}

interface TfjsResult {
  config: string;
  backend: { name: string; threads: number; simd: boolean; fixes: string[]; reason?: string };
  gemm1024: { gflops: number; ms: number[] };
  gemm1024TransposedB: { gflops: number; ms: number[] };
  products?: Product[];
  mlp: Record<string, MlpResult>;
  data: string;
}

interface TorchResult {
  torch: string;
  threads: number;
  data: string;
  blas: string[];
  env: Record<string, string | null>;
  gemm1024?: { gflops: number; ms: number[] };
  products?: Product[];
  mlp?: MlpResult;
  losses?: number[];
}

const CONFIGS: { id: string; label: string }[] = [
  { id: 'tfjs-cpu', label: 'tfjs cpu' },
  { id: 'wasm-shipped', label: 'tfjs wasm as shipped (1 thread)' },
  { id: 'wasm-only', label: 'trainkit wasm engine, no native libraries, 2 threads' },
  { id: 'wasm-fixed-1', label: 'tfjs wasm + trainkit fixes, 1 thread (native libraries on 1)' },
  { id: 'wasm-fixed-2', label: 'tfjs wasm + trainkit fixes, 2 threads (native libraries on 2, XNNPACK on 2)' },
  { id: 'native-best', label: 'useBestBackend(): native libraries on 2 threads, XNNPACK on 1' },
];

function log(message: string): void {
  process.stderr.write(`[bench/engine] ${message}\n`);
}

function runTfjs(id: string): TfjsResult {
  log(`${id} ...`);
  const { result, seconds } = runJson<TfjsResult>(process.execPath, ['--import', 'tsx', 'bench/lib/tfjs_config.ts', id], { cwd: root });
  log(`${id}: MLP ${Math.round(result.mlp['trainkit-adam'].examplesPerSecond)} ex/s (${seconds.toFixed(0)} s)`);
  return result;
}

function runTorch(): { timed: TorchResult; check: ReturnType<typeof blasLossCheck> } {
  log('pytorch (OpenBLAS, 2 threads) ...');
  const timed = runTorchScript<TorchResult>(root, ['bench/torch/mlp.py', '--threads', '2']);
  log(`pytorch: MLP ${Math.round(timed.mlp!.examplesPerSecond)} ex/s, BLAS ${timed.blas.join(', ')}`);
  const check = blasLossCheck(root, ['bench/torch/mlp.py', '--threads', '2', '--check-steps', String(CHECK_STEPS)]);
  log(`pytorch loss check: max relative difference ${check.maxRelDiff.toExponential(2)} (${check.pass ? 'ok' : 'FAILED'})`);
  return { timed, check };
}

function markdown(rows: Row[], torch: TorchResult | undefined): string {
  const shipped = rows.find((r) => r.id === 'wasm-shipped')?.mlp;
  const torchMlp = torch?.mlp?.examplesPerSecond;
  const ratio = (x: number, base: number | undefined) => (base ? `${round3(x / base)}×` : 'n/a');
  const lines = [
    '| configuration | GEMM 1024³ GFLOP/s | GEMM 1024³ A·Bᵀ GFLOP/s | MLP examples/s | vs wasm as shipped | vs PyTorch |',
    '|---|---:|---:|---:|---:|---:|',
    ...rows.map(
      (r) =>
        `| ${r.label} | ${round3(r.gemm)} | ${r.gemmT === undefined ? 'n/a' : round3(r.gemmT)} | ${Math.round(r.mlp)} | ${ratio(r.mlp, shipped)} | ${ratio(r.mlp, torchMlp)} |`,
    ),
  ];
  return lines.join('\n');
}

/** GFLOP/s of each of the MLP step's products: trainkit without and with native libraries, PyTorch. */
function productsMarkdown(tfjs: { id: string; result: TfjsResult }[], torch: TorchResult | undefined): string {
  const of = (id: string) => tfjs.find((t) => t.id === id)?.result.products;
  const [wasm, native, pt] = [of('wasm-only'), of('native-best'), torch?.products];
  if (native === undefined) return '';
  const cell = (p: Product | undefined) => (p === undefined ? 'n/a' : `${round3(p.gflops)} (${round3(p.ms)} ms)`);
  const total = (ps: Product[] | undefined) => (ps === undefined ? undefined : ps.reduce((t, p) => t + p.ms, 0));
  const rows = native.map((p, i) => {
    const ratio = pt?.[i] ? `${round3(p.gflops / pt[i].gflops)}×` : 'n/a';
    return `| ${p.name} | ${cell(wasm?.[i])} | ${cell(p)} | ${cell(pt?.[i])} | ${ratio} |`;
  });
  const [tw, tn, tp] = [total(wasm), total(native), total(pt)];
  const ms = (x: number | undefined) => (x === undefined ? 'n/a' : `${round3(x)} ms`);
  return [
    '| product of the MLP step (batch 128) | trainkit wasm only, GFLOP/s | trainkit native (useBestBackend), GFLOP/s | PyTorch `torch.mm`, GFLOP/s | native / PyTorch |',
    '|---|---:|---:|---:|---:|',
    ...rows,
    `| all eight, per step | ${ms(tw)} | ${ms(tn)} | ${ms(tp)} | ${tn !== undefined && tp !== undefined ? `${round3(tp / tn)}×` : 'n/a'} |`,
  ].join('\n');
}

interface Row {
  id: string;
  label: string;
  gemm: number;
  gemmT?: number;
  mlp: number;
  mlpTfjsAdam?: number;
}

function main(): void {
  const skipTorch = process.argv.includes('--skip-torch');
  const load0 = os.loadavg();
  const started = new Date().toISOString();
  const tfjs = CONFIGS.map((c) => ({ ...c, result: runTfjs(c.id) }));
  const torch = skipTorch ? undefined : runTorch();
  const load1 = os.loadavg();

  const rows: Row[] = tfjs.map(({ id, label, result }) => ({
    id,
    label,
    gemm: result.gemm1024.gflops,
    gemmT: result.gemm1024TransposedB.gflops,
    mlp: result.mlp['trainkit-adam'].examplesPerSecond,
    mlpTfjsAdam: result.mlp['tfjs-adam']?.examplesPerSecond,
  }));
  if (torch) {
    rows.push({ id: 'pytorch', label: `PyTorch ${torch.timed.torch} + OpenBLAS, 2 threads`, gemm: torch.timed.gemm1024!.gflops, mlp: torch.timed.mlp!.examplesPerSecond });
  }
  const shipped = rows.find((r) => r.id === 'wasm-shipped')!.mlp;
  const fixed = rows.filter((r) => r.id.startsWith('wasm-fixed') || r.id === 'native-best' || r.id === 'wasm-only');
  const best = fixed.reduce((a, b) => (b.mlp > a.mlp ? b : a));
  const torchMlp = torch?.timed.mlp?.examplesPerSecond;
  const targets = {
    fixedVsShipped: { config: best.id, ratio: best.mlp / shipped, target: 8, met: best.mlp / shipped >= 8 },
    fixedVsPytorch: torchMlp === undefined ? null : { config: best.id, ratio: best.mlp / torchMlp, target: 0.3, met: best.mlp / torchMlp >= 0.3 },
  };

  const products = productsMarkdown(tfjs, torch?.timed);
  const table = markdown(rows, torch?.timed) + (products ? `\n\n${products}` : '');
  const nativeRow = rows.find((r) => r.id === 'native-best');
  const wasmRow = rows.find((r) => r.id === 'wasm-only');
  const notes = [
    `MLP: trainkit adam applied with stepVariables, gradients from tf.variableGrads (tf.train.adam: ${fixed.map((r) => `${r.id} ${Math.round(r.mlpTfjsAdam ?? NaN)}`).join(', ')} ex/s).`,
    `Targets: best fixed wasm (${best.id}) is ${round3(targets.fixedVsShipped.ratio)}× wasm as shipped (target 8×)` +
      (targets.fixedVsPytorch ? ` and ${round3(targets.fixedVsPytorch.ratio)}× PyTorch (target 0.3×).` : '.'),
    ...(nativeRow && wasmRow ? [`Native vs wasm (MLP ex/s): ${Math.round(nativeRow.mlp)} vs ${Math.round(wasmRow.mlp)}, ${round3(nativeRow.mlp / wasmRow.mlp)}×.`] : []),
    `Machine: ${os.cpus()[0]?.model} × ${os.cpus().length}, load average ${load0.map(round3).join('/')} at start, ${load1.map(round3).join('/')} at end.`,
  ];
  console.log(`${table}\n\n${notes.join('\n')}`);

  const out = {
    benchmark: 'engine',
    started,
    finished: new Date().toISOString(),
    command: 'npx tsx bench/engine.ts',
    machine: { cpu: os.cpus()[0]?.model, logicalCores: os.cpus().length, node: process.version, loadAverage: { start: load0, end: load1 } },
    workload: {
      gemm: '1024×1024×1024 float32, median of repetitions after one warm-up',
      products: "the eight matrix products of the MLP's training step at batch 128 (bench/lib/mlp.ts MLP_PRODUCTS), each the median of 100 timed calls after one warm-up",
      mlp: '784-512-512-10 ReLU, softmax cross-entropy, Adam lr 1e-3, batch 128, Fashion-MNIST train; examples/s = median of timed intervals after warm-up',
      data: tfjs[0].result.data,
    },
    table: rows,
    markdown: table,
    productsMarkdown: products,
    targets,
    tfjs: Object.fromEntries(tfjs.map(({ id, result }) => [id, result])),
    pytorch: torch ?? null,
  };
  const file = join(root, 'bench/results/engine.json');
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(out, null, 2) + '\n');
  log(`wrote ${file}`);
}

main();
