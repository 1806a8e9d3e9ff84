import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Curves, Points } from './curves.js';
import {
  blockMeans,
  diagnose,
  diagnosisOptions,
  flatStart,
  lrTooHigh,
  overfitting,
  plateauThenDrop,
  trainLonger,
  trainingLoss,
  underfitting,
  updateRatio,
  type Finding,
} from './diagnose.js';

/** Points at x = x0, x0 + dx, ... */
const pts = (ys: number[], x0 = 1, dx = 1): Points => ys.map((y, i) => [x0 + i * dx, y]);
/** n values from f(i / (n - 1)). */
const gen = (n: number, f: (t: number) => number): number[] => Array.from({ length: n }, (_, i) => f(i / (n - 1)));
/** A deterministic ±amp wiggle (no Math.random in tests). */
const wiggle = (i: number, amp: number): number => amp * Math.sin(i * 2.399);
const level = (f: Finding | undefined): string | undefined => f?.level;

/** A healthy run: losses falling like 1/(1 + 5t), validation a bit above, ratios near 2e-3 at lr 1e-3. */
function healthy(epochs = 10, stepsPerEpoch = 20): Curves {
  const steps = epochs * stepsPerEpoch;
  const loss = (t: number): number => 0.3 + 2 / (1 + 8 * t);
  return {
    loss: pts(gen(epochs, (t) => loss(t))),
    val_loss: pts(gen(epochs, (t) => 1.15 * loss(t) + 0.05)),
    accuracy: pts(gen(epochs, (t) => 0.95 - 0.6 / (1 + 8 * t))),
    val_accuracy: pts(gen(epochs, (t) => 0.92 - 0.6 / (1 + 8 * t))),
    'step:loss': pts(gen(steps / 5, (t) => loss(t) * (1 + wiggle(Math.round(t * 1000), 0.1))), 5, 5),
    'step:lr': pts(gen(steps / 5, () => 1e-3), 5, 5),
    'step:updateRatio': pts(gen(steps / 5, (t) => 6e-3 - 4e-3 * t), 5, 5),
  };
}

test('a healthy run: no problem, every rule that has data says ok or hints', () => {
  const findings = diagnose(healthy());
  assert.deepEqual(findings.filter((f) => f.level === 'problem'), []);
  assert.deepEqual(findings.map((f) => f.rule).sort(), ['flat-start', 'lr-too-high', 'overfitting', 'train-longer', 'underfitting', 'update-ratio']);
  for (const f of findings) {
    assert.equal(typeof f.message, 'string');
    for (const v of Object.values(f.evidence)) assert.equal(typeof v, 'number');
  }
});

test('diagnose orders problems, then hints, then ok; empty curves give no finding', () => {
  const c = healthy();
  c.val_loss = pts([...ys(c.val_loss).slice(0, 5), 0.9, 1.0, 1.1, 1.2, 1.3]); // rising: overfitting
  const levels = diagnose(c).map((f) => f.level);
  assert.deepEqual(levels, [...levels].sort((a, b) => ['problem', 'hint', 'ok'].indexOf(a) - ['problem', 'hint', 'ok'].indexOf(b)));
  assert.equal(levels[0], 'problem');
  assert.deepEqual(diagnose({}), []);
});

function ys(p: Points): number[] {
  return p.map(([, y]) => y);
}

test('diagnose checks its arguments', () => {
  assert.throws(() => diagnose(null as unknown as Curves), /Invalid curves/);
  assert.throws(() => diagnose({}, { direction: 'up' as 'minimize' }), /Invalid direction: "up" \(expected 'minimize' or 'maximize'\)/);
  assert.throws(() => diagnose({}, { classes: 1 }), /Invalid classes: 1 \(expected an integer >= 2\)/);
  assert.throws(() => diagnose({}, { chanceLoss: -1 }), /Invalid chanceLoss/);
  assert.throws(() => diagnose({}, { failReason: 3 as unknown as string }), /Invalid failReason/);
});

test('blockMeans averages runs of consecutive points; trainingLoss prefers steps, then epochs, then reported values', () => {
  assert.deepEqual(blockMeans(pts([1, 3, 5, 7, 9, 11]), 3), [[2, 2], [4, 6], [6, 10]]);
  assert.deepEqual(blockMeans(pts([1, 2]), 3), pts([1, 2]));
  assert.equal(trainingLoss(healthy())?.source, 'step:loss');
  assert.equal(trainingLoss(healthy())?.points.length, 12);
  assert.equal(trainingLoss({ loss: pts([3, 2, 1, 1, 1]) })?.source, 'loss');
  assert.equal(trainingLoss({ intermediate: pts([3, 2, 1, 1, 1], 0) })?.source, 'intermediate');
  assert.equal(trainingLoss({ intermediate: pts([3, 2, 1, 1, 1], 0) }, { direction: 'maximize' }), undefined);
  assert.equal(trainingLoss({ loss: pts([3, 2, 1]) }), undefined, 'too few points to read a shape');
});

