/** The training loop's errors live with the others in src/errors.ts (checkpoints in io/ raise them too). */
export { NonFiniteError, CheckpointError } from '../errors.js';
