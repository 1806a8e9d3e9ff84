/**
 * The course's reading of learning curves, in words: `diagnose(curves)` applies each rule below to
 * a run's curves (report/curves.ts: epoch logs 'loss', 'val_loss', 'accuracy', ...; logging steps
 * 'step:loss', 'step:lr', 'step:updateRatio'; and 'intermediate', the values a trial reported) and
 * returns what it finds, problems first.
 *
 *   flat loss at the start            → bad initialisation                      'flat-start'
 *   a long plateau, then a drop       → initialisation again                    'plateau-then-drop'
 *   loss exploding (NaN/∞, a big rise, huge or dead updates) → lr too high       'lr-too-high'
 *   validation rising, training falling → overfitting: regularise, more data   'overfitting'
 *   no gap and poor fit               → underfitting: bigger model, train longer 'underfitting'
 *   validation still improving at the end → train longer                         'train-longer'
 *   update/parameter ratio far from 1e-3 → the learning rate is off by that factor 'update-ratio'
 *
 * Each rule is a small exported function of the curves. It returns undefined when the curves lack
 * what it reads (a run recorded without steps, a trial with only its intermediate values), a
 * finding of level 'ok' when it looked and found nothing, else a 'hint' or a 'problem'. Every
 * threshold is a named constant below, with the reasoning and the measurements behind it: they were
 * set on synthetic curves (diagnose.test.ts) and on short real trainings on Fashion-MNIST
 * (diagnose-real.test.ts; MLPs on 200–1,000 images, 8–40 epochs). There, healthy runs end with a
 * median update ratio of 2e-3 (Adam 1e-3) to 1e-2 (SGD 0.05, momentum 0.9) and their loss leaves its
 * start within the first block; runs at a rate 100× too high or more either keep making updates of
 * 0.2–0.6 of the weights' norm or kill their ReLUs (the ratio falls to 1e-8 or 0, the loss sits at
 * chance); weights drawn N(0, 0.03²) in a 5-layer MLP (He's scale there: 0.05–0.18) hold the loss at
 * ln 10 for ~40% of a 12-epoch run, then it drops by half.
 *
 * Decisions:
 * - A run whose learning rate is too high explains most other symptoms (a loss stuck at chance is
 *   flat and underfit; dead units make the update ratio tiny), so when 'lr-too-high' is a problem,
 *   'flat-start', 'plateau-then-drop', 'overfitting' (a noisy or exploded validation loss),
 *   'underfitting' and 'update-ratio' are left out: fix the rate first.
 * - The update ratio is judged where the learning rate is at least half its peak (a schedule that
 *   decays to 0 makes the last updates tiny on purpose), on the last 20% of those steps.
 * - Step losses are noisy (one batch each): rules that look at the shape of the training loss read
 *   it in blocks (means of consecutive points), epoch losses as they are.
 * - What counts as a poor fit needs a baseline: the chance loss ln(C) when the caller knows the
 *   number of classes C (diagnosisOptions reads it from a trial's `classes` attribute), else the
 *   training accuracy against chance (1/C, or 0), else the training loss against its first value.
 */

import { InvalidArgumentError } from '../errors.js';
import type { Curves, Points } from './curves.js';

/** One finding of the diagnosis. */
export interface Finding {
  /** The rule's id, e.g. 'lr-too-high'. */
  rule: string;
  /** 'problem' (act on it), 'hint' (consider it) or 'ok'. */
  level: 'problem' | 'hint' | 'ok';
  /** One sentence, as the course says it. */
  message: string;
  /** The numbers behind it, for people who want to check. */
  evidence: Record<string, number>;
}

export interface DiagnoseOptions {
  /** What the 'intermediate' curve measures: 'minimize' (a loss, the default) or 'maximize' (e.g. an accuracy). */
  direction?: 'minimize' | 'maximize';
  /** Why the trial failed (its `failReason` user attribute): a NaN or infinite loss there means the rate was too high. */
  failReason?: string;
  /** The number of classes: the chance loss is then ln(classes) and the chance accuracy 1/classes. */
  classes?: number;
  /** The loss of a model that guesses at chance (default ln(classes) when `classes` is given). */
  chanceLoss?: number;
}

/** The course's rule of thumb: each update moves the weights by about 1e-3 of their norm. */
export const UPDATE_RATIO_TARGET = 1e-3;
/** The ratio off the target by at least this factor (either way): a hint that the rate is off by that factor. */
export const UPDATE_RATIO_HINT_FACTOR = 10;
/** Off by at least this factor: a problem. */
export const UPDATE_RATIO_PROBLEM_FACTOR = 100;
/** The update ratio is the median over this last fraction of the steps at high rate (at least UPDATE_RATIO_MIN_POINTS). */
export const UPDATE_RATIO_LAST_FRACTION = 0.2;
export const UPDATE_RATIO_MIN_POINTS = 3;
/**
 * A median update ratio over the last steps (as the update-ratio rule reads it) of at least this
 * (updates a tenth of the weights' norm, 100× the rule of thumb) means the rate is far too high.
 * Measured: healthy runs end at 0.002 (Adam 1e-3) to 0.01 (SGD 0.05, momentum 0.9); an SGD
 * linear model at a rate 10× too high, 0.2 to 0.6. The first steps are not judged: a layer
 * initialised at (near) zero makes huge ratios there whatever the rate.
 */
