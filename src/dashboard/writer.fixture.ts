/**
 * A worker process for the dashboard's resilience test (processes.test.ts), run as
 * `node --import tsx writer.fixture.ts URL STUDY`: it opens the store, joins the study and writes
 * every few milliseconds, as a busy worker does (a trial claimed, a param, a report per step, an epoch
 * record every 10 steps, finished after 40 steps, the next claimed), until it is killed. It prints
 * `{"ready":true}` after its first report.
 */
import { openStore } from '../store/open.js';

const [url, name] = process.argv.slice(2);
const store = await openStore(url);
const study = await store.createStudy({ name, direction: 'minimize', loadIfExists: true });
let ready = false;
for (let trial = 0; ; trial++) {
  const { lease } = (await store.claimTrial(study.id, { worker: `writer:${process.pid}` }))!;
  await store.setParam(lease, 'lr', 10 ** -(1 + (trial % 4)), { type: 'float', low: 1e-5, high: 1, log: true });
  for (let step = 0; step < 40; step++) {
    await store.report(lease, step, 1 / (step + 1) + trial);
    await new Promise((r) => setTimeout(r, 2)); // a busy worker, not a benchmark: the study stays small
    if (step % 10 === 9) await store.setTrialUserAttr(lease, `epoch:${(step - 9) / 10}`, { step, logs: { loss: 1 / (step + 1), val_loss: 1.1 / (step + 1) } });
    if (!ready) {
      ready = true;
      process.stdout.write('{"ready":true}\n');
    }
  }
  await store.finishTrial(lease, 'complete', trial);
}
