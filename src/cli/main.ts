#!/usr/bin/env node
/**
 * The `trainkit` command line: argument parsing and wiring only.
 *
 *   trainkit demo [--out DIR] [--steps N]            optimizers racing on a quadratic and on Rosenbrock
 *   trainkit schedule SPEC [--steps N] [--every K] [--svg FILE]
 *                                                    print (and plot) a learning-rate schedule
 *   trainkit backend                                 which tensor backend trainkit picks here, and why
 *   trainkit train FILE.ts [--epochs N] [--seed S] [--backend NAME] [--out DIR] [--json] [--limit N] [--resume]
 *   trainkit evaluate RUN_DIR [--backend NAME] [--ema] [--json]
 *   trainkit predict RUN_DIR FILE... [--backend NAME] [--ema] [--json]
 *   trainkit lr-find FILE.ts [...same] [--steps N] [--min-lr X] [--max-lr X]
 *   trainkit recipe FILE.ts [...same]                initial loss, overfit a small sample, lr range test
 *   trainkit tune FILE.ts [--storage URL] [--study NAME] [--trials N] [--workers K] [--sampler S] [--pruner P] [--seed S]
 *   trainkit worker FILE.ts [--storage URL] [--study NAME] [...same] [--concurrency C]
 *   trainkit dashboard [--storage URL] [--port N] [--host H] [--study NAME]
 *
 * A run FILE's default export is `defineRun((ctx) => ({ model, data, optimizer, learningRate, ... }))`
 * (src/train/recipe/run.ts); a tune FILE's is `defineTune({ objective(trial) { ... }, direction?, ... })`
 * (src/tune/define.ts).
 */
import { realpathSync } from 'node:fs';
import { writeFileAtomic } from '../io/atomic.js';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { TrainkitError, isTrainkitError } from '../errors.js';
import { useBestBackend, backendInfo } from '../engine/index.js';
import { parseSchedule, sampleSchedule } from '../schedules/index.js';
import { linePlot } from '../report/svg.js';
import { runDemo } from './demo.js';
import { trainCommand } from './train.js';
import { lrFindCommand } from './lr-find.js';
import { recipeCommand } from './recipe.js';
import { evaluateCommand } from './evaluate.js';
import { predictCommand } from './predict.js';
import { tuneCommand, samplerFlag, prunerFlag, SAMPLER_FLAGS, PRUNER_FLAGS } from './tune.js';
import { interruptSignal, runWorker } from './worker.js';
import { DEFAULT_STORAGE } from '../store/open.js';
import { basename, extname } from 'node:path';
import { augmentPreviewCommand } from './augment-preview.js';
import { dashboardCommand, DEFAULT_DASHBOARD_PORT } from './dashboard.js';

