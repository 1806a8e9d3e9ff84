/** Placeholder until the sqlite backend lands: opening it throws StoreError. */
import { StoreError } from './errors.js';
import { redactUrl } from './url.js';
import type { TrialStore } from './types.js';

export async function sqliteStore(url: string): Promise<TrialStore> {
  throw new StoreError(`${redactUrl(url)}: the sqlite store is not built yet`);
}