export const EXPLODING_UPDATE_RATIO = 0.1;
/**
 * Dead units: the update ratio's last steps fall to at most UPDATE_RATIO_DEAD (nothing moves any
 * more) after a peak UPDATE_RATIO_COLLAPSE (1000)× higher. Runs at rates 100× too high or more
 * measured 1e-8 to 0 after peaks of 0.1 to 0.8 (their loss stuck at chance); healthy ones fall 3–15×
 * as they converge.
 */
export const UPDATE_RATIO_DEAD = 1e-6;
export const UPDATE_RATIO_COLLAPSE = 1000;
/**
 * A rise of the training loss to LOSS_RISE_FACTOR × its lowest value so far that also gives back at
 * least LOSS_GIVE_BACK of what training had gained from its first value: the loss is exploding.
 * The second condition keeps noise near a loss of 0 (0.001 → 0.003) from counting.
 */
export const LOSS_RISE_FACTOR = 2;
export const LOSS_GIVE_BACK = 0.5;
/** Failure reasons that mean the loss became NaN or infinite (NonFiniteError's message). */
export const NON_FINITE_REASON = /NonFiniteError|NaN or infinite|not a finite number/i;
/** Step-level training losses are averaged in this many blocks before their shape is read. */
export const LOSS_BLOCKS = 12;
/** At least this many points (blocks or epochs) for a shape rule (flat start, plateau, explosion by rise). */
export const MIN_SHAPE_POINTS = 5;
/**
 * The loss is "flat" while it stays within this fraction below its first value (block means).
 * Measured: healthy runs leave it within the first 10% of the run; a block of ~5 noisy batch losses
 * varies by about ±4%.
 */
export const FLAT_TOLERANCE = 0.05;
/** A flat stretch at the start at least this long (fraction of the run, in steps) is a plateau. */
export const PLATEAU_MIN_FRACTION = 0.2;
/** After a plateau, a fall at least this large (fraction of the plateau's level) is "a drop"; less, the start is just flat. */
export const PLATEAU_DROP = 0.3;
/** Overfitting (curves read as trailing means of 2 epochs): validation loss at least this fraction above its minimum at the end... */
export const OVERFIT_VAL_RISE = 0.1;
/** ... while the training loss fell by at least this fraction since the validation minimum. */
export const OVERFIT_TRAIN_FALL = 0.1;
/** With accuracies only: validation accuracy this far (absolute) below its best while training accuracy rose as much. */
export const OVERFIT_ACCURACY_DROP = 0.02;
/** A hint of overfitting: validation loss at least this many times the training loss at the end (and above its minimum). */
export const OVERFIT_GAP_RATIO = 2;
/** Underfitting's "no gap": validation loss at most this fraction above the training loss (any amount below counts). */
export const UNDERFIT_MAX_GAP = 0.1;
/** With accuracies: at most this many points (absolute) between training and validation accuracy. */
export const UNDERFIT_MAX_ACCURACY_GAP = 0.05;
/** "Poor" (a problem): a training loss at least this fraction of the chance loss (or, without one, of its first value: a hint). */
export const UNDERFIT_LOSS_OF_CHANCE = 0.5;
/** "Could be better" (a hint): a training loss at least this fraction of the chance loss. */
export const UNDERFIT_HINT_LOSS_OF_CHANCE = 0.2;
/** "Poor" (a problem): a training accuracy less than this fraction of the way from chance to 1. */
export const UNDERFIT_ACCURACY_OF_RANGE = 0.5;
/** "Could be better" (a hint): a training accuracy less than this fraction of the way from chance to 1. */
export const UNDERFIT_HINT_ACCURACY_OF_RANGE = 0.9;
/** Still improving: the last TRAIN_LONGER_WINDOW of the curve (at least 3 points) gained at least this fraction... */
export const TRAIN_LONGER_MIN_GAIN = 0.02;
export const TRAIN_LONGER_WINDOW = 0.25;
/** ... and its best value is among the last this many points. */
export const TRAIN_LONGER_BEST_WITHIN = 2;

type Rule = (curves: Curves, options: DiagnoseOptions) => Finding | undefined;

const LEVELS = { problem: 0, hint: 1, ok: 2 } as const;
/** Rules left out when 'lr-too-high' is a problem (see the module comment). */
const EXPLAINED_BY_LR = new Set(['flat-start', 'plateau-then-drop', 'overfitting', 'underfitting', 'update-ratio']);

