/**
 * `summary(model)`: what a model is made of, as Keras's `model.summary()` prints it — one row per
 * layer of a tf.LayersModel (name, class, output shape, parameter count), or per parameter leaf of
 * a functional model (tree path, shape, count), then total, trainable and non-trainable counts.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { treeLeavesWithPaths } from '../tree/tree.js';
import { adaptModel, type Model } from './model.js';

/** One row: a layer (LayersModel) or a parameter leaf (functional model). */
export interface SummaryRow {
  /** The layer's name, or the leaf's tree path ('w1', 'layers[0].bias'). */
  name: string;
  /** The layer's class ('Dense', 'Conv2D'); 'tensor' for a parameter leaf. */
  kind: string;
  /** The layer's output shape, null for the batch axis ([null, 256]); the leaf's shape. */
  shape: Array<number | null>;
  /** Parameters (elements of the layer's weights, or of the leaf). */
  params: number;
  /** Of those, trainable ones. */
  trainable: number;
}

export interface ModelSummary {
  kind: 'layers' | 'functional';
  rows: SummaryRow[];
  /** Every weight counted once (a weight shared by two layers too). */
  totalParams: number;
  trainableParams: number;
  nonTrainableParams: number;
  /** The table as text. */
  text: string;
}

/** Elements of weights (a weight's shape is concrete: no null dimension). */
const sumSizes = (ws: ReadonlyArray<{ shape: ReadonlyArray<number | null> }>): number =>
  ws.reduce((s, w) => s + w.shape.reduce<number>((a, b) => a * (b ?? 1), 1), 0);

function layerRows(model: LayersModel): SummaryRow[] {
  return model.layers.map((layer) => {
    const out = layer.outputShape;
    // A layer with several outputs reports the first one's shape.
    const shape = (Array.isArray(out[0]) ? out[0] : out) as Array<number | null>;
    return { name: layer.name, kind: layer.getClassName(), shape: [...shape], params: layer.countParams(), trainable: sumSizes(layer.trainableWeights) };
  });
}

const group = (n: number): string => n.toLocaleString('en-US');
const showShape = (s: ReadonlyArray<number | null>): string => `[${s.map((d) => (d === null ? 'null' : String(d))).join(', ')}]`;

function table(headers: string[], cells: string[][], footer: string[]): string {
  const widths = headers.map((h, j) => Math.max(h.length, ...cells.map((r) => r[j].length)));
  const line = (r: string[]): string => r.map((c, j) => (j === r.length - 1 ? c.padStart(widths[j]) : c.padEnd(widths[j]))).join('   ').trimEnd();
  const rule = (ch: string): string => ch.repeat(widths.reduce((a, b) => a + b, 0) + 3 * (widths.length - 1));
  return [rule('='), line(headers), rule('='), ...cells.map(line), rule('='), ...footer, rule('_')].join('\n');
}

/**
 * The model's layers (or parameter leaves) with their shapes and parameter counts, and the totals,
 * as data and as a printable table (`.text`). A functional model's parameters are all trainable
 * (fit trains every leaf of `params`); a LayersModel's non-trainable weights are e.g. batch-norm
 * moving statistics and frozen layers.
 *
 * @example
 * console.log(summary(model).text);
 * // Layer (type)           Output shape   Param #
 * // dense_Dense1 (Dense)   [null, 256]    200,960
 * // ...
 * // Total params: 203,530
 */
export function summary(model: Model): ModelSummary {
  const adapter = adaptModel(model);
  let rows: SummaryRow[];
  let totalParams: number;
  let trainableParams: number;
  let headers: string[];
  if (adapter.kind === 'layers') {
    const m = model as LayersModel;
    rows = layerRows(m);
    trainableParams = sumSizes(m.trainableWeights);
    totalParams = trainableParams + sumSizes(m.nonTrainableWeights);
    headers = ['Layer (type)', 'Output shape', 'Param #'];
  } else {
    rows = treeLeavesWithPaths(adapter.trainable()).map(([path, t]: [string, tf.Tensor]) => ({
      name: path === '' ? '(root)' : path,
      kind: 'tensor',
      shape: [...t.shape],
      params: t.size,
      trainable: t.size,
    }));
    totalParams = rows.reduce((s, r) => s + r.params, 0);
    trainableParams = totalParams;
    headers = ['Parameter', 'Shape', 'Count'];
  }
  const nonTrainableParams = totalParams - trainableParams;
  const cells = rows.map((r) => [adapter.kind === 'layers' ? `${r.name} (${r.kind})` : r.name, showShape(r.shape), group(r.params)]);
  const footer = [`Total params: ${group(totalParams)}`, `Trainable params: ${group(trainableParams)}`, `Non-trainable params: ${group(nonTrainableParams)}`];
  return { kind: adapter.kind, rows, totalParams, trainableParams, nonTrainableParams, text: table(headers, cells, footer) };
}
