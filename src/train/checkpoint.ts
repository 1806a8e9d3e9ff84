/**
 * Resuming from a checkpoint: fitting a loaded optimizer state onto a freshly built model. The
 * checkpoint file itself (format, atomic save, load) lives in io/checkpoint.ts.
 */
import * as tf from '@tensorflow/tfjs-core';
import { isTensor } from '../tree/tree.js';
import { CheckpointError } from '../errors.js';

export { saveCheckpoint, loadCheckpoint, disposeCheckpoint, type Checkpoint, type CheckpointPosition } from '../io/checkpoint.js';

/**
 * Checks that a loaded optimizer state has the structure of a fresh one (`like`, e.g.
 * `optimizer.init(params)`): same nesting, same keys, tensors of the same shapes where `like` has
 * tensors, numbers where it has numbers. Throws CheckpointError naming the first difference.
 */
export function checkStateStructure(loaded: unknown, like: unknown, path = ''): void {
  const where = path || '<root>';
  if (isTensor(like)) {
    if (!isTensor(loaded)) throw new CheckpointError(`Optimizer state differs at ${where}: expected a tensor`);
    if (!tf.util.arraysEqual(loaded.shape, like.shape))
      throw new CheckpointError(`Optimizer state differs at ${where}: shape [${loaded.shape}] vs [${like.shape}]`);
    return;
  }
  if (Array.isArray(like)) {
    if (!Array.isArray(loaded) || loaded.length !== like.length)
      throw new CheckpointError(`Optimizer state differs at ${where}: expected an array of ${like.length}`);
    like.forEach((l, i) => checkStateStructure(loaded[i], l, `${path}[${i}]`));
    return;
  }
  if (like !== null && typeof like === 'object') {
    if (loaded === null || typeof loaded !== 'object' || Array.isArray(loaded) || isTensor(loaded))
      throw new CheckpointError(`Optimizer state differs at ${where}: expected an object`);
    const a = Object.keys(like).sort().join();
    const b = Object.keys(loaded).sort().join();
    if (a !== b) throw new CheckpointError(`Optimizer state differs at ${where}: keys {${b}} vs {${a}}`);
    for (const k of Object.keys(like))
      checkStateStructure((loaded as Record<string, unknown>)[k], (like as Record<string, unknown>)[k], path ? `${path}.${k}` : k);
    return;
  }
  if (typeof like !== typeof loaded) throw new CheckpointError(`Optimizer state differs at ${where}: expected a ${typeof like}`);
}

/**
 * The optimizer state with every object key found in `names` renamed (old weight name → new),
 * tensors and numbers kept as they are. A tf.LayersModel's weights are keyed by names like
 * `dense_Dense3/kernel`, whose numbers depend on how many layers the process created before; a
 * checkpoint stores weights by position, so on load the saved names are mapped, position by
 * position, to the names of the model being resumed.
 *
 * Caveat: where a state holds per-weight arrays in name order (e.g. `masked`), a renaming that
 * changes the sorted order of the names (Dense9 → Dense10) changes the order too: give layers
 * explicit names when such a state must resume in another process.
 */
export function renameStateKeys(state: unknown, names: ReadonlyMap<string, string>): unknown {
  if (isTensor(state) || state === null || typeof state !== 'object') return state;
  if (Array.isArray(state)) return state.map((v) => renameStateKeys(v, names));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(state)) out[names.get(k) ?? k] = renameStateKeys(v, names);
  return out;
}