test('lr-too-high: a NaN or infinite loss, or a failure saying so', () => {
  assert.equal(level(lrTooHigh({ 'step:loss': pts([2.3, 1.9, NaN], 10, 10) })), 'problem');
  assert.match(lrTooHigh({ loss: pts([2.3, Infinity]) })!.message, /The training loss became Infinity at epoch 2: the loss exploded, the learning rate is too high/);
  assert.equal(level(lrTooHigh({}, { failReason: 'NonFiniteError: The training loss became NaN or infinite at step 12; training stopped.' })), 'problem');
  assert.equal(lrTooHigh({}, { failReason: 'Error: out of memory' }), undefined, 'another failure, and no curve: nothing to say');
  assert.equal(lrTooHigh({ intermediate: pts([1, NaN], 0) }, { direction: 'maximize' }), undefined, 'a maximised reported value is not a loss');
});

test('lr-too-high: updates a tenth of the weights or more (median of the last steps), or updates that died out', () => {
  const c = healthy();
  c['step:updateRatio'] = pts(gen(40, () => 0.2), 5, 5);
  const f = lrTooHigh(c)!;
  assert.equal(f.level, 'problem');
  assert.equal(f.evidence.factor, 200);
  // One big update at the start (a layer initialised near zero) is not judged: the last steps are.
  c['step:updateRatio'] = pts(gen(40, (t) => (t === 0 ? 0.5 : 2e-3)), 5, 5);
  assert.equal(level(lrTooHigh(c)), 'ok');
  // Dead units: the ratio falls from 0.3 to 0 (SGD) or 1e-8 (Adam's momentum fading).
  for (const dead of [0, 1e-8]) {
    c['step:updateRatio'] = pts(gen(40, (t) => (t < 0.1 ? 0.3 * (1 - 5 * t) : dead)), 5, 5);
    assert.match(lrTooHigh(c)!.message, /died out/);
  }
  // Converging: the ratio falls 20×, not to nothing.
  c['step:updateRatio'] = pts(gen(40, (t) => 1e-2 / (1 + 19 * t)), 5, 5);
  assert.equal(level(lrTooHigh(c)), 'ok');
});

test('lr-too-high: the training loss rising to twice its lowest value, giving back half of its gain', () => {
  assert.equal(level(lrTooHigh({ loss: pts([2.3, 1.5, 1.0, 1.4, 2.5, 4.0]) })), 'problem');
  assert.equal(lrTooHigh({ loss: pts([2.3, 1.5, 1.0, 1.4, 2.5, 4.0]) })!.evidence.at, 5);
  // Noise near 0 doubles the loss without giving back what was gained: not an explosion.
  assert.equal(level(lrTooHigh({ loss: pts([1.8, 0.3, 0.01, 0.002, 0.005, 0.003]) })), 'ok');
  // A loss that only rises.
  assert.equal(level(lrTooHigh({ loss: pts([1, 1.2, 1.5, 2.2, 3]) })), 'problem');
});

test('lr-too-high explains the other symptoms: flat, underfit, a dead update ratio are left out', () => {
  const stuck = gen(10, () => 2.3);
  const c: Curves = {
    loss: pts([109, ...stuck.slice(1)]),
    val_loss: pts(stuck.map((y) => y + 1.4)),
    accuracy: pts(gen(10, () => 0.1)),
    val_accuracy: pts(gen(10, () => 0.1)),
    'step:loss': pts(gen(50, (t) => (t === 0 ? 827 : 2.3 + wiggle(Math.round(t * 50), 0.05))), 4, 4),
    'step:updateRatio': pts(gen(50, (t) => (t === 0 ? 0.27 : 0)), 4, 4),
  };
  assert.deepEqual(
    diagnose(c).filter((f) => f.level !== 'ok').map((f) => f.rule),
    ['lr-too-high'],
  );
});

test('flat-start: the loss stays at its first value for the whole run', () => {
  const flat = { 'step:loss': pts(gen(60, (t) => 2.3 - 0.05 * t + wiggle(Math.round(t * 59), 0.15)), 10, 10) };
  const f = flatStart(flat)!;
  assert.equal(f.level, 'problem');
  assert.equal(f.evidence.plateauFraction, 1);
  assert.equal(plateauThenDrop(flat), undefined);
  assert.equal(level(flatStart(healthy())), 'ok');
  assert.equal(level(flatStart({ intermediate: pts([2.3, 2.3, 2.29, 2.3, 2.3], 0) })), 'problem', 'the reported values, when they are a loss');
  assert.equal(flatStart({ val_accuracy: pts([0.1, 0.1, 0.1, 0.1, 0.1]) }), undefined);
});

