/**
 * `trainkit evaluate RUN_DIR`: scores a trained run's saved model on its test split (or, without
 * one, its validation or training split), rebuilt from the run file that run.json names: the
 * run's loss and metrics, and for a classifier macro precision, recall and F1 and the confusion
 * matrix.
 */
import type { ArrayDataset } from '../data/dataset.js';
import type { Logs } from '../train/callbacks.js';
import { confusionMatrix } from '../train/confusion.js';
import { evaluate, evaluateMetric } from '../train/evaluate.js';
import type { MetricName } from '../train/metrics.js';
import { loadRunDir, type RunDirOptions } from './run-dir.js';
import { disposeModel } from './run-file.js';

export interface EvaluateCommandOptions extends RunDirOptions {
  /** One JSON line instead of text. */
  json: boolean;
  log: (s: string) => void;
}

export interface EvaluateSummary {
  split: 'test' | 'validation' | 'train';
  examples: number;
  logs: Logs;
  /** Rows: true class, columns: predicted (classifiers only). */
  confusionMatrix?: number[][];
}

const CLASS_METRICS: MetricName[] = ['precision', 'recall', 'f1'];

/** Runs `trainkit evaluate`. */
export async function evaluateCommand(o: EvaluateCommandOptions): Promise<EvaluateSummary> {
  const { model, spec } = await loadRunDir(o);
  try {
    const split = spec.data.test ? 'test' : spec.data.validation ? 'validation' : 'train';
    const data = (spec.data.test ?? spec.data.validation ?? spec.data.train) as ArrayDataset;
    const loss = spec.loss ?? 'softmaxCrossEntropy';
    const metrics = spec.metrics ?? ['accuracy'];
    // Class-index targets: a classifier, scored per class as well.
    const classifier = data.numClasses !== undefined && data.y instanceof Int32Array;
    const extra = classifier ? CLASS_METRICS.filter((m) => !metrics.includes(m)) : [];
    const logs = await evaluate(model, data, { loss, metrics: [...metrics, ...extra] });
    const matrix = classifier ? await evaluateMetric(model, data, confusionMatrix()) : undefined;
    const result: EvaluateSummary = { split, examples: data.size, logs, ...(matrix ? { confusionMatrix: matrix } : {}) };
    if (o.json) o.log(JSON.stringify({ event: 'evaluate', split, examples: data.size, ...logs, ...(matrix ? { confusionMatrix: matrix } : {}) }));
    else {
      const show = (k: string, v: number): string => (k === 'accuracy' || /^top\d+$/.test(k) ? `${k} ${(100 * v).toFixed(2)}%` : `${k} ${v.toFixed(4)}`);
      o.log(`${split} (${data.size} examples): ${Object.entries(logs).map(([k, v]) => show(k, v)).join(' · ')}`);
      if (matrix) o.log(`confusion matrix (rows: true class, columns: predicted)\n${matrixTable(matrix, data.classNames)}`);
    }
    return result;
  } finally {
    disposeModel(model);
  }
}

function matrixTable(m: number[][], names?: readonly string[]): string {
  const labels = m.map((_, i) => (names?.[i] === undefined ? String(i) : `${i} ${names[i]}`));
  const first = Math.max(...labels.map((l) => l.length));
  const width = Math.max(...m.flat().map((v) => String(v).length), ...m.map((_, j) => String(j).length));
  const head = `${''.padEnd(first)}  ${m.map((_, j) => String(j).padStart(width)).join(' ')}`;
  return [head, ...m.map((row, i) => `${labels[i].padEnd(first)}  ${row.map((v) => String(v).padStart(width)).join(' ')}`)].join('\n');
}
