/**
 * `trainkit train FILE.ts`: trains what FILE defines (see defineRun), evaluates on its test split,
 * saves the model (and its EMA) in LayersModel format (a functional model: its parameter tree, see
 * saveParams), and writes run.json and report.html. A checkpoint at each epoch end
 * (OUT/checkpoints/last.tkpt) lets `--resume` continue an interrupted or shorter run exactly.
 * With `--storage URL` the run is also recorded in a trial store as a one-trial study (train-study.ts),
 * so the dashboard shows its curves and diagnosis.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { writeFileAtomic } from '../io/atomic.js';
import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { backendInfo } from '../engine/index.js';
import { TrainkitError } from '../errors.js';
import { checkpoints } from '../train/checkpoints.js';
import type { Callback, Logs } from '../train/callbacks.js';
import { ema as emaCallback, type Ema } from '../train/ema.js';
import { evaluate } from '../train/evaluate.js';
import { fit, type History } from '../train/fit.js';
import { adaptModel, isFunctionalModel } from '../train/model.js';
import { trainingReport } from '../report/html.js';
import { disposeModel, loadRunFile, type RunFileOptions } from './run-file.js';
import { saveLayersModel, saveParams } from '../io/model-files.js';
import { redactUrl } from '../store/open.js';
import type { ParamValue } from '../store/types.js';
import { startRunStudy, type RunStudy } from './train-study.js';

export interface TrainCommandOptions extends RunFileOptions {
  /** Output folder. Default out/train/<run name>. */
  out?: string;
  /** One JSON line per epoch and a last line with the test metrics, instead of the progress bar. */
  json: boolean;
  /** Continue from OUT/checkpoints/last.tkpt (up to `epochs`), as if the run had not stopped. */
  resume?: boolean;
  /** Record the run in this trial store as a one-trial study (see train-study.ts). */
  storage?: string;
  /** The study's name there. Default: the file's base name and the time. */
  study?: string;
  log: (s: string) => void;
}

export interface TrainSummary {
  out: string;
  /** Test (or, without a test split, validation) metrics of the final weights, and of the EMA. */
  final: Logs;
  ema?: Logs;
  split: 'test' | 'validation' | 'train';
  /** Where the run was recorded, with `storage`. */
  recorded?: { study: string; trial: number };
}