/**
 * The diagnosis of a run's curves: the findings of every rule that had the data it reads, problems
 * first, then hints, then what looked fine ('ok'). Empty when no rule had data.
 *
 * @example
 * const findings = diagnose(curvesOf(trial.userAttrs), diagnosisOptions(trial.userAttrs, study.direction));
 * findings.filter((f) => f.level === 'problem').map((f) => f.message);
 * // ['The validation loss rose 29% above its minimum (epoch 11) while the training loss fell 95%: overfitting; regularise ...']
 */
export function diagnose(curves: Curves, options: DiagnoseOptions = {}): Finding[] {
  if (curves === null || typeof curves !== 'object') throw new InvalidArgumentError('curves', curves, 'the curves of a run, { name: [[x, y], ...] } (curvesOf)');
  checkOptions(options);
  const rules: Rule[] = [lrTooHigh, flatStart, plateauThenDrop, overfitting, underfitting, trainLonger, updateRatio];
  let findings = rules.map((rule) => rule(curves, options)).filter((f): f is Finding => f !== undefined);
  if (findings.some((f) => f.rule === 'lr-too-high' && f.level === 'problem')) findings = findings.filter((f) => !EXPLAINED_BY_LR.has(f.rule));
  return findings.sort((a, b) => LEVELS[a.level] - LEVELS[b.level]);
}

/**
 * The options a trial's record gives the diagnosis: its `failReason` and `classes` user attributes
 * (`trainkit train --storage` records the number of classes; an objective may set it) when they are
 * well-formed, and the study's direction for its reported values.
 *
 * @example
 * const findings = diagnose(curves, diagnosisOptions(trial.userAttrs, study.direction));
 */
export function diagnosisOptions(userAttrs: Record<string, unknown>, direction?: 'minimize' | 'maximize'): DiagnoseOptions {
  const o: DiagnoseOptions = {};
  if (direction === 'minimize' || direction === 'maximize') o.direction = direction;
  if (typeof userAttrs.failReason === 'string') o.failReason = userAttrs.failReason;
  const classes = userAttrs.classes;
  if (typeof classes === 'number' && Number.isInteger(classes) && classes >= 2) o.classes = classes;
  return o;
}

function checkOptions(o: DiagnoseOptions): void {
  if (o === null || typeof o !== 'object') throw new InvalidArgumentError('diagnose options', o, '{ direction?, failReason?, classes?, chanceLoss? }');
  if (o.direction !== undefined && o.direction !== 'minimize' && o.direction !== 'maximize') throw new InvalidArgumentError('direction', o.direction, "'minimize' or 'maximize'");
  if (o.failReason !== undefined && typeof o.failReason !== 'string') throw new InvalidArgumentError('failReason', o.failReason, 'a string (the trial\'s failReason)');
  if (o.classes !== undefined && !(Number.isInteger(o.classes) && o.classes >= 2)) throw new InvalidArgumentError('classes', o.classes, 'an integer >= 2');
  if (o.chanceLoss !== undefined && !(typeof o.chanceLoss === 'number' && Number.isFinite(o.chanceLoss) && o.chanceLoss > 0))
    throw new InvalidArgumentError('chanceLoss', o.chanceLoss, 'a finite number > 0');
}

// ---------------------------------------------------------------------------------------------
// Curve helpers

const finitePoints = (p: Points | undefined): Points => (p ?? []).filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
const ys = (p: Points): number[] => p.map(([, y]) => y);
const round = (x: number, digits = 3): number => (Number.isFinite(x) ? +x.toPrecision(digits) : x);
const pct = (x: number): string => `${Math.round(100 * x)}%`;

