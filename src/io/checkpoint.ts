/**
 * Checkpoints for exact resume: the model's weights, the optimizer state (tensors and plain
 * numbers), the position (step, epoch, next batch), the data-order seed and the model RNG's state,
 * the generator state of each random layer of a LayersModel, and the state of the callbacks that
 * keep one (EMA and SWA averages, early-stopping and plateau counters and best values, snapshots).
 *
 * File format (one file, like safetensors): the 8 bytes `TKCKPT01`, a little-endian uint32 header
 * length H, H bytes of JSON (the manifest, padded with spaces to a multiple of 8), then the raw
 * little-endian tensor data. Tensors are stored by position: the manifest lists each weight's name,
 * dtype, shape and byte range in model order, and encodes the optimizer state as its own JSON
 * skeleton with `{"$tensor": i}` where the i-th state tensor sits; the callbacks' state is encoded
 * the same way, with its own tensor list (optional: files without it load as before). Numbers go through JSON
 * exactly (shortest round-trip form), so a resumed run continues bit for bit.
 *
 * Writes go through `writeFileAtomic` (temporary file, fsync, rename, fsync of the directory): a
 * crash leaves the previous checkpoint or the new one, never a torn file. A checkpoint
 * with a NaN or infinite weight or state value is never written (NonFiniteError).
 */
import * as tf from '@tensorflow/tfjs-core';
import { readFile } from 'node:fs/promises';
import type { RngState } from '../engine/rng.js';
import { isTensor } from '../tree/tree.js';
import { CheckpointError, NonFiniteError } from '../errors.js';
import { writeFileAtomic } from './atomic.js';

/** Where a training run is (the loop's `Position`): updates done, the epoch and batch to run next. */
export interface CheckpointPosition {
  step: number;
  epoch: number;
  batch: number;
}

const MAGIC = 'TKCKPT01';

/** What a checkpoint holds, in memory. Tensors belong to whoever holds the value. */
export interface Checkpoint {
  position: CheckpointPosition;
  /** Seed of the data order (batches are a pure function of seed and epoch). */
  seed: number;
  /** State of the model's generator (dropout masks). */
  rng: RngState;
  /** Every model weight, in model order. */
  weights: Array<[name: string, value: tf.Tensor]>;
  /** The optimizer state, plain data of tensors, numbers, arrays and objects. */
  optimizerState: unknown;
  /** Anything else worth keeping (the monitored metric, the run's options...): JSON. */
  extra?: Record<string, unknown>;
  /** Generator states of a LayersModel's random layers (getRngState/setRngState), by position. */
  layerRng?: Array<[layer: string, state: RngState]>;
  /** The callbacks' states by key (see Callback.saveState): plain data and tensors. */
  callbacks?: Record<string, unknown>;
}

interface TensorEntry {
  dtype: 'float32' | 'int32' | 'bool';
  shape: number[];
  offset: number;
  byteLength: number;
}

interface Manifest {
  format: 'trainkit-checkpoint';
  version: 1;
  position: CheckpointPosition;
  seed: number;
  rng: RngState;
  weights: Array<TensorEntry & { name: string }>;
  optimizer: { skeleton: unknown; tensors: TensorEntry[] };
  extra?: Record<string, unknown>;
  layerRng?: Array<[string, RngState]>;
  callbacks?: { skeleton: unknown; tensors: TensorEntry[] };
}

/** Replaces tensors by `{ $tensor: i }` and non-finite numbers by `{ $number: 'NaN' }`. */
function encodeState(value: unknown, tensors: tf.Tensor[], path: string, what = 'Optimizer state'): unknown {
  if (isTensor(value)) {
    tensors.push(value);
    return { $tensor: tensors.length - 1 };
  }
  if (typeof value === 'number') return Number.isFinite(value) ? value : { $number: String(value) };
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (value === undefined) return { $undefined: true };
  if (Array.isArray(value)) return value.map((v, i) => encodeState(v, tensors, `${path}[${i}]`, what));
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (k.startsWith('$')) throw new CheckpointError(`${what} key ${path}.${k} starts with '$': cannot be saved`);
      out[k] = encodeState(v, tensors, `${path}.${k}`, what);
    }
    return out;
  }
  throw new CheckpointError(`${what} at ${path || '<root>'} is a ${typeof value}: only tensors and plain data can be saved`);
}

