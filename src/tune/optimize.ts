/**
 * `study.optimize`: a pool of `concurrency` loops, each reaping stale trials, claiming the next
 * trial from the store and running the objective on it, until the study's budget is spent, the
 * time is up or the caller aborts.
 *
 * Rules:
 * - `trials` is the study's total over all workers: a trial starts only while complete + pruned +
 *   running + waiting < trials (the store's atomic claim; enqueued trials always run). Failed
 *   trials do not count, so a failure (or a reaped worker's retry) is replaced. When the budget is
 *   reached while trials still run (here or elsewhere), a loop waits for them: if one fails, its
 *   place is taken again; the call returns once none runs.
 * - An objective's value that is not a finite number (NaN, ±Infinity) or an exception fails that
 *   trial only, the message kept in its `failReason` user attribute, and the study goes on. After
 *   `trials` (unbounded: 100) failures in a row, the call stops with a StudyError naming the last.
 * - `TrialPruned` thrown by the objective: the trial is pruned, with its last intermediate value.
 * - LeaseLostError (the trial was reaped as stale, its worker presumed dead): the trial is
 *   abandoned without another write, and the loop moves on.
 * - `timeoutS`: no trial starts after it; running ones finish (Optuna's rule).
 * - `signal` aborts: no trial starts, every running trial of this call is failed ('interrupted')
 *   at once and the call returns; an objective still running then finds its next write refused.
 */
import { InvalidArgumentError, checkNumber } from '../errors.js';
import type { FrozenTrial, TrialStore } from '../store/types.js';
import { StudyError } from './errors.js';
import { Trial, abandonTrial, endTrial, type TrialOutcome } from './trial.js';

/** The objective: a trial in, the value to minimize or maximize out. */
export type Objective = (trial: Trial) => number | Promise<number>;

export interface OptimizeOptions {
  /** The study's total of trials that did not fail, over all workers. Default: no limit. */
  trials?: number;
  /** Seconds after which no trial starts. Default: no limit. */
  timeoutS?: number;
  /** Trials run at once in this process. Default 1. */
  concurrency?: number;
  /** Aborting it fails the running trials and ends the call (Ctrl-C). */
  signal?: AbortSignal;
  /** Called after each trial this call ran has been recorded (progress lines). */
  onTrialEnd?: (trial: FrozenTrial) => void | Promise<void>;
}

/** What optimize needs of a study (a `Study` is one). */
export interface OptimizableStudy {
  readonly name: string;
  readonly id: number;
  readonly store: TrialStore;
  readonly settings: { heartbeat: { intervalS: number } };
  prepare(): Promise<void>;
  claim(maxTrials: number | undefined): Promise<Trial | undefined>;
}

const DEFAULTS = { trials: undefined as number | undefined, timeoutS: undefined as number | undefined, concurrency: 1 };
/** Failures in a row that stop an optimize call without a trial budget. */
const UNBOUNDED_FAILURE_STREAK = 100;
/** Longest wait, ms, before looking again at trials that run elsewhere. */
const POLL_MS = 1000;

const codeOf = (e: unknown): unknown => (e as { code?: unknown } | null)?.code;
const describeError = (e: unknown): string => (e instanceof Error ? `${e.name}: ${e.message}` : String(e));