test('plateau-then-drop: flat for 20% of the run or more, then a fall of 30% or more', () => {
  const curve = (plateau: number): Curves => ({ loss: pts(gen(20, (t) => (t <= plateau ? 2.3 : 2.3 * Math.exp(-3 * (t - plateau))))) });
  const f = plateauThenDrop(curve(0.4))!;
  assert.equal(f.level, 'problem');
  assert.ok(f.evidence.plateauFraction >= 0.4 && f.evidence.plateauFraction < 0.5, String(f.evidence.plateauFraction));
  assert.ok(f.evidence.fall > 0.8);
  assert.equal(flatStart(curve(0.4)), undefined, 'a plateau with a drop is not a flat start');
  assert.equal(plateauThenDrop(curve(0.05)), undefined);
  assert.equal(level(flatStart(curve(0.05))), 'ok');
});

test('overfitting: validation loss rising while the training loss falls', () => {
  const train = gen(20, (t) => 2 * Math.exp(-5 * t));
  const val = gen(20, (t) => 0.8 + 1.2 * (t - 0.3) ** 2);
  const f = overfitting({ loss: pts(train), val_loss: pts(val) })!;
  assert.equal(f.level, 'problem');
  assert.ok(f.evidence.valMinEpoch >= 6 && f.evidence.valMinEpoch <= 8, String(f.evidence.valMinEpoch));
  assert.match(f.message, /overfitting; regularise/);
  assert.equal(level(overfitting(healthy())), 'ok');
  // One noisy validation epoch at the end is not a trend.
  assert.equal(level(overfitting({ loss: pts([1.4, 0.9, 0.7, 0.6, 0.55, 0.5, 0.47]), val_loss: pts([1.1, 0.85, 0.75, 0.66, 0.62, 0.6, 0.8]) })), 'ok');
  // A wide gap that stopped improving: a hint.
  assert.equal(level(overfitting({ loss: pts([1, 0.5, 0.3, 0.2, 0.15, 0.1]), val_loss: pts([1.1, 0.8, 0.7, 0.69, 0.7, 0.7]) })), 'hint');
  assert.equal(overfitting({ loss: pts([1, 0.5, 0.3]), val_loss: pts([1, 0.6, 0.7]) }), undefined, 'three epochs are too few');
});

test('overfitting from accuracies alone', () => {
  const f = overfitting({ accuracy: pts([0.5, 0.7, 0.8, 0.9, 0.95, 0.99]), val_accuracy: pts([0.5, 0.65, 0.72, 0.7, 0.66, 0.64]) })!;
  assert.equal(f.level, 'problem');
  assert.equal(level(overfitting({ accuracy: pts([0.5, 0.7, 0.8, 0.85]), val_accuracy: pts([0.5, 0.68, 0.77, 0.81]) })), 'ok');
});

test('underfitting: no gap and a poor fit, judged against chance when known', () => {
  const stuck: Curves = { loss: pts([2.35, 2.33, 2.31, 2.29, 2.27]), val_loss: pts([2.36, 2.34, 2.32, 2.3, 2.28]), accuracy: pts([0.15, 0.16, 0.17, 0.18, 0.19]) };
  assert.equal(level(underfitting(stuck)), 'problem');
  assert.match(underfitting(stuck)!.message, /underfitting — use a bigger model, train longer/);
  assert.equal(level(underfitting(stuck, { classes: 10 })), 'problem');
  assert.equal(underfitting(stuck, { classes: 10 })!.evidence.chanceLoss, 2.3);
  // No gap, 70% accuracy: room to fit more (a hint); against chance (loss 0.8 = 35% of ln 10) also a hint.
  const fair: Curves = { loss: pts([1.2, 1, 0.9, 0.82, 0.8]), val_loss: pts([1.1, 0.95, 0.88, 0.8, 0.78]), accuracy: pts([0.5, 0.6, 0.65, 0.68, 0.7]) };
  assert.equal(level(underfitting(fair)), 'hint');
  assert.equal(level(underfitting(fair, { classes: 10 })), 'hint');
  assert.equal(level(underfitting(fair, { chanceLoss: 10 })), 'ok');
  // A penalty inflates the training loss above the validation loss: still no gap.
  assert.equal(level(underfitting({ loss: pts([41, 7, 2.9, 2.3, 2.2]), val_loss: pts([2.2, 2.1, 2.05, 2.03, 2.02]), accuracy: pts([0.2, 0.4, 0.45, 0.45, 0.48]) })), 'problem');
  // A gap: not underfitting.
  assert.equal(level(underfitting(healthy())), 'ok');
  assert.equal(underfitting({ loss: pts([2, 1.9]) }), undefined, 'no validation: no gap to judge');
  // Losses only, no accuracy, no chance: a hint when the loss fell less than half.
  assert.equal(level(underfitting({ loss: pts([2, 1.8, 1.7]), val_loss: pts([2, 1.85, 1.75]) })), 'hint');
});

