/** Placeholder until the postgres backend lands: opening it throws StoreError. */
import { StoreError } from './errors.js';
import { redactUrl } from './url.js';
import type { TrialStore } from './types.js';

export async function postgresStore(url: string): Promise<TrialStore> {
  throw new StoreError(`${redactUrl(url)}: the postgres store is not built yet`);
}