function median(values: number[]): number {
  const v = [...values].sort((a, b) => a - b);
  const mid = v.length >> 1;
  return v.length % 2 === 1 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

/** Means of `blocks` runs of consecutive points (x: the block's last x). */
export function blockMeans(points: Points, blocks: number): Points {
  if (points.length <= blocks) return points.slice();
  const out: Points = [];
  for (let b = 0; b < blocks; b++) {
    const from = Math.floor((b * points.length) / blocks);
    const to = Math.floor(((b + 1) * points.length) / blocks);
    const chunk = points.slice(from, to);
    out.push([chunk[chunk.length - 1][0], chunk.reduce((s, [, y]) => s + y, 0) / chunk.length]);
  }
  return out;
}

/**
 * The training loss as the shape rules read it: the logging steps' losses in LOSS_BLOCKS block
 * means when there are at least 2 × LOSS_BLOCKS of them, else the epoch losses, else the reported
 * values when they are a loss (direction 'minimize'). Undefined with fewer than MIN_SHAPE_POINTS.
 */
export function trainingLoss(curves: Curves, options: DiagnoseOptions = {}): { points: Points; source: string } | undefined {
  const steps = finitePoints(curves['step:loss']);
  if (steps.length >= 2 * LOSS_BLOCKS) return { points: blockMeans(steps, LOSS_BLOCKS), source: 'step:loss' };
  const epochs = finitePoints(curves.loss);
  if (epochs.length >= MIN_SHAPE_POINTS) return { points: epochs, source: 'loss' };
  if (steps.length >= MIN_SHAPE_POINTS) return { points: steps, source: 'step:loss' };
  const reported = finitePoints(curves.intermediate);
  if ((options.direction ?? 'minimize') === 'minimize' && reported.length >= MIN_SHAPE_POINTS && curves.loss === undefined && curves.val_loss === undefined)
    return { points: reported, source: 'intermediate' };
  return undefined;
}

/** The curve's values at the x's both curves have, in x order. */
function aligned(a: Points, b: Points): Array<[x: number, a: number, b: number]> {
  const byX = new Map(b.map(([x, y]) => [x, y]));
  return a.filter(([x]) => byX.has(x)).map(([x, y]) => [x, y, byX.get(x) as number]);
}

/** Mean of the last `k` values (all when fewer). */
const tailMean = (values: number[], k: number): number => {
  const t = values.slice(-k);
  return t.reduce((s, v) => s + v, 0) / t.length;
};

/** The chance loss the options give (chanceLoss, else ln(classes)), if any. */
const chanceLossOf = (o: DiagnoseOptions): number | undefined => o.chanceLoss ?? (o.classes === undefined ? undefined : Math.log(o.classes));

/**
 * The update ratios of the logging steps where the rate ran at at least half its peak (all of them
 * without a 'step:lr' curve), and that peak.
 */
function highRateRatios(curves: Curves): { points: Points; peakLr?: number } {
  const ratios = finitePoints(curves['step:updateRatio']);
  const lrs = new Map(finitePoints(curves['step:lr']).map(([x, y]) => [x, y]));
  const known = ratios.filter(([x]) => (lrs.get(x) ?? 0) > 0);
  if (known.length === 0) return { points: ratios };
  const peakLr = Math.max(...known.map(([x]) => lrs.get(x) as number));
  return { points: known.filter(([x]) => (lrs.get(x) as number) >= peakLr / 2), peakLr };
}

/** The last UPDATE_RATIO_LAST_FRACTION of `points`, at least UPDATE_RATIO_MIN_POINTS. */
const lastSteps = (points: Points): Points => points.slice(-Math.max(UPDATE_RATIO_MIN_POINTS, Math.round(points.length * UPDATE_RATIO_LAST_FRACTION)));

// ---------------------------------------------------------------------------------------------
// The rules

/**
 * 'lr-too-high' (problem): the loss is exploding. Any of:
 * - a NaN or infinite loss in a curve, or a failure reason saying so (NON_FINITE_REASON);
 * - the update/parameter ratio of the last steps (as 'update-ratio' reads it) at least
 *   EXPLODING_UPDATE_RATIO (0.1: updates a tenth the size of the weights, 100× the rule of thumb);
 * - that ratio at most UPDATE_RATIO_DEAD (1e-6) after a peak UPDATE_RATIO_COLLAPSE (1000)× higher:
 *   the units died (after an explosion the loss sits at chance and nothing learns);
 * - the training loss (trainingLoss) rising to LOSS_RISE_FACTOR (2)× its lowest value so far (when
 *   that is above 0) while giving back at least LOSS_GIVE_BACK (half) of what it had gained.
 * 'ok' when the data to check (a loss or update ratios) is there and none holds.
 */
export function lrTooHigh(curves: Curves, options: DiagnoseOptions = {}): Finding | undefined {
  const lossNames = ['loss', 'val_loss', 'step:loss', ...((options.direction ?? 'minimize') === 'minimize' ? ['intermediate'] : [])];
  const advice = 'lower it (÷3 to ÷10), add warmup, or clip gradients';
  const what: Record<string, string> = { loss: 'training loss', val_loss: 'validation loss', 'step:loss': 'training loss', intermediate: 'reported value' };
  for (const name of lossNames) {
    const bad = (curves[name] ?? []).find(([, y]) => !Number.isFinite(y));
    if (bad !== undefined)
      return {
        rule: 'lr-too-high',
        level: 'problem',
        message: `The ${what[name]} became ${String(bad[1])} at ${name === 'loss' || name === 'val_loss' ? 'epoch' : 'step'} ${bad[0]}: the loss exploded, the learning rate is too high; ${advice}.`,
        evidence: { at: bad[0] },
      };
  }
  if (options.failReason !== undefined && NON_FINITE_REASON.test(options.failReason))
    return { rule: 'lr-too-high', level: 'problem', message: `Training failed with a NaN or infinite loss: the loss exploded, the learning rate is too high; ${advice}.`, evidence: {} };
  const ratios = highRateRatios(curves).points;
  const hasRatios = ratios.length >= UPDATE_RATIO_MIN_POINTS;
  if (hasRatios) {
    const peak = Math.max(...ys(ratios));
    const last = median(ys(lastSteps(ratios)));
    if (last >= EXPLODING_UPDATE_RATIO)
      return {
        rule: 'lr-too-high',
        level: 'problem',
        message: `Each update moves the weights by ${pct(last)} of their norm (median of the last steps; the rule of thumb is 0.1%): the learning rate is far too high, by about ${round(last / UPDATE_RATIO_TARGET, 2)}×; ${advice}.`,
        evidence: { updateRatio: round(last), factor: round(last / UPDATE_RATIO_TARGET, 2) },
      };
    if (last <= UPDATE_RATIO_DEAD && peak >= UPDATE_RATIO_COLLAPSE * last && peak > 0)
      return {
        rule: 'lr-too-high',
        level: 'problem',
        message: `The updates died out (from ${peak.toExponential(1)} of the weights' norm to ${last === 0 ? '0' : last.toExponential(1)}): the units stopped learning, as they do after a learning rate too high; ${advice}.`,
        evidence: { peakUpdateRatio: round(peak), updateRatio: round(last) },
      };
  }
  const loss = trainingLoss(curves, options);
  if (loss !== undefined) {
    const v = ys(loss.points);
    let min = v[0];
    for (let i = 1; i < v.length; i++) {
      if (min > 0 && v[i] >= LOSS_RISE_FACTOR * min && v[i] - min >= LOSS_GIVE_BACK * (v[0] - min))
        return {
          rule: 'lr-too-high',
          level: 'problem',
          message: `The training loss rose from ${round(min)} to ${round(v[i])} (at ${loss.source === 'loss' ? 'epoch' : 'step'} ${loss.points[i][0]}): the loss is exploding, the learning rate is too high; ${advice}.`,
          evidence: { min: round(min), risen: round(v[i]), at: loss.points[i][0] },
        };
      min = Math.min(min, v[i]);
    }
  }
  if (loss === undefined && !hasRatios) return undefined;
  return { rule: 'lr-too-high', level: 'ok', message: 'The loss is not exploding: no NaN, no big rise, no oversized or vanished updates.', evidence: {} };
}

/**
 * The flat stretch at the start of the training loss: how long it lasts (fraction of the run, from
 * its start to the last point), where it ends (the last point within FLAT_TOLERANCE below the first), its level (the first
 * value) and the fall after it (fraction of the level, to the lowest value).
 */
function plateau(loss: { points: Points; source: string }): { fraction: number; end: number; level: number; fall: number } {
  const { points } = loss;
  const v = ys(points);
  const level = v[0];
  let i = 1;
  while (i < v.length && v[i] >= level * (1 - FLAT_TOLERANCE)) i++;
  // Training starts at x = 0 (steps; epochs are numbered from 1), reported values at x = -1 (step = epoch).
  const x0 = loss.source === 'intermediate' ? -1 : 0;
  const span = points[points.length - 1][0] - x0;
  const end = points[i - 1][0];
  return { fraction: span > 0 ? (end - x0) / span : 0, end, level, fall: level > 0 ? (level - Math.min(...v)) / level : 0 };
}

/**
 * 'flat-start' (problem): the training loss (trainingLoss) stays within FLAT_TOLERANCE (5%) of its
 * first value for at least PLATEAU_MIN_FRACTION (20%) of the run and falls less than PLATEAU_DROP
 * (30%) in all: the network barely learns from the start, the sign of a bad initialisation (weights
 * too small, so the signal and gradients vanish, or too large, so units saturate or die). 'ok'
 * when the loss leaves its start sooner.
 */
export function flatStart(curves: Curves, options: DiagnoseOptions = {}): Finding | undefined {
  const loss = trainingLoss(curves, options);
  if (loss === undefined || loss.points[0][1] <= 0) return undefined; // ratios of a loss that can go negative mean nothing
  const p = plateau(loss);
  if (p.fraction >= PLATEAU_MIN_FRACTION && p.fall < PLATEAU_DROP)
    return {
      rule: 'flat-start',
      level: 'problem',
      message:
        `The training loss is flat from the start (within ${pct(FLAT_TOLERANCE)} of ${round(p.level)} for ${pct(p.fraction)} of the run, ${pct(p.fall)} lower in all): ` +
        'a bad initialisation, as the course says — check the initial loss (ln(classes) for softmax) and the weights\' scale (He/Xavier); a learning rate far too low looks the same (see the update ratio).',
      evidence: { plateauFraction: round(p.fraction), level: round(p.level), fall: round(p.fall) },
    };
  if (p.fraction >= PLATEAU_MIN_FRACTION) return undefined; // a plateau then a drop: plateauThenDrop's
  return { rule: 'flat-start', level: 'ok', message: 'The training loss falls from the start.', evidence: { plateauFraction: round(p.fraction) } };
}

/**
 * 'plateau-then-drop' (problem): the training loss stays within FLAT_TOLERANCE (5%) of its first
 * value for at least PLATEAU_MIN_FRACTION (20%) of the run, then falls by at least PLATEAU_DROP
 * (30%): the course's picture of a bad initialisation, which the network took that long to escape.
 * Undefined when the loss has no plateau (flatStart says 'ok' then) or no drop (flatStart's).
 */
export function plateauThenDrop(curves: Curves, options: DiagnoseOptions = {}): Finding | undefined {
  const loss = trainingLoss(curves, options);
  if (loss === undefined || loss.points[0][1] <= 0) return undefined;
  const p = plateau(loss);
  if (p.fraction < PLATEAU_MIN_FRACTION || p.fall < PLATEAU_DROP) return undefined;
  return {
    rule: 'plateau-then-drop',
    level: 'problem',
    message:
      `The training loss sat at ${round(p.level)} for ${pct(p.fraction)} of the run, then dropped ${pct(p.fall)}: ` +
      'a slow start like this is a sign of a bad initialisation; a better-scaled one (He for ReLU, Xavier for tanh) or batch normalisation skips the wait.',
    evidence: { plateauFraction: round(p.fraction), level: round(p.level), fall: round(p.fall), plateauEnd: p.end },
  };
}

/** Trailing means of 2 (x: the later point's): one noisy epoch moves them half as much. */
const pairMeans = (values: Array<[number, number, number]>): Array<[number, number, number]> =>
  values.slice(1).map(([x, a, b], i) => [x, (a + values[i][1]) / 2, (b + values[i][2]) / 2]);

/**
 * Aligned (epoch, train, validation) points averaged in pairs (pairMeans), and where the validation
 * curve had its best before the last pair ('min' for a loss, 'max' for an accuracy) and how both ended.
 */
function validationTurn(points: Array<[number, number, number]>, best: 'min' | 'max') {
  const m = pairMeans(points);
  const val = m.map(([, , v]) => v);
  const train = m.map(([, t]) => t);
  const head = val.slice(0, -1);
  const extreme = best === 'min' ? Math.min(...head) : Math.max(...head);
  return { m, val, train, at: head.indexOf(extreme), extreme, endVal: val[val.length - 1], endTrain: train[train.length - 1] };
}

/**
 * 'overfitting': training and validation diverge. Both curves are read as trailing means of 2
 * epochs (a single noisy validation epoch is not a trend). Problem: the validation loss ends at
 * least OVERFIT_VAL_RISE (10%) above its earlier minimum while the training loss fell at least
 * OVERFIT_TRAIN_FALL (10%) since then, so the gap grew; without losses, the validation accuracy ends
 * OVERFIT_ACCURACY_DROP (2 points) below its earlier best while the training accuracy rose as much.
 * Hint: the validation loss ends at least OVERFIT_GAP_RATIO (2)× the training loss and above its
 * minimum. Needs 4 epochs of both curves.
 */
export function overfitting(curves: Curves): Finding | undefined {
  const advice = 'regularise (weight decay, dropout, augmentation), get more data, or stop earlier';
  const losses = aligned(finitePoints(curves.loss), finitePoints(curves.val_loss));
  if (losses.length >= 4) {
    const { m, val, train, at, extreme: minVal, endVal, endTrain } = validationTurn(losses, 'min');
    const rise = (endVal - minVal) / minVal;
    const fall = (train[at] - endTrain) / train[at];
    const evidence = { valMin: round(minVal), valMinEpoch: m[at][0], valEnd: round(endVal), trainAtValMin: round(train[at]), trainEnd: round(endTrain) };
    if (rise >= OVERFIT_VAL_RISE && fall >= OVERFIT_TRAIN_FALL && endVal - endTrain > val[at] - train[at])
      return {
        rule: 'overfitting',
        level: 'problem',
        message: `The validation loss rose ${pct(rise)} above its minimum (epoch ${m[at][0]}) while the training loss fell ${pct(fall)}: overfitting; ${advice}.`,
        evidence,
      };
    if (endVal >= OVERFIT_GAP_RATIO * endTrain && endVal > minVal)
      return {
        rule: 'overfitting',
        level: 'hint',
        message: `The validation loss (${round(endVal)}) is ${round(endVal / endTrain, 2)}× the training loss and no longer improving: the model is starting to overfit; ${advice}.`,
        evidence,
      };
    return { rule: 'overfitting', level: 'ok', message: 'Training and validation loss do not diverge.', evidence };
  }
  const accs = aligned(finitePoints(curves.accuracy), finitePoints(curves.val_accuracy));
  if (accs.length >= 4) {
    const { m, train, at, extreme: best, endVal, endTrain } = validationTurn(accs, 'max');
    const evidence = { valBest: round(best), valBestEpoch: m[at][0], valEnd: round(endVal), trainAtValBest: round(train[at]), trainEnd: round(endTrain) };
    if (best - endVal >= OVERFIT_ACCURACY_DROP && endTrain - train[at] >= OVERFIT_ACCURACY_DROP)
      return {
        rule: 'overfitting',
        level: 'problem',
        message: `The validation accuracy fell ${round(100 * (best - endVal), 2)} points from its best (epoch ${m[at][0]}) while the training accuracy rose: overfitting; ${advice}.`,
        evidence,
      };
    return { rule: 'overfitting', level: 'ok', message: 'Training and validation accuracy do not diverge.', evidence };
  }
  return undefined;
}

/**
 * 'underfitting': no gap and a poor fit, the course's high bias. Ends are means of the last 2 epochs.
 * No gap: the validation loss ends at most UNDERFIT_MAX_GAP (10%) above the training loss (any
 * amount below counts: a penalty inflates the training loss), or, without losses, the accuracies end
 * within UNDERFIT_MAX_ACCURACY_GAP (5 points). How poor, on the first scale available:
 * - the chance loss (options): a training loss at or above UNDERFIT_LOSS_OF_CHANCE (50%) of it is a
 *   problem, at or above UNDERFIT_HINT_LOSS_OF_CHANCE (20%) a hint;
 * - the training accuracy: below UNDERFIT_ACCURACY_OF_RANGE (50%) of the way from chance
 *   (1/classes; 0 without `classes`) to 1 is a problem, below UNDERFIT_HINT_ACCURACY_OF_RANGE (90%)
 *   a hint (a model that has not reached 90% and shows no gap has room to fit more);
 * - else the training loss against its first value: at or above 50% is a hint.
 * 'ok' otherwise. Needs 2 epochs of training and validation.
 */
export function underfitting(curves: Curves, options: DiagnoseOptions = {}): Finding | undefined {
  const losses = aligned(finitePoints(curves.loss), finitePoints(curves.val_loss));
  const accs = aligned(finitePoints(curves.accuracy), finitePoints(curves.val_accuracy));
  const evidence: Record<string, number> = {};
  let noGap: boolean;
  if (losses.length >= 2) {
    const t = tailMean(losses.map(([, y]) => y), 2);
    const v = tailMean(losses.map(([, , y]) => y), 2);
    Object.assign(evidence, { trainLoss: round(t), valLoss: round(v) });
    noGap = v - t <= UNDERFIT_MAX_GAP * t;
  } else if (accs.length >= 2) {
    const t = tailMean(accs.map(([, y]) => y), 2);
    const v = tailMean(accs.map(([, , y]) => y), 2);
    Object.assign(evidence, { trainAccuracy: round(t), valAccuracy: round(v) });
    noGap = Math.abs(t - v) <= UNDERFIT_MAX_ACCURACY_GAP;
  } else return undefined;
  const trainLoss = ys(finitePoints(curves.loss));
  const trainAcc = ys(finitePoints(curves.accuracy));
  const chance = chanceLossOf(options);
  let level: 'problem' | 'hint' | 'ok';
  let why: string;
  if (chance !== undefined && trainLoss.length >= 2) {
    const t = tailMean(trainLoss, 2);
    evidence.chanceLoss = round(chance);
    level = t >= UNDERFIT_LOSS_OF_CHANCE * chance ? 'problem' : t >= UNDERFIT_HINT_LOSS_OF_CHANCE * chance ? 'hint' : 'ok';
    why = `the training loss ${round(t)} is still ${pct(t / chance)} of the chance loss ${round(chance)}`;
  } else if (trainAcc.length >= 2) {
    const a = tailMean(trainAcc, 2);
    const chanceAcc = options.classes === undefined ? 0 : 1 / options.classes;
    evidence.trainAccuracy = round(a);
    level = a < chanceAcc + UNDERFIT_ACCURACY_OF_RANGE * (1 - chanceAcc) ? 'problem' : a < chanceAcc + UNDERFIT_HINT_ACCURACY_OF_RANGE * (1 - chanceAcc) ? 'hint' : 'ok';
    why = `the training accuracy is only ${pct(a)}`;
  } else if (trainLoss.length >= 2) {
    const t = tailMean(trainLoss, 2);
    level = t >= UNDERFIT_LOSS_OF_CHANCE * trainLoss[0] ? 'hint' : 'ok';
    why = `the training loss ${round(t)} fell less than half from its first value ${round(trainLoss[0])}`;
  } else return undefined;
  if (noGap && level !== 'ok')
    return {
      rule: 'underfitting',
      level,
      message:
        level === 'problem'
          ? `Training and validation agree but the fit is poor (${why}): underfitting — use a bigger model, train longer, or regularise less.`
          : `Training and validation agree and the fit could be better (${why}): the model may be underfitting — a bigger model or longer training should help.`,
      evidence,
    };
  return { rule: 'underfitting', level: 'ok', message: noGap ? 'The model fits the training data well.' : 'There is a gap between training and validation: not underfitting.', evidence };
}

/**
 * 'train-longer' (hint): the validation curve (val_loss; else val_accuracy as an error 1 − accuracy;
 * else the reported values, by `direction`; else the training loss) still improves at the end: a
 * least-squares line through the last TRAIN_LONGER_WINDOW (25%, at least 3) of its points gains at
 * least TRAIN_LONGER_MIN_GAIN (2%) across them, and its best value is among the last
 * TRAIN_LONGER_BEST_WITHIN (2) points. Needs 3 points.
 */
export function trainLonger(curves: Curves, options: DiagnoseOptions = {}): Finding | undefined {
  const pick = (): { points: Points; name: string } | undefined => {
    const val = finitePoints(curves.val_loss);
    if (val.length >= 3) return { points: val, name: 'validation loss' };
    const acc = finitePoints(curves.val_accuracy);
    if (acc.length >= 3) return { points: acc.map(([x, y]) => [x, 1 - y]), name: 'validation accuracy' };
    const rep = finitePoints(curves.intermediate);
    if (rep.length >= 3) return { points: options.direction === 'maximize' ? rep.map(([x, y]) => [x, -y]) : rep, name: 'reported value' };
    const train = finitePoints(curves.loss);
    if (train.length >= 3) return { points: train, name: 'training loss' };
    return undefined;
  };
  const curve = pick();
  if (curve === undefined) return undefined;
  const { points, name } = curve;
  const k = Math.max(3, Math.ceil(points.length * TRAIN_LONGER_WINDOW));
  const tail = points.slice(-k);
  const slope = leastSquaresSlope(tail);
  const scale = Math.abs(tail.reduce((s, [, y]) => s + y, 0) / tail.length) || 1;
  const gain = (-slope * (tail[tail.length - 1][0] - tail[0][0])) / scale;
  const best = Math.min(...ys(points));
  const bestRecent = Math.min(...ys(points.slice(-TRAIN_LONGER_BEST_WITHIN))) <= best;
  const evidence = { gainOverLastPoints: round(gain), points: tail.length };
  if (gain >= TRAIN_LONGER_MIN_GAIN && bestRecent)
    return {
      rule: 'train-longer',
      level: 'hint',
      message: `The ${name} is still improving at the end (${pct(gain)} better over the last ${tail.length} points): train longer.`,
      evidence,
    };
  return { rule: 'train-longer', level: 'ok', message: `The ${name} has stopped improving by the end.`, evidence };
}

function leastSquaresSlope(points: Points): number {
  const n = points.length;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  let num = 0;
  let den = 0;
  for (const [x, y] of points) {
    num += (x - mx) * (y - my);
    den += (x - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

/**
 * 'update-ratio': the median update/parameter ratio ‖Δθ‖/‖θ‖ over the last
 * UPDATE_RATIO_LAST_FRACTION (20%, at least 3) of the logging steps where the rate was at least half
 * its peak, against the rule of thumb UPDATE_RATIO_TARGET (1e-3). Off by UPDATE_RATIO_HINT_FACTOR
 * (10×) or more either way: a hint that the learning rate is off by about that factor; by
 * UPDATE_RATIO_PROBLEM_FACTOR (100×) or more: a problem. A ratio of 0 (nothing moves) says nothing
 * of the rate (dead units: 'lr-too-high' reads it).
 */
export function updateRatio(curves: Curves): Finding | undefined {
  const { points, peakLr } = highRateRatios(curves);
  if (points.length < UPDATE_RATIO_MIN_POINTS) return undefined;
  const last = lastSteps(points);
  const ratio = median(ys(last));
  if (!(ratio > 0)) return undefined;
  const factor = ratio / UPDATE_RATIO_TARGET;
  const off = Math.max(factor, 1 / factor);
  const evidence: Record<string, number> = { updateRatio: round(ratio), factor: round(factor, 2), steps: last.length };
  if (peakLr !== undefined) evidence.lr = peakLr;
  if (off < UPDATE_RATIO_HINT_FACTOR)
    return { rule: 'update-ratio', level: 'ok', message: `Updates move the weights by ${ratio.toExponential(1)} of their norm, near the rule of thumb 1e-3.`, evidence };
  const high = factor > 1;
  const suggestion = peakLr === undefined ? '' : ` (≈ ${round(high ? peakLr / off : peakLr * off, 2)} instead of ${round(peakLr, 3)})`;
  return {
    rule: 'update-ratio',
    level: off >= UPDATE_RATIO_PROBLEM_FACTOR ? 'problem' : 'hint',
    message:
      `Updates move the weights by ${ratio.toExponential(1)} of their norm, ${round(off, 2)}× ${high ? 'above' : 'below'} the rule of thumb 1e-3: ` +
      `the learning rate is about ${round(off, 2)}× too ${high ? 'high' : 'low'}${suggestion}.`,
    evidence,
  };
}
