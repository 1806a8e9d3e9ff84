/**
 * Fills a store with a study of synthetic trials directly through the store API (this file holds no
 * tests): params lr (log float), width (log int) and optimizer (categorical), the reported values
 * and the epoch records of synthetic.fixture.ts, then the trial finished (complete, or pruned /
 * failed for some). For screenshots and bench/dashboard.ts.
 */
import { EPOCH_ATTR_PREFIX } from '../../report/curves.js';
import type { TrialStore } from '../../store/types.js';
import { kindOf, syntheticRun } from './synthetic.fixture.js';

export interface FillOptions {
  name: string;
  trials: number;
  epochs: number;
  stepsPerEpoch: number;
  /** Trials claimed and written at once. Default 8. */
  concurrency?: number;
  /** Leave the last `running` trials running (their lease is returned). Default 0. */
  running?: number;
  /** Write epoch records too (the detail's curves). Default true. */
  epochRecords?: boolean;
}

export const FILL_DISTRIBUTIONS = {
  lr: { type: 'float', low: 1e-4, high: 1, log: true },
  width: { type: 'int', low: 8, high: 512, log: true, step: 1 },
  optimizer: { type: 'categorical', choices: ['adam', 'sgd', 'adamw'] },
} as const;

/** Creates the study and its trials; returns the study id and the leases of the trials left running. */
export async function fillStudy(store: TrialStore, o: FillOptions) {
  const study = await store.createStudy({ name: o.name, direction: 'minimize', sampler: 'synthetic', pruner: 'none' });
  const running: Array<Awaited<ReturnType<TrialStore['claimTrial']>>> = [];
  let next = 0;
  const worker = async (w: number): Promise<void> => {
    while (next < o.trials) {
      const i = next++;
      const got = (await store.claimTrial(study.id, { worker: `fill:${w}`, maxTrials: o.trials }))!;
      const { lease, trial } = got;
      const u = ((trial.number * 2654435761) % 4294967296) / 4294967296;
      const lr = 10 ** (-4 + 4 * ((u * 7.31) % 1));
      const width = Math.round(2 ** (3 + 6 * ((u * 3.77) % 1)));
      const optimizer = FILL_DISTRIBUTIONS.optimizer.choices[trial.number % 3];
      await store.setParam(lease, 'lr', lr, FILL_DISTRIBUTIONS.lr as never);
      await store.setParam(lease, 'width', width, FILL_DISTRIBUTIONS.width as never);
      await store.setParam(lease, 'optimizer', optimizer, FILL_DISTRIBUTIONS.optimizer as never);
      const run = syntheticRun(kindOf({ lr, width }), { epochs: o.epochs, stepsPerEpoch: o.stepsPerEpoch, seed: trial.number + 1, lr });
      const keepRunning = i >= o.trials - (o.running ?? 0);
      const pruned = !keepRunning && trial.number % 5 === 4 && Number.isFinite(run.value);
      const upTo = keepRunning ? Math.floor(run.steps.length / 2) : pruned ? Math.floor(run.steps.length * 0.4) : run.steps.length;
      for (const [step, v] of run.steps.slice(0, upTo)) await store.report(lease, step, v);
      if (o.epochRecords !== false)
        for (const [e, record] of run.epochs.entries()) if (record.step <= upTo) await store.setTrialUserAttr(lease, `${EPOCH_ATTR_PREFIX}${e}`, record);
      if (keepRunning) running.push(got);
      else if (!Number.isFinite(run.value)) await store.finishTrial(lease, 'failed');
      else if (pruned) await store.finishTrial(lease, 'pruned', run.steps[upTo - 1][1]);
      else await store.finishTrial(lease, 'complete', run.value);
    }
  };
  await Promise.all(Array.from({ length: o.concurrency ?? 8 }, (_, w) => worker(w)));
  return { studyId: study.id, running: running.map((r) => r!) };
}