const USAGE = `usage: trainkit <command> [options]

commands:
  demo [--out DIR] [--steps N]          optimizers race on a badly conditioned quadratic and on Rosenbrock
  schedule SPEC [--steps N] [--every K] [--svg FILE]
                                        print a learning-rate schedule, e.g.
                                        trainkit schedule warmup-cosine:peak=0.001,warmupSteps=100,decaySteps=900
  backend                               show the tensor backend trainkit chooses on this machine
  train FILE.ts [--epochs N] [--seed S] [--backend NAME] [--out DIR] [--json] [--limit N] [--resume]
                                        train what FILE defines; writes DIR/run.json, DIR/report.html,
                                        DIR/model/ (+ DIR/model-ema/) in LayersModel format
                                        (a functional model: params.json + weights.bin, loadParams)
                                        (default DIR: out/train/<name>) and DIR/checkpoints/last.tkpt
                                        at each epoch end; --json: one JSON line per epoch, then one
                                        with the test metrics; --limit: at most N examples per split;
                                        --resume: continue from DIR/checkpoints/last.tkpt up to --epochs
  evaluate RUN_DIR [--backend NAME] [--ema] [--json]
                                        score the model train saved in RUN_DIR on the run's test split
                                        (rebuilt from the run file run.json names): loss, metrics, and
                                        for a classifier macro precision/recall/F1 and the confusion
                                        matrix; --ema: the EMA weights
  predict RUN_DIR FILE... [--backend NAME] [--ema] [--json]
                                        class and probabilities for each FILE: an image (.png, .jpg:
                                        scaled to [0, 1], converted and resized to the run's input) or
                                        an array (.npy, .json: one or more preprocessed examples)
  lr-find FILE.ts [--steps N] [--min-lr X] [--max-lr X] [--seed S] [--backend NAME] [--out DIR] [--json] [--limit N]
                                        learning-rate range test: DIR/lr-find.html and lr-find.json
  recipe FILE.ts [--seed S] [--backend NAME] [--out DIR] [--json] [--limit N] [--search-trials N] [--storage URL]
                                        the practitioner's recipe with verdicts: 1-3 initial loss,
                                        overfit a small sample, lr range test; 4-5 a coarse (N
                                        trials, default 8; 0 stops after 3) then a refined search of
                                        lr x weight decay into studies of the store (default
                                        ${DEFAULT_STORAGE}), and the configuration to train fully
  tune FILE.ts [--storage URL] [--study NAME] [--trials N] [--workers K] [--timeout S]
       [--sampler ${Object.keys(SAMPLER_FLAGS).join('|')}] [--pruner ${Object.keys(PRUNER_FLAGS).join('|')}] [--seed S] [--backend NAME] [--json]
                                        hyperparameter search: creates the study (default NAME: the
                                        file's name) in the store (default ${DEFAULT_STORAGE}), starts K
                                        worker processes and waits; a line per finished trial (JSON
                                        lines when not a terminal, or with --json); --trials: the
                                        study's total; worker i gets seed S+i; Ctrl-C: running
                                        trials are recorded as failed, workers exit
  worker FILE.ts [--storage URL] [--study NAME] [--concurrency C] [...tune's options]
                                        join a study from any machine that reaches the store
                                        (--trials defaults to the budget tune recorded)
  dashboard [--storage URL] [--port N] [--host H] [--study NAME]
                                        the command center: every trial's curves, live, in the
                                        browser; serves the store (default ${DEFAULT_STORAGE}) on
                                        http://127.0.0.1:N (default ${DEFAULT_DASHBOARD_PORT}; 0: any free port)
                                        until Ctrl-C; --host 0.0.0.0 serves other machines too
  augment-preview [--dataset fashion-mnist|DIR] [--out DIR]  a PNG grid of images under each augmentation

A run FILE (TypeScript or JavaScript) has a default export
  export default defineRun(async ({ seed, epochs, limit, backend }) => ({
    model,                                  // tf.LayersModel or { params, apply }
    data: { train, validation?, test? },    // ArrayDatasets
    optimizer: (learningRate) => adamw({ learningRate }),
    learningRate,                           // number or schedule (step) => number
    epochs?, batchSize?, loss?, metrics?, callbacks?, ema?: { decay }, logEvery?,
  }));
e.g. trainkit train examples/fashion-mnist-mlp.ts --epochs 3

A tune FILE has a default export
  export default defineTune({
    async objective(trial) { const lr = await trial.suggestFloat('lr', 1e-4, 1e-1, { log: true }); ...; return valLoss; },
    direction?, sampler?, pruner?,
  });
`;

const SEARCH_OPTIONS = {
  storage: { type: 'string' },
  study: { type: 'string' },
  trials: { type: 'string' },
  timeout: { type: 'string' },
  sampler: { type: 'string' },
  pruner: { type: 'string' },
  seed: { type: 'string' },
  backend: { type: 'string' },
  json: { type: 'boolean', default: false },
} as const;
const RUN_OPTIONS = {
  epochs: { type: 'string' },
  seed: { type: 'string', default: '0' },
  backend: { type: 'string' },
  out: { type: 'string' },
  json: { type: 'boolean', default: false },
  limit: { type: 'string' },
} as const;

