/**
 * Accumulating metrics against scikit-learn (fixtures/sklearn-metrics.json, written by
 * tools/golden/metrics.py): macro precision, recall, F1, the confusion matrix and ROC AUC, folded
 * over batches that do not divide the set, through `evaluate` and `evaluateMetric`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { arrayDataset, type ArrayDataset } from '../data/dataset.js';
import { evaluate, evaluateMetric } from './evaluate.js';
import { confusionMatrix, classScores, precision } from './confusion.js';
import { auc, rocAuc } from './auc.js';
import { meanAggregate } from './aggregate-metric.js';
import { accuracy, resolveMetric } from './metrics.js';
import type { FunctionalModel } from './model.js';

await tf.setBackend('cpu');

const fixture = JSON.parse(readFileSync(new URL('./fixtures/sklearn-metrics.json', import.meta.url), 'utf8')) as {
  classification: Array<{ name: string; logits: number[][]; labels: number[]; precision: number; recall: number; f1: number; confusion: number[][] }>;
  auc: Array<{ name: string; scores: number[]; labels: number[]; auc: number }>;
};

/** A model whose logits are its inputs: the dataset's x rows are the logits to score. */
const identity: FunctionalModel = { params: {}, apply: (_p, x) => tf.clone(x) };

const dataset = (x: number[][] | number[], labels: number[]): ArrayDataset => {
  const rows = x.map((r) => (Array.isArray(r) ? r : [r]));
  return arrayDataset({ size: rows.length, xShape: [rows[0].length], x: Float32Array.from(rows.flat()), yShape: [], y: Int32Array.from(labels) });
};

const close = (a: number, b: number, what: string): void => assert.ok(Math.abs(a - b) < 1e-12, `${what}: ${a} vs sklearn ${b}`);

for (const c of fixture.classification) {
  test(`macro precision, recall, F1 and the confusion matrix equal scikit-learn's (${c.name})`, async () => {
    const data = dataset(c.logits, c.labels);
    const before = tf.memory().numTensors;
    const logs = await evaluate(identity, data, { metrics: ['precision', 'recall', 'f1', 'accuracy'], batchSize: 7 });
    close(logs.precision, c.precision, 'precision');
    close(logs.recall, c.recall, 'recall');
    close(logs.f1, c.f1, 'f1');
    const matrix = await evaluateMetric(identity, data, confusionMatrix(), { batchSize: 5 });
    assert.deepEqual(matrix, c.confusion);
    const correct = c.confusion.reduce((s, row, i) => s + row[i], 0);
    assert.ok(Math.abs(logs.accuracy - correct / c.labels.length) < 1e-6, 'accuracy is the diagonal share');
    assert.equal(tf.memory().numTensors, before, 'no tensor leaks');
  });
}

for (const c of fixture.auc) {
  test(`binary ROC AUC equals roc_auc_score, ties included (${c.name})`, async () => {
    close(rocAuc(c.scores, c.labels), c.auc, 'host rocAuc');
    // A one-logit model ([b, 1]) and a two-logit one (logits [0, s]: logit₁ − logit₀ = s), in batches of 6.
    const one = dataset(c.scores, c.labels);
    const two = dataset(c.scores.map((s) => [0, s]), c.labels);
    const before = tf.memory().numTensors;
    // Float 0/1 targets [b, 1], as binary cross-entropy takes them.
    const floatTargets = arrayDataset({ ...one, yShape: [1], y: Float32Array.from(c.labels) });
    const a1 = await evaluate(identity, floatTargets, { loss: 'binaryCrossEntropy', metrics: ['auc'], batchSize: 6 });
    const viaMetric = await evaluateMetric(identity, one, auc(), { batchSize: 6 });
    const a2 = await evaluate(identity, two, { metrics: ['auc'], batchSize: 6 });
    assert.ok(Math.abs(viaMetric - c.auc) < 1e-12, `${viaMetric} vs ${c.auc}`);
    assert.ok(Math.abs(a2.auc - c.auc) < 1e-12, `${a2.auc} vs ${c.auc}`);
    assert.ok(Math.abs(a1.auc - c.auc) < 1e-12, `${a1.auc} vs ${c.auc}`);
    assert.equal(tf.memory().numTensors, before, 'no tensor leaks');
  });
}

test('classScores leaves classes that never occur out of the macro means (sklearn labels=None)', () => {
  // Class 2 is neither true nor predicted: the means run over classes 0 and 1 only.
  const s = classScores([[3, 1, 0], [0, 2, 0], [0, 0, 0]]);
  assert.deepEqual(s.present, [true, true, false]);
  assert.equal(s.macroPrecision, (1 + 2 / 3) / 2);
  assert.equal(s.macroRecall, (3 / 4 + 1) / 2);
  assert.equal(s.macroF1, (6 / 7 + 4 / 5) / 2);
});

test('a binary model with one logit gets a 2 × 2 confusion matrix: class 1 when the logit is positive', async () => {
  const data = arrayDataset({ size: 5, xShape: [1], x: Float32Array.from([2, -1, 0.5, -3, 0]), yShape: [], y: Int32Array.from([1, 1, 0, 0, 0]) });
  assert.deepEqual(await evaluateMetric(identity, data, confusionMatrix()), [[2, 1], [1, 1]]);
});

test('AUC is NaN when the labels hold one class only (scikit-learn raises)', () => {
  assert.ok(Number.isNaN(rocAuc([0.1, 0.2], [1, 1])));
});

test('meanAggregate turns a mean-style metric into an accumulating one with the same value', async () => {
  const c = fixture.classification[0];
  const data = dataset(c.logits, c.labels);
  const viaMean = await evaluate(identity, data, { metrics: ['accuracy'], batchSize: 8 });
  const viaAggregate = await evaluateMetric(identity, data, meanAggregate(accuracy()), { batchSize: 8 });
  assert.ok(Math.abs(viaMean.accuracy - viaAggregate) < 1e-7);
});

test('names resolve to the accumulating metrics; an object that is neither kind is refused', () => {
  assert.equal(resolveMetric('f1').name, 'f1');
  assert.equal(resolveMetric(precision()).name, 'precision');
  assert.throws(() => resolveMetric({ name: 'x' } as never), /Invalid metric: \{"name":"x"\}/);
});

test('auc refuses a model with more than two outputs, naming the shape', async () => {
  const data = arrayDataset({ size: 2, xShape: [3], x: new Float32Array(6), yShape: [], y: Int32Array.from([0, 1]) });
  const before = tf.memory().numTensors;
  await assert.rejects(evaluate(identity, data, { metrics: ['auc'] }), /Invalid logits: "\[2,3\]"/);
  assert.equal(tf.memory().numTensors, before, 'no tensor leaks when a metric throws');
});
