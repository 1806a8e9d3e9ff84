/**
 * Studies for the dashboard's tests, written through the raw store API as workers would: a trial
 * is claimed, given params, reports and user attributes, then finished (or left running).
 */
import type { Distribution, Lease, ParamValue, TrialStore } from '../store/types.js';
import type { EpochRecord } from '../report/curves.js';

export interface TrialSpec {
  params?: Record<string, [ParamValue, Distribution]>;
  reports?: Array<[step: number, value: number]>;
  attrs?: Record<string, unknown>;
  /** Left running when undefined. */
  state?: 'complete' | 'pruned' | 'failed';
  value?: number;
}

/** Claims a trial of `studyId` and writes `spec` into it; returns its lease (still valid when running). */
export async function addTrial(store: TrialStore, studyId: number, spec: TrialSpec): Promise<Lease> {
  const { lease } = (await store.claimTrial(studyId, { worker: 'test:1' }))!;
  for (const [name, [value, d]] of Object.entries(spec.params ?? {})) await store.setParam(lease, name, value, d);
  for (const [step, v] of spec.reports ?? []) await store.report(lease, step, v);
  for (const [k, v] of Object.entries(spec.attrs ?? {})) await store.setTrialUserAttr(lease, k, v);
  if (spec.state !== undefined) await store.finishTrial(lease, spec.state, spec.value);
  return lease;
}

/** An epoch record as fit's store callback writes it. */
export function epoch(step: number, logs: Record<string, number>, steps?: EpochRecord['steps']): EpochRecord {
  return { step, logs, ...(steps === undefined ? {} : { steps }) };
}

export const LR: Distribution = { type: 'float', low: 1e-5, high: 1, log: true };
export const UNITS: Distribution = { type: 'int', low: 16, high: 256, log: false, step: 16 };
export const OPT: Distribution = { type: 'categorical', choices: ['adam', 'sgd'] };

/**
 * The study most tests read: 'demo' (minimize, sampler 'tpe', pruner 'asha') with
 * trial 0 complete (value 0.5, 5 reports, two epoch records and a note attribute),
 * trial 1 pruned (value 2, 2 reports), trial 2 running (3 reports).
 */
export async function demoStudy(store: TrialStore): Promise<{ id: number; name: string }> {
  const study = await store.createStudy({ name: 'demo', direction: 'minimize', sampler: 'tpe', pruner: 'asha' });
  await addTrial(store, study.id, {
    params: { lr: [0.01, LR], units: [64, UNITS], opt: ['adam', OPT] },
    reports: [[0, 2], [1, 1.5], [2, 1], [3, 0.7], [4, 0.5]],
    attrs: {
      'epoch:0': epoch(10, { loss: 1.2, val_loss: 1.3, val_accuracy: 0.6 }, { step: [5, 10], loss: [1.4, 1.2], lr: [0.01, 0.01], updateRatio: [0.002, null] }),
      'epoch:1': epoch(20, { loss: 0.8, val_loss: 0.9, val_accuracy: 0.7 }, { step: [15, 20], loss: [0.9, 0.8], lr: [0.005, 0.005], updateRatio: [0.001, 0.0011] }),
      note: 'kept',
    },
    state: 'complete',
    value: 0.5,
  });
  await addTrial(store, study.id, { params: { lr: [0.5, LR], units: [16, UNITS], opt: ['sgd', OPT] }, reports: [[0, 3], [1, 2]], state: 'pruned', value: 2 });
  await addTrial(store, study.id, { params: { lr: [0.001, LR], units: [128, UNITS], opt: ['adam', OPT] }, reports: [[0, 2.5], [1, 2.2], [2, 2]] });
  return study;
}
