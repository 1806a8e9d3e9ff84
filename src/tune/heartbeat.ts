/**
 * The heartbeat of a running trial: a timer that stamps the trial's heartbeat in the store (with the
 * store's clock) every `intervalS`, so that other processes can tell a live worker from a dead one
 * (`reapStale`). The timer is unref'd: it never keeps a process alive on its own.
 */
import type { Lease, TrialStore } from '../store/types.js';

const isLeaseLost = (e: unknown): boolean => (e as { code?: unknown } | null)?.code === 'TRAINKIT_LEASE_LOST';

/**
 * Starts beating for `lease`; returns the function that stops it. A beat refused because the lease
 * is lost (the trial was reaped, or finished elsewhere) stops the timer and calls `onLost`; any other
 * failure (a store briefly unreachable) is left to the next beat. Beats never overlap.
 */
export function startHeartbeat(store: TrialStore, lease: Lease, intervalS: number, onLost: (error: unknown) => void = () => {}): () => void {
  let busy = false;
  let stopped = false;
  const stop = (): void => {
    stopped = true;
    clearInterval(timer);
  };
  const timer = setInterval(() => {
    if (busy || stopped) return;
    busy = true;
    store.heartbeat(lease).then(
      () => (busy = false),
      (e: unknown) => {
        busy = false;
        if (!isLeaseLost(e)) return;
        stop();
        onLost(e);
      },
    );
  }, intervalS * 1000);
  timer.unref();
  return stop;
}
