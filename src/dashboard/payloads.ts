/**
 * Store records turned into the API's payloads (api.ts). Pure functions over plain data: the
 * server and the event feed both build trials through them, so /trials, the SSE snapshot and a
 * trial's detail agree.
 *
 * A trial detail's `userAttrs` leave out the epoch records (`epoch:<n>`): they are the curves,
 * already in `curves`, and would double a long run's payload. JSON has no NaN or ±Infinity: such
 * numbers (a diverged loss, say) travel as null, which the page reads as "not a number".
 */
import { EPOCH_ATTR_PREFIX, curvesOf, lastEpochLogs } from '../report/curves.js';
import type { FrozenTrial, StudySummary } from '../store/types.js';
import type { Curves, StudyListItem, TrialDetail, TrialSummary } from './api.js';
import { diagnosisOf } from './diagnosis.js';
import { downsample, pointsInRange } from './downsample.js';

/** How many points a curve gets when the request does not say (TensorBoard's cap; about a chart's width in pixels). */
export const DEFAULT_POINTS = 1000;

/** A study's listing line. */
export function studyListItem(s: StudySummary): StudyListItem {
  return {
    name: s.name,
    direction: s.direction,
    trials: { ...s.trials },
    ...(s.best === undefined ? {} : { best: s.best }),
    ...(s.sampler === undefined ? {} : { sampler: s.sampler }),
    ...(s.pruner === undefined ? {} : { pruner: s.pruner }),
    created: s.created,
  };
}

/** Everything of a trial summary but its intermediate points. */
export function trialFields(t: FrozenTrial): Omit<TrialSummary, 'intermediate'> {
  const lastLogs = lastEpochLogs(t.userAttrs);
  return {
    number: t.number,
    state: t.state,
    params: t.params,
    distributions: t.distributions,
    ...(t.value === undefined ? {} : { value: t.value }),
    intermediateCount: t.intermediate.length,
    ...(t.started === undefined ? {} : { started: t.started }),
    ...(t.finished === undefined ? {} : { finished: t.finished }),
    ...(t.worker === undefined ? {} : { worker: t.worker }),
    ...(t.retryOf === undefined ? {} : { retryOf: t.retryOf }),
    ...(lastLogs === undefined ? {} : { lastLogs }),
  };
}

/** A trial for the cards and the table: its intermediate values downsampled to at most `points`. */
export function trialSummary(t: FrozenTrial, points = DEFAULT_POINTS): TrialSummary {
  return { ...trialFields(t), intermediate: downsample(t.intermediate, points) };
}

/**
 * A trial whole: every curve (the intermediate values as 'intermediate', then report/curves.ts's)
 * within [from, to] at most `points` each, its user attributes but the epoch records, and the
 * diagnosis of its full curves.
 */
export function trialDetail(t: FrozenTrial, o: { points?: number; from?: number; to?: number } = {}): TrialDetail {
  const points = o.points ?? DEFAULT_POINTS;
  const full: Curves = { ...curvesOf(t.userAttrs), intermediate: t.intermediate };
  const curves: Curves = {};
  for (const [name, p] of Object.entries(full)) curves[name] = downsample(pointsInRange(p, o.from, o.to), points);
  const userAttrs = Object.fromEntries(Object.entries(t.userAttrs).filter(([k]) => !k.startsWith(EPOCH_ATTR_PREFIX)));
  return {
    ...trialFields(t),
    intermediate: curves.intermediate,
    curves,
    userAttrs,
    diagnosis: diagnosisOf(full, t),
  };
}
