/**
 * A worker process for the concurrency tests (concurrency.fixture.ts), run as
 * `node --import tsx worker.fixture.ts MODE URL STUDY N`. It prints `{"ready":true}` and waits for
 * a line on stdin (so all workers start together), opens the store and then:
 * - `run`: enqueues 4 trials with x = -1, prints `{"enqueued":true}`, waits for a second line, then claims trials (maxTrials N) until none is left;
 *   each gets a param x (number / 2, or -1 kept from the enqueue), three reports and a value; prints `{"claimed": [trial ids]}`.
 * - `hang`: claims one trial, reports step 0, prints `{"lease": …}` and waits to be killed.
 */
import { hostname } from 'node:os';
import { createInterface } from 'node:readline';
import { openStore } from './open.js';
// Loaded before the start signal, so workers open their store together rather than as each finishes loading.
import './postgres.js';
import './sqlite.js';

const [mode, url, studyName, n] = process.argv.slice(2);
const ENQUEUED_PER_WORKER = 4;
const signals = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
process.stdout.write('{"ready":true}\n');
await signals.next(); // go
const store = await openStore(url);
const study = await store.createStudy({ name: studyName, direction: 'minimize', loadIfExists: true });
const worker = `${hostname()}:${process.pid}`;

if (mode === 'run') {
  // Enqueued trials (x = -1) are claimed by whichever worker comes first, alongside new ones.
  for (let i = 0; i < ENQUEUED_PER_WORKER; i++) await store.enqueueTrial(study.id, { x: -1 });
  process.stdout.write('{"enqueued":true}\n');
  await signals.next(); // claim: every worker has enqueued, so the budget counts all enqueued trials
  process.stdin.destroy(); // an open pipe would keep this process alive
  const claimed: number[] = [];
  for (;;) {
    const got = await store.claimTrial(study.id, { worker, maxTrials: Number(n) });
    if (got === undefined) break;
    const { trial, lease } = got;
    claimed.push(trial.id);
    await store.setParam(lease, 'x', trial.number / 2, { type: 'float', low: 0, high: 1000, log: false });
    for (let step = 0; step < 3; step++) await store.report(lease, step, trial.number + step / 10);
    await store.finishTrial(lease, 'complete', trial.number);
  }
  await store.close();
  process.stdout.write(`${JSON.stringify({ claimed })}\n`);
} else {
  process.stdin.destroy();
  const got = await store.claimTrial(study.id, { worker });
  if (got === undefined) throw new Error('nothing to claim');
  await store.setParam(got.lease, 'x', 0.25, { type: 'float', low: 0, high: 1, log: false });
  await store.report(got.lease, 0, 1.5);
  process.stdout.write(`${JSON.stringify({ lease: got.lease })}\n`);
  setInterval(() => undefined, 1000);
}
