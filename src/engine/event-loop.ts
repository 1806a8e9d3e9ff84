/**
 * Long synchronous work must leave room for the rest of the process. The training loop is the
 * main case, and the SQL stores' first load of a large study the other (store/sql-store.ts).
 *
 * Training must leave room for the rest of the process. On the wasm and cpu backends every
 * `await` in the loop (reading a loss, a callback, a synchronous store such as better-sqlite3)
 * resolves as a microtask, so a `fit` would otherwise never return to Node's event loop until it
 * ends: no timer fires (a search worker's heartbeat, a progress redraw), no request is answered (a
 * dashboard in the same process), and no signal handler runs (Ctrl-C, a `tune` parent's SIGTERM) —
 * measured: a search worker ignored SIGTERM for a whole trial. So the training and evaluation loops
 * call `yieldToEventLoop()` after every batch; it lets the event loop run one turn (setImmediate:
 * timers, I/O and signals) once at least YIELD_EVERY_MS have passed since the last turn, and is a
 * no-op otherwise (the cost: one turn, a few microseconds, every 25 ms).
 */

/** The most time training keeps the event loop waiting, in milliseconds. */
export const YIELD_EVERY_MS = 25;

let last = performance.now();

const turn = (): Promise<void> =>
  new Promise((resolve) => (typeof setImmediate === 'function' ? setImmediate(resolve) : setTimeout(resolve, 0)));

/** Lets the event loop run one turn when YIELD_EVERY_MS have passed since the last one (see the module comment). */
export async function yieldToEventLoop(): Promise<void> {
  if (performance.now() - last < YIELD_EVERY_MS) return;
  await turn();
  last = performance.now();
}