test('train-longer: validation still improving at the end', () => {
  assert.equal(level(trainLonger(healthy())), 'hint');
  const plateaued = { val_loss: pts([1.2, 0.8, 0.7, 0.65, 0.64, 0.64, 0.645, 0.64]) };
  assert.equal(level(trainLonger(plateaued)), 'ok');
  assert.equal(level(trainLonger({ val_accuracy: pts([0.5, 0.6, 0.7, 0.75, 0.8]) })), 'hint');
  // Reported values: an accuracy (maximize) improving, a loss (minimize) flat.
  assert.equal(level(trainLonger({ intermediate: pts([0.5, 0.6, 0.7, 0.75, 0.8], 0) }, { direction: 'maximize' })), 'hint');
  assert.equal(level(trainLonger({ intermediate: pts([0.5, 0.6, 0.7, 0.75, 0.8], 0) })), 'ok');
  assert.equal(trainLonger({ val_loss: pts([1, 0.9]) }), undefined);
});

test('update-ratio: the median of the last steps against 1e-3 gives the factor the rate is off by', () => {
  const c = (ratio: number, lr = 0.1): Curves => ({ 'step:updateRatio': pts(gen(30, () => ratio), 10, 10), 'step:lr': pts(gen(30, () => lr), 10, 10) });
  assert.equal(level(updateRatio(c(2e-3))), 'ok');
  const low = updateRatio(c(2e-5))!;
  assert.equal(low.level, 'hint');
  assert.equal(low.evidence.factor, 0.02);
  assert.match(low.message, /about 50× too low \(≈ 5 instead of 0\.1\)/);
  const high = updateRatio(c(3e-2))!;
  assert.match(high.message, /about 30× too high \(≈ 0\.0033 instead of 0\.1\)/);
  assert.equal(level(updateRatio(c(5e-6))), 'problem');
  assert.equal(updateRatio(c(0)), undefined, 'nothing moves: lr-too-high reads that');
  assert.equal(updateRatio({ 'step:updateRatio': pts([1e-3, 1e-3]) }), undefined, 'too few steps');
});

test('update-ratio: a schedule is judged where the rate is at least half its peak', () => {
  // Cosine decay to 0: the ratio follows the rate; the last steps at high rate are near 1e-3.
  const lr = gen(50, (t) => 0.05 * (1 + Math.cos(Math.PI * t)));
  const curves: Curves = { 'step:lr': pts(lr, 10, 10), 'step:updateRatio': pts(lr.map((r) => (r / 0.1) * 1.5e-3), 10, 10) };
  const f = updateRatio(curves)!;
  assert.equal(f.level, 'ok');
  assert.equal(f.evidence.lr, 0.1);
  assert.ok(f.evidence.updateRatio > 7e-4, String(f.evidence.updateRatio));
});

test('partial inputs: only the reported values, only epoch logs, only steps', () => {
  const reported = diagnose({ intermediate: pts([1.2, 0.9, 0.8, 0.75, 0.72, 0.7], 0) });
  assert.deepEqual(reported.map((f) => f.rule).sort(), ['flat-start', 'lr-too-high', 'train-longer']);
  const epochs = diagnose({ loss: healthy().loss, val_loss: healthy().val_loss });
  assert.ok(!epochs.some((f) => f.rule === 'update-ratio'));
  assert.ok(epochs.some((f) => f.rule === 'overfitting'));
  const steps = diagnose({ 'step:updateRatio': healthy()['step:updateRatio'] });
  assert.deepEqual(steps.map((f) => f.rule).sort(), ['lr-too-high', 'update-ratio']);
});

test('diagnosisOptions takes failReason and classes from a trial\'s user attributes, when well-formed', () => {
  assert.deepEqual(diagnosisOptions({ failReason: 'NonFiniteError: x', classes: 10, 'epoch:0': {} }, 'maximize'), { direction: 'maximize', failReason: 'NonFiniteError: x', classes: 10 });
  assert.deepEqual(diagnosisOptions({ failReason: 3, classes: 2.5 }), {});
  assert.deepEqual(diagnosisOptions({ classes: 1 }, 'minimize'), { direction: 'minimize' });
});
