/**
 * A worker process of the dashboard's end-to-end test (this file holds no tests), run as
 * `node --import tsx worker.fixture.ts URL STUDY TRIALS STEP_MS`: it joins the study through the
 * tune API and optimizes a synthetic objective (synthetic.fixture.ts; no training) that suggests lr,
 * width and optimizer, reports the training loss at every step with a sleep of STEP_MS between
 * steps (slow enough for a page to watch a trial grow) and records an epoch record every 10 steps.
 * The diverging kind returns NaN, which fails its trial, as a diverged run does.
 */
import { createStudy } from '../../tune/index.js';
import { EPOCH_ATTR_PREFIX } from '../../report/curves.js';
import { kindOf, syntheticRun } from './synthetic.fixture.js';

const [url, name, trials, stepMs] = process.argv.slice(2);
const EPOCHS = 4;
const STEPS_PER_EPOCH = 10;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const study = await createStudy({ name, storage: url, direction: 'minimize', loadIfExists: true, heartbeat: { intervalS: 1, graceS: 60 } });
await study.optimize(
  async (trial) => {
    const lr = await trial.suggestFloat('lr', 1e-4, 1, { log: true });
    const width = await trial.suggestInt('width', 8, 512, { log: true });
    await trial.suggestCategorical('optimizer', ['adam', 'sgd']);
    const run = syntheticRun(kindOf({ lr, width }), { epochs: EPOCHS, stepsPerEpoch: STEPS_PER_EPOCH, seed: trial.number + 1, lr });
    for (const [e, record] of run.epochs.entries()) {
      for (const [step, value] of run.steps.slice(e * STEPS_PER_EPOCH, (e + 1) * STEPS_PER_EPOCH)) {
        await trial.report(value, step);
        await sleep(Number(stepMs));
      }
      await trial.setUserAttr(`${EPOCH_ATTR_PREFIX}${e}`, record);
    }
    return run.value;
  },
  { trials: Number(trials) },
);