/** Runs the study's trials (see the module comment). */
export async function optimize(study: OptimizableStudy, objective: Objective, options: OptimizeOptions = {}): Promise<void> {
  if (typeof objective !== 'function') throw new InvalidArgumentError('objective', objective, 'a function (trial) => number | Promise<number>');
  const { trials, timeoutS, concurrency, signal, onTrialEnd } = { ...DEFAULTS, ...options };
  if (trials !== undefined) checkNumber('trials', trials, { min: 1, integer: true });
  if (timeoutS !== undefined) checkNumber('timeoutS', timeoutS, { min: 0, minExclusive: true });
  checkNumber('concurrency', concurrency, { min: 1, integer: true });
  if (signal !== undefined && !(signal instanceof AbortSignal)) throw new InvalidArgumentError('signal', signal, 'an AbortSignal');
  if (onTrialEnd !== undefined && typeof onTrialEnd !== 'function') throw new InvalidArgumentError('onTrialEnd', onTrialEnd, 'a function (trial) => void');
  if (signal?.aborted) return;

  const deadline = timeoutS === undefined ? Infinity : Date.now() + timeoutS * 1000;
  const streakLimit = trials ?? UNBOUNDED_FAILURE_STREAK;
  let streak = 0;
  let stopError: StudyError | undefined;
  let stopping = false;
  const wake = waker();
  let abort: (v: 'aborted') => void = () => {};
  const aborted = new Promise<'aborted'>((resolve) => (abort = resolve));
  const onAbort = (): void => {
    stopping = true;
    abort('aborted');
    wake.notify();
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    await study.prepare();
    // A loop that throws (a store gone, an onTrialEnd that throws) stops the others after their
    // current trial; the first error is the call's.
    const stopOthers = (e: unknown): never => {
      stopping = true;
      wake.notify();
      throw e;
    };
    const results = await Promise.allSettled(Array.from({ length: concurrency }, () => loop().catch(stopOthers)));
    const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failure !== undefined) throw failure.reason;
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
  if (stopError !== undefined) throw stopError;

  async function loop(): Promise<void> {
    while (!stopping && Date.now() < deadline) {
      const trial = await study.claim(trials);
      if (trial === undefined) {
        // The budget is spent, but a running trial may still fail and free its place.
        const running = await study.store.getTrials(study.id, { states: ['running'] });
        if (running.length === 0) return;
        await wake.wait(Math.min(POLL_MS, study.settings.heartbeat.intervalS * 1000, Math.max(0, deadline - Date.now())));
        continue;
      }
      const result = await runTrial(trial, objective, aborted);
      wake.notify();
      if (result === undefined) continue;
      if (result.state === 'failed' && !stopping) {
        streak += 1;
        if (streak >= streakLimit && stopError === undefined) {
          stopping = true;
          stopError = new StudyError(
            `study ${JSON.stringify(study.name)}: the last ${streak} trials all failed, so optimize stopped; trial ${result.number}: ${String(result.userAttrs.failReason)}`,
          );
          wake.notify();
        }
      } else if (result.state !== 'failed') streak = 0;
      await onTrialEnd?.(result);
    }
  }
}

/**
 * Runs the objective on one trial and records how it ended. Returns the recorded trial, or
 * undefined when the trial was lost to a reaper (nothing written).
 */
async function runTrial(trial: Trial, objective: Objective, aborted: Promise<'aborted'>): Promise<FrozenTrial | undefined> {
  let outcome: TrialOutcome;
  const running = (async () => objective(trial))();
  running.catch(() => {}); // an objective left running after an abort must not crash the process
  try {
    const value = await Promise.race([running, aborted]);
    if (value === 'aborted') outcome = { state: 'failed', reason: 'interrupted before it finished' };
    else outcome = typeof value === 'number' ? { state: 'complete', value } : { state: 'failed', reason: `the objective returned ${describeValue(value)}, not a finite number` };
  } catch (e) {
    if (codeOf(e) === 'TRAINKIT_LEASE_LOST') {
      abandonTrial(trial);
      return undefined;
    }
    outcome = codeOf(e) === 'TRAINKIT_TRIAL_PRUNED' ? { state: 'pruned' } : { state: 'failed', reason: describeError(e) };
  }
  try {
    return await endTrial(trial, outcome);
  } catch (e) {
    if (codeOf(e) === 'TRAINKIT_LEASE_LOST') {
      abandonTrial(trial);
      return undefined;
    }
    throw e;
  }
}

function describeValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === undefined || v === null || typeof v !== 'object') return String(v);
  return `an ${Array.isArray(v) ? 'array' : 'object'}`;
}

/** Wakes waiting loops when a trial of this call ends (or the call stops), or after `ms`. */
function waker(): { wait(ms: number): Promise<void>; notify(): void } {
  const waiting = new Set<() => void>();
  return {
    wait(ms) {
      return new Promise<void>((resolve) => {
        const done = (): void => {
          clearTimeout(timer);
          waiting.delete(done);
          resolve();
        };
        const timer = setTimeout(done, ms);
        waiting.add(done);
      });
    },
    notify() {
      for (const done of [...waiting]) done();
    },
  };
}
