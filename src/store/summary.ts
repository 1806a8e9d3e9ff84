/** A study's listing line: its trial counts by state and its best complete value. */
import type { Direction, StudyRecord, StudySummary, TrialState } from './types.js';

type Counts = StudySummary['trials'];

/** Zero trials of every state. */
export function emptyCounts(): Counts {
  return { total: 0, waiting: 0, running: 0, complete: 0, pruned: 0, failed: 0 };
}

/**
 * The best of complete trials' values for a direction (NaN never wins; ±Infinity may), or
 * undefined when there is none.
 *
 * @example
 * bestValue('minimize', [3, NaN, 1]); // 1
 */
export function bestValue(direction: Direction, values: Iterable<number>): number | undefined {
  let best: number | undefined;
  for (const v of values)
    if (!Number.isNaN(v) && (best === undefined || (direction === 'minimize' ? v < best : v > best))) best = v;
  return best;
}

/** Summary counts and best value of a list of trials. */
export function summarize(record: StudyRecord, trials: ReadonlyArray<{ state: TrialState; value?: number }>): StudySummary {
  const counts = emptyCounts();
  counts.total = trials.length;
  for (const t of trials) counts[t.state] += 1;
  const best = bestValue(
    record.direction,
    trials.flatMap((t) => (t.state === 'complete' && t.value !== undefined ? [t.value] : [])),
  );
  return { ...structuredClone(record), trials: counts, ...(best === undefined ? {} : { best }) };
}
