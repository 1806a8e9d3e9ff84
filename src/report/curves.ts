/**
 * A trial's learning curves, as recorded in its store. The trial-store contract keeps one
 * intermediate value per step (what `trial.report` sends, the pruner's input); everything else a
 * person wants to see of a training run (train and validation loss and accuracy, the learning rate
 * as it ran, the update/parameter ratio) travels as trial user attributes, one per epoch, written
 * once when the epoch ends:
 *
 *   key   `epoch:<epoch>` (EPOCH_ATTR_PREFIX + the epoch number, from 0)
 *   value EpochRecord: the epoch's logs and the logging steps it contained
 *
 * One write per epoch keeps the store's write rate low (a step-level write would multiply it by the
 * batches per epoch) and append-only (an epoch's record never changes), so any store backend holds
 * it. `curvesOf` turns a trial's attributes back into named curves for the dashboard and the
 * diagnosis (report/diagnose.ts). Decision recorded here: per-weight update ratios are summarised
 * per logging step by their median over the weights of rank >= 2, i.e. not biases (biases start at
 * 0, so their ratio says nothing early on); the per-weight values are not stored. tuneReport
 * (tune/tune-report.ts) writes these records.
 */

/** The user-attribute key prefix of epoch records. */
export const EPOCH_ATTR_PREFIX = 'epoch:';

/** What one epoch leaves in the store (the value of the `epoch:<n>` attribute). */
export interface EpochRecord {
  /** Optimizer updates done at the epoch's end. */
  step: number;
  /** The epoch's logs: 'loss', metrics, and 'val_*' when validated. */
  logs: Record<string, number>;
  /** The epoch's logging steps, column-wise (equal lengths); `null` where a step did not log it. */
  steps?: { step: number[]; loss: Array<number | null>; lr: Array<number | null>; updateRatio: Array<number | null> };
  /** True for an epoch training left unfinished (stopped or failed mid-epoch): its steps, and `logs` empty. */
  partial?: boolean;
}

/** Points of one curve: [x, y], sorted by x. */
export type Points = Array<[number, number]>;

/**
 * A run's curves by name. Epoch-level ones are indexed by epoch (x = epoch + 1, so a curve starts
 * after the first epoch): 'loss', 'val_loss', 'accuracy', 'val_accuracy', ... (every epoch log).
 * Step-level ones are indexed by optimizer step: 'step:loss', 'step:lr', 'step:updateRatio'.
 */
export type Curves = Record<string, Points>;

/** The epoch records in `attrs`, sorted by epoch (malformed ones skipped: a store may hold anything). */
export function epochRecords(attrs: Record<string, unknown>): Array<{ epoch: number; record: EpochRecord }> {
  const out: Array<{ epoch: number; record: EpochRecord }> = [];
  for (const [key, value] of Object.entries(attrs)) {
    if (!key.startsWith(EPOCH_ATTR_PREFIX)) continue;
    const epoch = Number(key.slice(EPOCH_ATTR_PREFIX.length));
    if (!Number.isInteger(epoch) || epoch < 0 || !isEpochRecord(value)) continue;
    out.push({ epoch, record: value });
  }
  return out.sort((a, b) => a.epoch - b.epoch);
}

function isEpochRecord(v: unknown): v is EpochRecord {
  if (v === null || typeof v !== 'object') return false;
  const r = v as Partial<EpochRecord>;
  return typeof r.step === 'number' && r.logs !== null && typeof r.logs === 'object';
}

/** The curves recorded in a trial's user attributes (see the module comment). */
export function curvesOf(attrs: Record<string, unknown>): Curves {
  const curves: Curves = {};
  const push = (name: string, x: number, y: unknown): void => {
    if (typeof y !== 'number') return;
    (curves[name] ??= []).push([x, y]);
  };
  for (const { epoch, record } of epochRecords(attrs)) {
    for (const [name, value] of Object.entries(record.logs)) push(name, epoch + 1, value);
    const s = record.steps;
    if (s === undefined || !Array.isArray(s.step)) continue;
    s.step.forEach((step, i) => {
      push('step:loss', step, s.loss?.[i]);
      push('step:lr', step, s.lr?.[i]);
      push('step:updateRatio', step, s.updateRatio?.[i]);
    });
  }
  for (const points of Object.values(curves)) points.sort((a, b) => a[0] - b[0]);
  return curves;
}

/** The last finished epoch's logs, or undefined when none was recorded. */
export function lastEpochLogs(attrs: Record<string, unknown>): Record<string, number> | undefined {
  return epochRecords(attrs).filter(({ record }) => record.partial !== true).at(-1)?.record.logs;
}