/** Runs `trainkit train`. */
export async function trainCommand(o: TrainCommandOptions): Promise<TrainSummary> {
  const started = performance.now();
  const { spec, ctx, name } = await loadRunFile(o);
  const out = resolve(o.out ?? join('out', 'train', name));
  mkdirSync(out, { recursive: true });
  const epochs = o.epochs ?? spec.epochs ?? 10;
  const batchSize = spec.batchSize ?? 32;
  const loss = spec.loss ?? 'softmaxCrossEntropy';
  const metrics = spec.metrics ?? ['accuracy'];
  const logEvery = spec.logEvery ?? 10;
  const avg: Ema | undefined = spec.ema === undefined ? undefined : emaCallback(spec.ema);
  const jsonLines: Callback = {
    onEpochEnd(epoch, logs, c) {
      o.log(JSON.stringify({ event: 'epoch', epoch, step: c.position().step, ...logs }));
    },
  };
  const ckpt = checkpoints({ dir: join(out, 'checkpoints') });
  const monitor = spec.data.validation === undefined ? 'loss' : 'val_loss';
  let recording: RunStudy | undefined;
  try {
    if (o.resume === true && !existsSync(ckpt.lastPath))
      throw new TrainkitError(`--resume: no checkpoint at ${ckpt.lastPath} (train writes one there at each epoch end)`);
    if (o.storage !== undefined) {
      const params: Record<string, ParamValue> = { epochs, batchSize, seed: o.seed, logEvery };
      if (typeof spec.learningRate === 'number') params.learningRate = spec.learningRate;
      if (typeof loss === 'string') params.loss = loss;
      if (spec.ema?.decay !== undefined) params.emaDecay = spec.ema.decay;
      if (o.limit !== undefined) params.limit = o.limit;
      const numClasses = spec.data.train.numClasses;
      recording = await startRunStudy({
        storage: o.storage,
        ...(o.study === undefined ? {} : { study: o.study }),
        file: o.file,
        monitor,
        params,
        userAttrs: { command: 'train', file: resolve(o.file), run: name, backend: ctx.backend, out, resumed: o.resume === true, ...(numClasses === undefined ? {} : { classes: numClasses }) },
      });
      o.log(o.json ? JSON.stringify({ event: 'recording', storage: redactUrl(o.storage), study: recording.study, trial: recording.trial }) : `recording in ${redactUrl(o.storage)}: study ${JSON.stringify(recording.study)}, trial ${recording.trial}`);
    }
    const callbacks = [...(spec.callbacks ?? []), ...(avg ? [avg] : []), ...(o.json ? [jsonLines] : []), ...(recording ? [recording.callback] : []), ckpt];
    // The earlier part of a resumed run, as its run.json recorded it (when it got that far).
    const earlier = o.resume === true ? previousHistory(join(out, 'run.json')) : undefined;
    let history: History;
    try {
      history = await fit(spec.model, { train: spec.data.train, validation: spec.data.validation }, {
        optimizer: spec.optimizer(spec.learningRate),
        learningRate: spec.learningRate,
        epochs,
        batchSize,
        loss,
        metrics,
        seed: o.seed,
        logEvery,
        verbose: o.json ? 'silent' : 'progress',
        callbacks,
        ...(spec.augment === undefined ? {} : { augment: spec.augment }),
        ...(spec.penalty === undefined ? {} : { penalty: spec.penalty }),
        ...(o.resume === true ? { resumeFrom: ckpt.lastPath } : {}),
      });
    } catch (e) {
      const r = recording;
      recording = undefined;
      await r?.fail(e);
      throw e;
    }
    let recorded: TrainSummary['recorded'];
    if (recording !== undefined) {
      const r = recording;
      recording = undefined;
      await r.complete(history.epochs.at(-1)?.logs[monitor]);
      recorded = { study: r.study, trial: r.trial };
    }
    if (earlier !== undefined) {
      const before = <T extends { step: number }>(old: T[], now: T[]): T[] => old.filter((r) => r.step < (now[0]?.step ?? Infinity));
      history.epochs.unshift(...before(earlier.epochs, history.epochs));
      history.steps.unshift(...before(earlier.steps, history.steps));
      history.validations.unshift(...before(earlier.validations, history.validations));
    }
    const split = spec.data.test ? 'test' : spec.data.validation ? 'validation' : 'train';
    const evalData = spec.data.test ?? spec.data.validation ?? spec.data.train;
    const final = await evaluate(spec.model, evalData, { loss, metrics });
    const emaLogs = avg ? await avg.evaluate(spec.model, evalData, { loss, metrics }) : undefined;

    // LayersModel: TensorFlow.js's LayersModel format; functional model: its parameter tree
    // (saveParams), as `{ params, state }` when it carries non-trainable state (batch-norm statistics).
    const saved: Record<string, string> = {};
    const save = (dir: string): Promise<string> => {
      const m = spec.model;
      if (!isFunctionalModel(m)) return saveLayersModel(m, dir);
      return saveParams(m.state === undefined ? m.params : { params: m.params, state: m.state }, dir);
    };
    saved.model = await save(join(out, 'model'));
    if (avg) {
      const adapter = adaptModel(spec.model);
      const mine = adapter.weights().map(([, t]) => tf.clone(t));
      try {
        avg.copyTo(spec.model);
        saved.ema = await save(join(out, 'model-ema'));
      } finally {
        adapter.setWeights(mine);
        mine.forEach((t) => t.dispose());
      }
    }
    const wallSeconds = (performance.now() - started) / 1000;
    const info = backendInfo();
    const config = { file: resolve(o.file), name, epochs, batchSize, logEvery, limit: o.limit ?? null, loss: typeof loss === 'string' ? loss : 'custom', ema: spec.ema ?? null, augment: spec.augment !== undefined, penalty: spec.penalty !== undefined, resumed: o.resume === true };
    const results: Record<string, Logs> = { [`final (${split})`]: final, ...(emaLogs ? { [`ema (${split})`]: emaLogs } : {}) };
    const run = {
      command: 'train',
      config,
      seed: o.seed,
      backend: { name: ctx.backend, threads: info.threads, simd: info.simd },
      history: { steps: history.steps, epochs: history.epochs, validations: history.validations, step: history.step, stopped: history.stopped, stopReason: history.stopReason ?? null },
      results,
      models: saved,
      wallSeconds,
    };
    await writeFileAtomic(join(out, 'run.json'), JSON.stringify(run, null, 1));
    await writeFileAtomic(
      join(out, 'report.html'),
      trainingReport({
        title: `trainkit train — ${name}`,
        meta: { file: config.file, seed: o.seed, backend: `${ctx.backend} (${info.threads} thread${info.threads === 1 ? '' : 's'})`, epochs, batchSize, 'wall time (s)': +wallSeconds.toFixed(1) },
        steps: history.steps,
        epochs: history.epochs,
        results,
        notes: history.stopReason ? [`stopped: ${history.stopReason}`] : [],
      }),
    );
    if (o.json) o.log(JSON.stringify({ event: split, ...final, ...(emaLogs ? { ema: emaLogs } : {}) }));
    else {
      const acc = (l: Logs): string => (l.accuracy === undefined ? `loss ${l.loss.toFixed(4)}` : `accuracy ${(100 * l.accuracy).toFixed(2)}%, loss ${l.loss.toFixed(4)}`);
      o.log(`${split}: ${acc(final)}${emaLogs ? ` · EMA weights: ${acc(emaLogs)}` : ''}`);
      if (saved.model) o.log(`model: ${saved.model}${saved.ema ? ` · EMA model: ${saved.ema}` : ''}`);
      o.log(`report: ${join(out, 'report.html')} · run: ${join(out, 'run.json')} · ${wallSeconds.toFixed(1)} s on ${ctx.backend}`);
    }
    return { out, final, ...(emaLogs ? { ema: emaLogs } : {}), split, ...(recorded === undefined ? {} : { recorded }) };
  } finally {
    avg?.dispose();
    disposeModel(spec.model);
  }
}

/** The history a run.json holds, or undefined when there is none to read. */
function previousHistory(path: string): Pick<History, 'epochs' | 'steps' | 'validations'> | undefined {
  if (!existsSync(path)) return undefined;
  try {
    const h = (JSON.parse(readFileSync(path, 'utf8')) as { history?: History }).history;
    return h === undefined ? undefined : { epochs: h.epochs ?? [], steps: h.steps ?? [], validations: h.validations ?? [] };
  } catch {
    return undefined; // a run.json cut short by the interruption: the resumed part is all there is
  }
}
