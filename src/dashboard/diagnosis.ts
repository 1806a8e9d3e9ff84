/**
 * The diagnosis of one trial's curves, as the trial detail shows it (TrialDetail.diagnosis). The
 * rules live in report/diagnose.ts (small tested functions of the curves, one per symptom, their
 * thresholds documented there); this is where the dashboard calls them, on the full-resolution
 * curves, never on a downsampled or zoomed window, with what the trial's record adds (its
 * `failReason` and `classes` attributes, the study's direction for the reported values).
 */
import { diagnose, diagnosisOptions } from '../report/diagnose.js';
import type { Direction, FrozenTrial } from '../store/types.js';
import type { Curves, Finding } from './api.js';

/** The findings for a trial of a study with `direction` whose full curves are `curves`. */
export function diagnosisOf(curves: Curves, trial: FrozenTrial, direction?: Direction): Finding[] {
  return diagnose(curves, diagnosisOptions(trial.userAttrs, direction));
}