export async function main(argv: string[], log: (s: string) => void = console.log): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    log(USAGE);
    return command === undefined ? 2 : 0;
  }
  if (command === 'demo') {
    const { values } = parseArgs({ args: rest, options: { out: { type: 'string' }, steps: { type: 'string' } } });
    await runDemo({ out: values.out, steps: values.steps === undefined ? undefined : positiveInt('--steps', values.steps), log });
    return 0;
  }
  if (command === 'schedule') {
    const { values, positionals } = parseArgs({
      args: rest,
      allowPositionals: true,
      options: { steps: { type: 'string', default: '100' }, every: { type: 'string' }, svg: { type: 'string' } },
    });
    if (positionals.length !== 1)
      throw new TrainkitError(`schedule takes exactly one SPEC (got ${positionals.length}); e.g. cosine:init=0.1,decaySteps=1000`);
    const steps = positiveInt('--steps', values.steps!);
    const every = values.every === undefined ? Math.max(1, Math.floor(steps / 20)) : positiveInt('--every', values.every);
    const values_ = sampleSchedule(parseSchedule(positionals[0]), steps);
    log('step\tlearning rate');
    values_.forEach((v, t) => {
      if (t % every === 0 || t === steps - 1) log(`${t}\t${+v.toPrecision(6)}`);
    });
    if (values.svg) {
      await writeFileAtomic(
        values.svg,
        linePlot([{ name: positionals[0], points: values_.map((v, t): [number, number] => [t, v]) }], {
          title: positionals[0],
          xLabel: 'step',
          yLabel: 'learning rate',
        }),
      );
      log(`plot: ${values.svg}`);
    }
    return 0;
  }
  if (command === 'augment-preview') return augmentPreviewCommand(rest, log);
  if (command === 'backend') {
    const name = await useBestBackend();
    log(JSON.stringify({ ...backendInfo(), name }, null, 2));
    return 0;
  }
  if (command === 'train' || command === 'lr-find' || command === 'recipe') {
    const { values, positionals } = parseArgs({
      args: rest,
      allowPositionals: true,
      options: {
        ...RUN_OPTIONS,
        ...(command === 'lr-find' ? { steps: { type: 'string' }, 'min-lr': { type: 'string' }, 'max-lr': { type: 'string' } } as const : {}),
        ...(command === 'train' ? { resume: { type: 'boolean', default: false } } as const : {}),
        ...(command === 'recipe' ? { 'search-trials': { type: 'string' }, storage: { type: 'string' } } as const : {}),
      },
    });
    if (positionals.length !== 1) throw new TrainkitError(`${command} takes exactly one run FILE (got ${positionals.length}); e.g. trainkit ${command} examples/fashion-mnist-mlp.ts`);
    const v = values as Record<string, string | boolean | undefined>;
    const common = {
      file: positionals[0],
      seed: nonNegativeInt('--seed', v.seed as string),
      ...(v.epochs === undefined ? {} : { epochs: positiveInt('--epochs', v.epochs as string) }),
      ...(v.limit === undefined ? {} : { limit: positiveInt('--limit', v.limit as string) }),
      ...(v.backend === undefined ? {} : { backend: v.backend as string }),
      ...(v.out === undefined ? {} : { out: v.out as string }),
      json: v.json === true,
      log,
    };
    if (command === 'train') await trainCommand({ ...common, resume: v.resume === true });
    else if (command === 'recipe')
      await recipeCommand({
        ...common,
        ...(v['search-trials'] === undefined ? {} : { searchTrials: nonNegativeInt('--search-trials', v['search-trials'] as string) }),
        ...(v.storage === undefined ? {} : { storage: v.storage as string }),
      });
    else
      await lrFindCommand({
        ...common,
        ...(v.steps === undefined ? {} : { steps: positiveInt('--steps', v.steps as string) }),
        ...(v['min-lr'] === undefined ? {} : { minLr: positiveNumber('--min-lr', v['min-lr'] as string) }),
        ...(v['max-lr'] === undefined ? {} : { maxLr: positiveNumber('--max-lr', v['max-lr'] as string) }),
      });
    return 0;
  }
  if (command === 'evaluate' || command === 'predict') {
    const { values, positionals } = parseArgs({
      args: rest,
      allowPositionals: true,
      options: { backend: { type: 'string' }, ema: { type: 'boolean', default: false }, json: { type: 'boolean', default: false } },
    });
    const [dir, ...files] = positionals;
    if (dir === undefined || (command === 'evaluate' && files.length > 0) || (command === 'predict' && files.length === 0))
      throw new TrainkitError(
        command === 'evaluate'
          ? `evaluate takes exactly one RUN_DIR (got ${positionals.length}); e.g. trainkit evaluate out/train/fashion-mnist-mlp`
          : 'predict takes a RUN_DIR and at least one FILE; e.g. trainkit predict out/train/fashion-mnist-mlp shirt.png',
      );
    const common = { dir, ema: values.ema === true, json: values.json === true, log, ...(values.backend === undefined ? {} : { backend: values.backend }) };
    if (command === 'evaluate') await evaluateCommand(common);
    else await predictCommand({ ...common, files });
    return 0;
  }
  if (command === 'tune' || command === 'worker') {
    const { values, positionals } = parseArgs({
      args: rest,
      allowPositionals: true,
      options: { ...SEARCH_OPTIONS, workers: { type: 'string', default: '1' }, concurrency: { type: 'string', default: '1' } },
    });
    if (positionals.length !== 1)
      throw new TrainkitError(`${command} takes exactly one tune FILE (got ${positionals.length}); e.g. trainkit ${command} examples/tune-mlp.ts --trials 20`);
    if (command === 'worker' && rest.some((a) => a === '--workers' || a.startsWith('--workers=')))
      throw new TrainkitError('worker runs one worker: --workers is an option of tune (use --concurrency for trials at once in this process)');
    if (values.sampler !== undefined) samplerFlag(values.sampler);
    if (values.pruner !== undefined) prunerFlag(values.pruner);
    const file = positionals[0];
    const common = {
      file,
      storage: values.storage ?? process.env.TRAINKIT_STORAGE ?? DEFAULT_STORAGE,
      study: values.study ?? basename(file, extname(file)),
      ...(values.trials === undefined ? {} : { trials: positiveInt('--trials', values.trials) }),
      ...(values.timeout === undefined ? {} : { timeoutS: positiveNumber('--timeout', values.timeout) }),
      ...(values.seed === undefined ? {} : { seed: nonNegativeInt('--seed', values.seed) }),
      ...(values.backend === undefined ? {} : { backend: values.backend }),
      ...(values.json ? { isTTY: false } : {}),
      log,
    };
    const workers = positiveInt('--workers', values.workers!);
    const concurrency = positiveInt('--concurrency', values.concurrency!);
    const interrupt = interruptSignal();
    try {
      if (command === 'tune')
        return await tuneCommand({
          ...common,
          workers,
          ...(values.sampler === undefined ? {} : { sampler: values.sampler }),
          ...(values.pruner === undefined ? {} : { pruner: values.pruner }),
          signal: interrupt.signal,
        });
      return await runWorker({
        ...common,
        concurrency,
        ...(values.sampler === undefined ? {} : { sampler: samplerFlag(values.sampler) }),
        ...(values.pruner === undefined ? {} : { pruner: prunerFlag(values.pruner) }),
        signal: interrupt.signal,
      });
    } finally {
      interrupt.dispose();
    }
  }
  if (command === 'dashboard') {
    const { values, positionals } = parseArgs({
      args: rest,
      allowPositionals: true,
      options: { storage: { type: 'string' }, port: { type: 'string' }, host: { type: 'string' }, study: { type: 'string' } },
    });
    if (positionals.length > 0) throw new TrainkitError(`dashboard takes no FILE (got ${JSON.stringify(positionals[0])}); e.g. trainkit dashboard --storage sqlite:./trainkit.db`);
    const interrupt = interruptSignal();
    try {
      return await dashboardCommand({
        storage: values.storage ?? process.env.TRAINKIT_STORAGE ?? DEFAULT_STORAGE,
        port: values.port === undefined ? DEFAULT_DASHBOARD_PORT : portNumber('--port', values.port),
        ...(values.host === undefined ? {} : { host: hostName('--host', values.host) }),
        ...(values.study === undefined ? {} : { study: values.study }),
        log,
        signal: interrupt.signal,
      });
    } finally {
      interrupt.dispose();
    }
  }
  log(`Unknown command: ${JSON.stringify(command)}\n\n${USAGE}`);
  return 2;
}

