// The public surface of store/: the trial-store contract and its backends, opened by URL.
export type {
  TrialStore,
  TrialState,
  Direction,
  Distribution,
  ParamValue,
  Choice,
  FrozenTrial,
  StudyRecord,
  StudySummary,
  Lease,
  CreateStudyInput,
  ClaimOptions,
} from './types.js';
export { FINISHED_STATES } from './types.js';
export { StoreError, LeaseLostError } from './errors.js';
export { memoryStore, type MemoryStoreOptions } from './memory.js';
export { openStore, redactUrl, DEFAULT_STORAGE } from './open.js';
export { sqliteStore, type SqliteStoreOptions } from './sqlite.js';
export { postgresStore, type PostgresStoreOptions } from './postgres.js';
