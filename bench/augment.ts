// Augmentation on the active backend, written to bench/results/augment.json:
// 1. throughput: flip + padded crop + colour jitter + cutout on 32×32×3 batches of 128 (CIFAR's
//    training pipeline), images per second (median of 9 rounds of 10 batches), host draws included;
// 2. the accuracy effect (bench/lib/augment_accuracy.ts, in its own process): the Fashion-MNIST CNN
//    trained with and without flip + padded crop (and with the crop alone) at equal epochs and
//    seed, the test accuracy of each, plain and with mirror / ten-crop test-time augmentation.
//   node --conditions=trainkit-source --import tsx bench/augment.ts
//        [--skip-accuracy] [--train-limit 10000] [--epochs 4] [--padding 2] [--seed 1]
// --skip-accuracy measures the throughput only and keeps the accuracy record of the existing result
// file (it carries its own dates and load average).
// The accuracy part trains two CNNs: on 2 shared cores, about 10–20 minutes at the defaults.
import * as tf from '@tensorflow/tfjs-core';
import * as os from 'node:os';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Rng, backendInfo, colorJitter, compose, cutout, flipLeftRight, randomCrop, useBestBackend, type Augmentation } from 'trainkit';
import { runJson } from './lib/spawn.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values: flags } = parseArgs({
  options: {
    'skip-accuracy': { type: 'boolean', default: false },
    'train-limit': { type: 'string' },
    'test-limit': { type: 'string' },
    epochs: { type: 'string' },
    padding: { type: 'string' },
    seed: { type: 'string' },
  },
});

const started = new Date();
const load0 = os.loadavg();
const backend = await useBestBackend();
const x = tf.randomUniform([128, 32, 32, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
const y = tf.zeros([128], 'int32');
const rng = new Rng(0);
const stages: Record<string, Augmentation> = {
  flipLeftRight: flipLeftRight(),
  'randomCrop 32 pad 4': randomCrop({ size: [32, 32], padding: 4 }),
  colorJitter: colorJitter({ brightness: 0.4, contrast: 0.4, saturation: 0.4, hue: 0.1 }),
  'cutout 16': cutout({ size: 16 }),
};
stages.pipeline = compose(...Object.values(stages));
// The median of 9 rounds of 10 batches each: on a shared machine one burst of another process's
// work would otherwise decide the number. The fastest and slowest rounds are kept too.
const throughput: Array<{ stage: string; msPerBatch: number; imagesPerSecond: number; roundsMs: number[] }> = [];
for (const [name, aug] of Object.entries(stages)) {
  const once = async (): Promise<void> => {
    const out = aug({ x, y }, rng);
    await out.x.data();
    if (out.x !== x) out.x.dispose();
  };
  for (let i = 0; i < 3; i++) await once();
  const roundsMs: number[] = [];
  for (let r = 0; r < 9; r++) {
    const t0 = performance.now();
    for (let i = 0; i < 10; i++) await once();
    roundsMs.push((performance.now() - t0) / 10);
  }
  const ms = [...roundsMs].sort((a, b) => a - b)[4];
  throughput.push({ stage: name, msPerBatch: ms, imagesPerSecond: (128 * 1000) / ms, roundsMs });
  console.log(
    `${backend}\t${name}\t${ms.toFixed(2)} ms/batch (rounds ${Math.min(...roundsMs).toFixed(2)}–${Math.max(...roundsMs).toFixed(2)})\t${Math.round((128 * 1000) / ms)} images/s`,
  );
}
tf.dispose([x, y]);

const file = join(root, 'bench/results/augment.json');
let accuracy: unknown = null;
if (flags['skip-accuracy']) {
  accuracy = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')).accuracy ?? null) : null;
  if (accuracy !== null) console.log(`\nkept the accuracy record of ${file} (measured ${(accuracy as { started?: string }).started ?? 'at an unrecorded time'})`);
} else {
  const pass = ['train-limit', 'test-limit', 'epochs', 'padding', 'seed'].flatMap((k) => {
    const v = flags[k as keyof typeof flags];
    return typeof v === 'string' ? [`--${k}`, v] : [];
  });
  pass.push('--crop-only'); // the third arm: the padded crop without the flip
  console.log('\ntraining the Fashion-MNIST CNN without and with flip + padded crop (bench/lib/augment_accuracy.ts) ...');
  const { result } = runJson<Record<string, any>>(process.execPath, ['--conditions=trainkit-source', '--import', 'tsx', 'bench/lib/augment_accuracy.ts', ...pass], {
    cwd: root,
    timeoutMs: 4 * 3600_000,
  });
  accuracy = result;
  const pct = (v: number) => `${(100 * v).toFixed(2)}%`;
  const c = result.config;
  console.log(`\n${c.trainImages} training images, ${c.epochs} epochs, seed ${c.seed}; test accuracy on ${c.testImages} test images:`);
  console.log('| training | plain | mirror TTA (2 views) | ten-crop TTA (10 views) | five-crop TTA (no mirrors) | train s |\n|---|---:|---:|---:|---:|---:|');
  for (const arm of [result.plain, result.augmented, result.cropOnly].filter(Boolean))
    console.log(`| ${arm.augment} | ${pct(arm.testAccuracy)} | ${pct(arm.mirrorTtaAccuracy)} | ${pct(arm.tenCropTtaAccuracy)} | ${pct(arm.fiveCropTtaAccuracy)} | ${arm.trainSeconds.toFixed(0)} |`);
}

const out = {
  benchmark: 'augment',
  started: started.toISOString(),
  finished: new Date().toISOString(),
  command: `npm run bench:augment -- ${process.argv.slice(2).join(' ')}`.trim().replace(/ --$/, ''),
  machine: { cpu: os.cpus()[0]?.model, logicalCores: os.cpus().length, node: process.version, loadAverage: { start: load0, end: os.loadavg() } },
  backend: backendInfo(),
  throughput: { batch: [128, 32, 32, 3], results: throughput },
  accuracy,
};
mkdirSync(dirname(file), { recursive: true });
writeFileSync(file, JSON.stringify(out, null, 2) + '\n');
console.log(`wrote ${file}`);
