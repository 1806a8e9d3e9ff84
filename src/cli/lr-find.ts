/** `trainkit lr-find FILE.ts`: the learning-rate range test on the run's model and training data. */
import { mkdirSync } from 'node:fs';
import { writeFileAtomic } from '../io/atomic.js';
import { join, resolve } from 'node:path';
import { lrRangeTest, type LrRangeTestResult } from '../train/recipe/lr-range-test.js';
import { lrFindReport } from '../report/html.js';
import { disposeModel, loadRunFile, type RunFileOptions } from './run-file.js';

export interface LrFindCommandOptions extends RunFileOptions {
  out?: string;
  steps?: number;
  minLr?: number;
  maxLr?: number;
  json: boolean;
  log: (s: string) => void;
}

/** Runs `trainkit lr-find`: writes lr-find.html and lr-find.json under the output folder. */
export async function lrFindCommand(o: LrFindCommandOptions): Promise<LrRangeTestResult & { out: string }> {
  const { spec, ctx, name } = await loadRunFile(o);
  const out = resolve(o.out ?? join('out', 'lr-find', name));
  mkdirSync(out, { recursive: true });
  try {
    const r = await lrRangeTest(spec.model, spec.data.train, {
      optimizer: spec.optimizer,
      batchSize: spec.batchSize ?? 32,
      loss: spec.loss ?? 'softmaxCrossEntropy',
      ...(spec.augment === undefined ? {} : { augment: spec.augment }),
      ...(spec.penalty === undefined ? {} : { penalty: spec.penalty }),
      seed: o.seed,
      ...(o.steps === undefined ? {} : { steps: o.steps }),
      ...(o.minLr === undefined ? {} : { minLr: o.minLr }),
      ...(o.maxLr === undefined ? {} : { maxLr: o.maxLr }),
    });
    const meta = { file: resolve(o.file), seed: o.seed, backend: ctx.backend, batchSize: spec.batchSize ?? 32, steps: r.points.length };
    await writeFileAtomic(join(out, 'lr-find.json'), JSON.stringify({ command: 'lr-find', ...meta, ...r }, null, 1));
    await writeFileAtomic(join(out, 'lr-find.html'), lrFindReport({ title: `trainkit lr-find — ${name}`, points: r.points, suggested: r.suggested, minimumLr: r.minimumLr, verdict: r.verdict, meta }));
    if (o.json) o.log(JSON.stringify({ event: 'lr-find', suggested: r.suggested, minimumLr: r.minimumLr, steepestLr: r.steepestLr, bestLoss: r.bestLoss, diverged: r.diverged, steps: r.points.length }));
    else o.log(`${r.verdict}\nplot: ${join(out, 'lr-find.html')}`);
    return { ...r, out };
  } finally {
    disposeModel(spec.model);
  }
}
