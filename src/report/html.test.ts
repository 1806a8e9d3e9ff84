import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lrFindReport, movingAverage, trainingReport } from './html.js';

test('movingAverage is bias-corrected and skips non-finite values', () => {
  assert.deepEqual(movingAverage([2, 2, 2], 0.9).map((v) => +v.toFixed(12)), [2, 2, 2]);
  const m = movingAverage([1, Number.NaN, 3], 0.5);
  assert.equal(m[0], 1);
  assert.ok(Number.isNaN(m[1]));
  // a = 0.5·0.5 + 0.5·3 = 1.75 after two values; / (1 − 0.25) = 2.333…
  assert.ok(Math.abs(m[2] - 1.75 / 0.75) < 1e-12);
});

test('trainingReport is one self-contained page with the raw-loss scatter, its average, train vs validation and the learning rate', () => {
  const steps = Array.from({ length: 40 }, (_, i) => ({ step: (i + 1) * 5, loss: 2 / (1 + i / 5) + (i % 3) * 0.05, lr: 0.01 * (1 - i / 40) }));
  const epochs = [0, 1, 2, 3].map((e) => ({ epoch: e, step: (e + 1) * 50, logs: { loss: 1 / (e + 1), accuracy: 0.5 + 0.1 * e, val_loss: 1.1 / (e + 1), val_accuracy: 0.45 + 0.1 * e } }));
  const html = trainingReport({ title: 'run <a>', meta: { seed: 3, backend: 'cpu' }, steps, epochs, results: { final: { loss: 0.3, accuracy: 0.9 }, ema: { loss: 0.28, accuracy: 0.91 } }, notes: ['stopped early'] });
  assert.ok(html.startsWith('<!doctype html>'));
  assert.ok(html.includes('<title>run &lt;a&gt;</title>'));
  assert.doesNotMatch(html, /<script|<link|src="http|href="http/);
  assert.equal((html.match(/<svg /g) ?? []).length, 4); // loss per step, loss per epoch, accuracy per epoch, lr
  assert.equal((html.match(/<circle /g) ?? []).length, 40); // one faint dot per logged loss
  assert.ok(html.includes('fill-opacity="0.25"'));
  for (const s of ['moving average', 'validation loss', 'train accuracy', 'validation accuracy', 'learning rate', 'ema', 'stopped early', 'backend'])
    assert.ok(html.includes(s), s);
});

test('lrFindReport draws the smoothed loss on a log lr axis and marks the suggestion', () => {
  const points = Array.from({ length: 50 }, (_, i) => {
    const lr = 1e-6 * 10 ** (i / 7);
    return { lr, loss: 2 - Math.min(i, 35) / 25 + (i > 40 ? (i - 40) : 0), smoothed: 2 - Math.min(i, 35) / 25 + (i > 40 ? (i - 40) / 2 : 0) };
  });
  const html = lrFindReport({ title: 'lr find', points, suggested: 1e-2, minimumLr: 1e-1, verdict: 'suggested lr 1.0e-2' });
  assert.equal((html.match(/<svg /g) ?? []).length, 1);
  assert.equal((html.match(/class="marker"/g) ?? []).length, 2);
  assert.ok(html.includes('suggested 1.0e-2'));
  assert.ok(html.includes('>1e-6</text>') && html.includes('>1e0</text>'));
  assert.ok(html.includes('learning rate (log scale)'));
});