function decodeState(value: unknown, tensors: tf.Tensor[]): unknown {
  if (Array.isArray(value)) return value.map((v) => decodeState(v, tensors));
  if (value !== null && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if ('$tensor' in o) {
      const t = tensors[o.$tensor as number];
      if (t === undefined) throw new CheckpointError(`Checkpoint refers to state tensor ${String(o.$tensor)}, which it lacks`);
      return t;
    }
    if ('$number' in o) return Number(o.$number);
    if ('$undefined' in o) return undefined;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(o)) out[k] = decodeState(v, tensors);
    return out;
  }
  return value;
}

function bytesOf(t: tf.Tensor, values: tf.TypedArray): Uint8Array {
  if (t.dtype === 'bool') return Uint8Array.from(values as Uint8Array | Int32Array, (v) => (v ? 1 : 0));
  return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
}

function checkDtype(t: tf.Tensor, where: string): 'float32' | 'int32' | 'bool' {
  if (t.dtype === 'float32' || t.dtype === 'int32' || t.dtype === 'bool') return t.dtype;
  throw new CheckpointError(`${where} has dtype ${t.dtype}: checkpoints hold float32, int32 and bool tensors`);
}

function firstNonFinite(values: tf.TypedArray): number {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) return i;
  return -1;
}

/**
 * Writes `ckpt` to `path` atomically (`writeFileAtomic`) and returns the path. Throws
 * NonFiniteError, writing nothing, when any weight or optimizer value is NaN or infinite.
 *
 * @example
 * await saveCheckpoint('runs/a/last.tkpt', { position, seed, rng: rng.getState(), weights, optimizerState });
 */
export async function saveCheckpoint(path: string, ckpt: Checkpoint): Promise<string> {
  const stateTensors: tf.Tensor[] = [];
  const skeleton = encodeState(ckpt.optimizerState, stateTensors, '');
  const callbackTensors: tf.Tensor[] = [];
  const callbackSkeleton = ckpt.callbacks === undefined ? undefined : encodeState(ckpt.callbacks, callbackTensors, '', 'Callback state');
  const chunks: Uint8Array[] = [];
  let offset = 0;
  const entry = async (t: tf.Tensor, where: string): Promise<TensorEntry> => {
    const dtype = checkDtype(t, where);
    const values = await t.data();
    if (dtype === 'float32') {
      const bad = firstNonFinite(values);
      if (bad >= 0) throw new NonFiniteError(ckpt.position.step, `${where} (element ${bad})`, undefined);
    }
    const bytes = bytesOf(t, values);
    chunks.push(bytes);
    const e = { dtype, shape: [...t.shape], offset, byteLength: bytes.byteLength };
    offset += bytes.byteLength;
    const pad = (4 - (offset % 4)) % 4; // keep every tensor 4-byte aligned
    if (pad > 0) {
      chunks.push(new Uint8Array(pad));
      offset += pad;
    }
    return e;
  };
  const weights: Manifest['weights'] = [];
  for (const [name, t] of ckpt.weights) weights.push({ name, ...(await entry(t, `weight ${name}`)) });
  const tensors: TensorEntry[] = [];
  for (let i = 0; i < stateTensors.length; i++) tensors.push(await entry(stateTensors[i], `optimizer state tensor ${i}`));
  const cbTensors: TensorEntry[] = [];
  for (let i = 0; i < callbackTensors.length; i++) cbTensors.push(await entry(callbackTensors[i], `callback state tensor ${i}`));
  for (const [k, v] of Object.entries({ step: ckpt.position.step, seed: ckpt.seed }))
    if (!Number.isSafeInteger(v)) throw new CheckpointError(`Checkpoint ${k} must be a safe integer, got ${v}`);
  const manifest: Manifest = {
    format: 'trainkit-checkpoint',
    version: 1,
    position: { ...ckpt.position },
    seed: ckpt.seed,
    rng: [...ckpt.rng] as RngState,
    weights,
    optimizer: { skeleton, tensors },
    ...(ckpt.extra === undefined ? {} : { extra: ckpt.extra }),
    ...(ckpt.layerRng === undefined ? {} : { layerRng: ckpt.layerRng.map(([n, r]): [string, RngState] => [n, [...r] as RngState]) }),
    ...(callbackSkeleton === undefined ? {} : { callbacks: { skeleton: callbackSkeleton, tensors: cbTensors } }),
  };
  let json = Buffer.from(JSON.stringify(manifest), 'utf8');
  const padded = Math.ceil(json.byteLength / 8) * 8;
  json = Buffer.concat([json, Buffer.alloc(padded - json.byteLength, 0x20)]);
  const head = Buffer.alloc(12);
  head.write(MAGIC, 0, 'latin1');
  head.writeUInt32LE(json.byteLength, 8);

  await writeFileAtomic(path, [head, json, ...chunks]);
  return path;
}

