#!/usr/bin/env node
/**
 * The `trainkit` command line: argument parsing and wiring only.
 *
 *   trainkit demo [--out DIR] [--steps N]            optimizers racing on a quadratic and on Rosenbrock
 *   trainkit schedule SPEC [--steps N] [--every K] [--svg FILE]
 *                                                    print (and plot) a learning-rate schedule
 *   trainkit backend                                 which tensor backend trainkit picks here, and why
 *
 * `train`, `tune`, `worker`, `dashboard`, `recipe` and `lr-find` are named in the design and arrive
 * with the training-loop and search issues; until then they exit with status 2 and say so.
 */
import { realpathSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { TrainkitError } from '../errors.js';
import { useBestBackend, backendInfo } from '../engine/index.js';
import { parseSchedule, sampleSchedule } from '../schedules/index.js';
import { linePlot } from '../report/svg.js';
import { runDemo } from './demo.js';

const USAGE = `usage: trainkit <command> [options]

commands:
  demo [--out DIR] [--steps N]          optimizers race on a badly conditioned quadratic and on Rosenbrock
  schedule SPEC [--steps N] [--every K] [--svg FILE]
                                        print a learning-rate schedule, e.g.
                                        trainkit schedule warmup-cosine:peak=0.001,warmupSteps=100,decaySteps=900
  backend                               show the tensor backend trainkit chooses on this machine
  train | tune | worker | dashboard | recipe | lr-find
                                        not built yet (training-loop and search issues)
`;

const PLANNED = new Set(['train', 'tune', 'worker', 'dashboard', 'recipe', 'lr-find']);

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
      writeFileSync(
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
  if (command === 'backend') {
    const name = await useBestBackend();
    log(JSON.stringify({ ...backendInfo(), name }, null, 2));
    return 0;
  }
  if (PLANNED.has(command)) {
    log(`trainkit ${command}: not built yet — it arrives with the training-loop / search issues.`);
    return 2;
  }
  log(`Unknown command: ${JSON.stringify(command)}\n\n${USAGE}`);
  return 2;
}

function positiveInt(option: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0) throw new TrainkitError(`Invalid ${option}: ${JSON.stringify(text)} (expected a positive integer)`);
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
      if (err instanceof TrainkitError || (err as { code?: string })?.code?.startsWith('ERR_PARSE_ARGS')) {
        console.error(`trainkit: ${(err as Error).message}`);
        process.exit(2);
      }
      console.error(err);
      process.exit(1);
    },
  );
}
