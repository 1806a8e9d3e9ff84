/**
 * The diagnosis of one trial's curves, as the trial detail shows it (TrialDetail.diagnosis). The
 * rules live in report/ (small tested functions of the curves, one per symptom); this is where the
 * dashboard calls them, on the full-resolution curves, never on a downsampled or zoomed window.
 * Until report/ has its rules, no finding is reported.
 */
import type { FrozenTrial } from '../store/types.js';
import type { Curves, Finding } from './api.js';

/** The findings for a trial whose full curves are `curves` (empty until the rules are wired in). */
export function diagnosisOf(curves: Curves, trial: FrozenTrial): Finding[] {
  void curves;
  void trial;
  return [];
}