function tensorFrom(buf: Buffer, dataStart: number, e: TensorEntry, where: string): tf.Tensor {
  const start = dataStart + e.offset;
  if (!Number.isInteger(start) || e.byteLength < 0 || start + e.byteLength > buf.byteLength)
    throw new CheckpointError(`${where}: its bytes lie outside the file (truncated checkpoint?)`);
  const bytes = buf.subarray(start, start + e.byteLength);
  const n = e.shape.reduce((a, b) => a * b, 1);
  const copy = new Uint8Array(bytes); // aligned copy, independent of the file buffer
  if (e.dtype === 'bool') {
    if (copy.length !== n) throw new CheckpointError(`${where}: ${copy.length} bytes for ${n} bools`);
    return tf.tensor(Int32Array.from(copy), e.shape, 'bool');
  }
  if (copy.byteLength !== n * 4) throw new CheckpointError(`${where}: ${copy.byteLength} bytes for ${n} ${e.dtype} values`);
  const values = e.dtype === 'int32' ? new Int32Array(copy.buffer) : new Float32Array(copy.buffer);
  return tf.tensor(values, e.shape, e.dtype);
}

/**
 * Reads a checkpoint written by `saveCheckpoint`. The returned tensors belong to the caller
 * (`disposeCheckpoint` frees them).
 *
 * @example
 * const ckpt = await loadCheckpoint('runs/a/last.tkpt');
 */
export async function loadCheckpoint(path: string): Promise<Checkpoint> {
  const buf = await readFile(path);
  if (buf.byteLength < 12 || buf.toString('latin1', 0, 8) !== MAGIC)
    throw new CheckpointError(`${path} is not a trainkit checkpoint (no ${MAGIC} header)`);
  const h = buf.readUInt32LE(8);
  if (12 + h > buf.byteLength) throw new CheckpointError(`${path}: header of ${h} bytes runs past the end of the file`);
  let m: Manifest;
  try {
    m = JSON.parse(buf.toString('utf8', 12, 12 + h)) as Manifest;
  } catch (e) {
    throw new CheckpointError(`${path}: unreadable manifest (${(e as Error).message})`);
  }
  if (m.format !== 'trainkit-checkpoint' || m.version !== 1)
    throw new CheckpointError(`${path}: format ${String(m.format)} version ${String(m.version)} is not trainkit-checkpoint 1`);
  const dataStart = 12 + h;
  const made: tf.Tensor[] = [];
  try {
    const weights = m.weights.map((e): [string, tf.Tensor] => {
      const t = tensorFrom(buf, dataStart, e, `${path}: weight ${e.name}`);
      made.push(t);
      return [e.name, t];
    });
    const stateTensors = m.optimizer.tensors.map((e, i) => {
      const t = tensorFrom(buf, dataStart, e, `${path}: optimizer state tensor ${i}`);
      made.push(t);
      return t;
    });
    const callbackTensors = (m.callbacks?.tensors ?? []).map((e, i) => {
      const t = tensorFrom(buf, dataStart, e, `${path}: callback state tensor ${i}`);
      made.push(t);
      return t;
    });
    return {
      position: m.position,
      seed: m.seed,
      rng: m.rng,
      weights,
      optimizerState: decodeState(m.optimizer.skeleton, stateTensors),
      ...(m.extra === undefined ? {} : { extra: m.extra }),
      ...(m.layerRng === undefined ? {} : { layerRng: m.layerRng }),
      ...(m.callbacks === undefined ? {} : { callbacks: decodeState(m.callbacks.skeleton, callbackTensors) as Record<string, unknown> }),
    };
  } catch (e) {
    made.forEach((t) => t.dispose());
    throw e;
  }
}

/** Frees the tensors of a loaded checkpoint. */
export function disposeCheckpoint(ckpt: Checkpoint): void {
  ckpt.weights.forEach(([, t]) => t.dispose());
  const seen = new Set<tf.Tensor>();
  const walk = (v: unknown): void => {
    if (isTensor(v)) seen.add(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v !== null && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(ckpt.optimizerState);
  walk(ckpt.callbacks);
  seen.forEach((t) => t.dispose());
}
