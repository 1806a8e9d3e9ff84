/**
 * `npm run bench`: every benchmark, one after the other (each in its own process: backend state is
 * global), then one summary table of the ratios against their targets, and docs/benchmarks.md
 * regenerated from bench/results/*.json (bench/report.ts). Benchmarks are not tests: nothing here
 * fails on a missed target; it reports.
 *
 *   npm run bench                    all of them
 *   npm run bench -- optimizers      only bench/optimizers.ts (names: optimizers, engine, training, augment,
 *                                    store, search-quality, search-fashion, dashboard)
 *   npm run bench -- --skip-time-to-accuracy
 *                                    all, without the slow time-to-91% runs of bench/training.ts
 *   npm run bench -- --cap-s 1500    the time-to-91% runs capped at 1500 s each (default 900)
 * Each benchmark also runs alone with its own flags: `npm run bench:engine -- --skip-torch`,
 * `npm run bench:optimizers -- --backends wasm`, `npm run bench:augment -- --skip-accuracy` (the
 * augmentation benchmark trains three CNNs for its accuracy table: about 10 minutes on 2 cores).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeBenchmarksDoc } from './report.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const BENCHES = ['optimizers', 'engine', 'training', 'augment', 'store', 'search-quality', 'search-fashion', 'dashboard'] as const;

const args = process.argv.slice(2);
const skipTta = args.includes('--skip-time-to-accuracy');
const capAt = args.indexOf('--cap-s');
const cap = capAt >= 0 ? args[capAt + 1] : undefined;
if (capAt >= 0 && !(Number(cap) > 0)) {
  console.error(`--cap-s needs a number of seconds > 0, got ${JSON.stringify(cap)}`);
  process.exit(2);
}
// Benchmark names: every argument but the flags (without --cap-s, capAt + 1 is 0: the first name).
const chosen = args.filter((a, i) => a !== '--skip-time-to-accuracy' && (capAt < 0 || (i !== capAt && i !== capAt + 1)));
const unknown = chosen.filter((a) => !(BENCHES as readonly string[]).includes(a));
if (unknown.length) {
  console.error(`Unknown benchmark ${JSON.stringify(unknown[0])}; valid: ${BENCHES.join(', ')}`);
  process.exit(2);
}

const started = Date.now();
for (const name of chosen.length ? chosen : BENCHES) {
  console.log(`\n## bench/${name}.ts\n`);
  const trainingFlags = [...(skipTta ? ['--skip-time-to-accuracy'] : []), ...(cap !== undefined ? ['--cap-s', cap] : [])];
  const r = spawnSync(process.execPath, ['--conditions=trainkit-source', '--import', 'tsx', join(root, `bench/${name}.ts`), ...(name === 'training' ? trainingFlags : [])], {
    cwd: root,
    stdio: 'inherit',
  });
  if (r.status !== 0) console.log(`(bench/${name}.ts exited with status ${r.status})`);
}

interface Row { measure: string; ratio: number; target: string; met: boolean }
const rows: Row[] = [];
const read = (name: string): any => {
  const file = join(root, `bench/results/${name}.json`);
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : undefined;
};
const opt = read('optimizers');
for (const r of opt?.results ?? [])
  rows.push({
    measure: `${r.optimizer} step, 10M params, ${r.backend}: trainkit / tfjs time`,
    ratio: r.ratio,
    target: '<= 1.0',
    met: r.ratio <= 1,
  });
const eng = read('engine');
if (eng?.targets?.fixedVsShipped)
  rows.push({ measure: `MLP ex/s, fixed wasm (${eng.targets.fixedVsShipped.config}) / wasm as shipped`, ratio: eng.targets.fixedVsShipped.ratio, target: '>= 8', met: eng.targets.fixedVsShipped.met });
if (eng?.targets?.fixedVsPytorch)
  rows.push({ measure: `MLP ex/s, fixed wasm (${eng.targets.fixedVsPytorch.config}) / PyTorch`, ratio: eng.targets.fixedVsPytorch.ratio, target: '>= 0.3', met: eng.targets.fixedVsPytorch.met });

for (const t of Object.values(read('training')?.targets ?? {}) as any[])
  if (t) rows.push({ measure: t.measure, ratio: t.ratio, target: `>= ${t.target}`, met: t.met });
const dash = read('dashboard');
if (dash?.firstRender)
  rows.push({ measure: `command center first render (warm), 1,000 trials × 1,000 points: ms / 1,500 ms`, ratio: dash.firstRender.warmMedianMs / dash.firstRender.targetMs, target: '< 1.0', met: dash.firstRender.met });
if (dash?.reportToScreen)
  rows.push({ measure: `trial.report → point on screen (max of ${dash.reportToScreen.samples}): ms / 1,000 ms`, ratio: dash.reportToScreen.maxMs / dash.reportToScreen.targetMs, target: '< 1.0', met: dash.reportToScreen.met });
if (dash?.firstRender)
  console.log(`\nCommand center, 1,000 trials × 1,000 points: first render ${(dash.firstRender.warmMedianMs / 1000).toFixed(2)} s warm, ${(dash.firstRender.coldMs / 1000).toFixed(2)} s cold (the server's feed reads the study first)`);
if (dash?.firstRender10k)
  console.log(`Command center, 10,000 trials × 100 points: first render ${(dash.firstRender10k.warmMedianMs / 1000).toFixed(2)} s warm, ${(dash.firstRender10k.coldMs / 1000).toFixed(2)} s cold`);
const aug = read('augment');
const pipeline = aug?.throughput?.results?.find((r: any) => r.stage === 'pipeline')?.imagesPerSecond;
const cnnFit = read('training')?.throughput?.cnn?.['trainkit-fit']?.examplesPerSecond;
if (pipeline && cnnFit)
  rows.push({ measure: 'augmentation pipeline images/s (32×32×3) / CNN training ex/s', ratio: pipeline / cnnFit, target: '>= 5', met: pipeline / cnnFit >= 5 });
const tta = read('training')?.timeToAccuracy;
if (tta?.trainkit?.tta && tta?.pytorch?.tta) {
  const show = (r: any) => (r.reached ? `${Math.round(r.seconds)} s` : `not reached in ${Math.round(r.wallSeconds ?? r.seconds)} s (best ${r.bestAccuracy})`);
  console.log(`\nTime to 91% Fashion-MNIST test accuracy (CNN): trainkit ${show(tta.trainkit.tta)}, PyTorch ${show(tta.pytorch.tta)}`);
}

const sf = read('search-fashion');
if (sf?.optuna) {
  const best = (rows: any[]) => Math.min(...rows.filter((r) => r.state === 'complete' && typeof r.value === 'number').map((r) => r.value));
  const tk = best(sf.trainkit.trials);
  const op = best(sf.optuna.trials);
  // Lower is better: the ratio is Optuna's best over trainkit's (>= 1: trainkit found at least as good).
  rows.push({ measure: `Fashion-MNIST search (${sf.seconds} s, ${sf.workers} workers): Optuna's best val loss / trainkit's`, ratio: op / tk, target: '>= 1.0', met: tk <= op });
}
const acc = aug?.accuracy;
if (acc?.plain && acc?.augmented) {
  const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
  console.log(
    `\nFashion-MNIST CNN, ${acc.config?.trainImages} images × ${acc.config?.epochs} epochs, test accuracy: no augmentation ${pct(acc.plain.testAccuracy)}, ` +
      `flip + crop ${pct(acc.augmented.testAccuracy)} (ten-crop TTA ${pct(acc.augmented.tenCropTtaAccuracy)})` +
      (acc.cropOnly ? `, crop alone ${pct(acc.cropOnly.testAccuracy)} (ten-crop TTA ${pct(acc.cropOnly.tenCropTtaAccuracy)})` : ''),
  );
}

console.log(`\n## Summary (${((Date.now() - started) / 1000).toFixed(0)} s; results in bench/results/*.json)\n`);
console.log('| measure | ratio | target | met |\n|---|---:|---|---|');
for (const r of rows) console.log(`| ${r.measure} | ${r.ratio.toFixed(3)} | ${r.target} | ${r.met ? 'yes' : 'NO'} |`);

// The page of record: every result file, including those of benchmarks not run this time.
console.log(`\nwrote ${relative(root, writeBenchmarksDoc(root))} from bench/results/*.json`);
