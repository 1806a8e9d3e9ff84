/**
 * The dashboard's HTTP API payloads, typed once and shared by the server (dashboard/server.ts) and
 * the page (dashboard/page/, bundled with esbuild). Read-only, JSON. Routes (DESIGN.md's, plus
 * what the page needs):
 *
 *   GET /api/studies                               → StudyListItem[]
 *   GET /api/studies/:name/trials[?points=N]       → TrialSummary[]   (intermediate ≤ N points each, default 1000)
 *   GET /api/studies/:name/trials/:number[?from=&to=&points=N] → TrialDetail (curves ≤ N points within [from, to])
 *   GET /api/studies/:name/overview                → StudyOverview
 *   GET /api/studies/:name/events[?points=N]       → text/event-stream of StudyEvent
 *   GET /                                          → the command-center page; GET /assets/* its files
 *
 * Names in paths are URI-encoded. Unknown routes and studies: 404 with ApiError. Times are ms since
 * the epoch (the store's clock). JSON has no NaN or ±Infinity: such numbers (a diverged loss) arrive
 * as null, in values and in points alike.
 */
import type { Curves, Points } from '../report/curves.js';
import type { Choice, Direction, Distribution, ParamValue, TrialState } from '../store/types.js';

export type { Curves, Points, Choice, Direction, Distribution, ParamValue, TrialState };

export interface ApiError {
  error: string;
}

export interface StudyListItem {
  name: string;
  direction: Direction;
  trials: { total: number; waiting: number; running: number; complete: number; pruned: number; failed: number };
  /** The best complete trial's value. */
  best?: number;
  sampler?: string;
  pruner?: string;
  created: number;
}

/** A trial as the command center's cards and table need it. */
export interface TrialSummary {
  number: number;
  state: TrialState;
  params: Record<string, ParamValue>;
  distributions: Record<string, Distribution>;
  value?: number;
  /** The reported values, sorted by step, downsampled to at most `points` (first and last kept). */
  intermediate: Points;
  /** How many intermediate values the trial has (before downsampling). */
  intermediateCount: number;
  started?: number;
  finished?: number;
  worker?: string;
  retryOf?: number;
  /** The last recorded epoch's logs (e.g. val_accuracy), when the objective recorded epochs. */
  lastLogs?: Record<string, number>;
}

/** One finding of the diagnosis (report/diagnose.ts). */
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

/** One trial, whole: its summary, every recorded curve, user attributes and the diagnosis. */
export interface TrialDetail extends TrialSummary {
  /** 'intermediate' (the reported value) and every recorded curve (report/curves.ts), each ≤ `points` within [from, to]. */
  curves: Curves;
  /** The trial's user attributes, but the epoch records (`epoch:<n>`): those are `curves`. */
  userAttrs: Record<string, unknown>;
  diagnosis: Finding[];
}

/** The study overview's computed parts. */
export interface StudyOverview {
  name: string;
  direction: Direction;
  /** The best value so far at each complete trial's finish time: [finished, best]. */
  bestOverTime: Points;
  /** Hyperparameter importance: which method, and a weight per param (they sum to 1; empty with too few trials). */
  importance: { method: string; values: Record<string, number> };
}

/**
 * Server-Sent Events on /api/studies/:name/events. Each message's `data` is JSON of one of these
 * (the SSE `event:` field carries `type`). On connect the server sends a 'snapshot' of every trial
 * (as /trials would), then 'update' messages with only what changed: a trial's new fields and the
 * intermediate points it gained since the last message (`append`, sorted by step; points with a
 * step below the last shown one are sent too: the page inserts by step).
 */
export type StudyEvent =
  | { type: 'snapshot'; trials: TrialSummary[] }
  | { type: 'update'; trials: TrialUpdate[] }
  | { type: 'study-deleted' };

export interface TrialUpdate extends Omit<TrialSummary, 'intermediate'> {
  /** New intermediate points since the last message for this trial. */
  append: Points;
}