function positiveInt(option: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0) throw new TrainkitError(`Invalid ${option}: ${JSON.stringify(text)} (expected a positive integer)`);
  return n;
}

function nonNegativeInt(option: string, text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 0) throw new TrainkitError(`Invalid ${option}: ${JSON.stringify(text)} (expected an integer >= 0)`);
  return n;
}

function portNumber(option: string, text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n > 65535) throw new TrainkitError(`Invalid ${option}: ${JSON.stringify(text)} (expected an integer from 0 (any free port) to 65535)`);
  return n;
}

function hostName(option: string, text: string): string {
  if (!/^[A-Za-z0-9.:[\]%_-]+$/.test(text))
    throw new TrainkitError(`Invalid ${option}: ${JSON.stringify(text)} (expected an IP address or host name, e.g. 127.0.0.1, or 0.0.0.0 for every interface)`);
  return text;
}

function positiveNumber(option: string, text: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) throw new TrainkitError(`Invalid ${option}: ${JSON.stringify(text)} (expected a positive number)`);
  return n;
}

function isEntryPoint(): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return realpathSync(script) === fileURLToPath(import.meta.url);
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  // A command-line run, not a library import: silence TensorFlow.js's "install tfjs-node" banner.
  tf.env().set('PROD', true);
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      if (isTrainkitError(err) || (err as { code?: string })?.code?.startsWith('ERR_PARSE_ARGS')) {
        console.error(`trainkit: ${(err as Error).message}`);
        process.exit(2);
      }
      console.error(err);
      process.exit(1);
    },
  );
}
