/**
 * A batch tensor made of rows of a host array, written where the backend keeps it.
 *
 * The plain way, `tf.tensor(rows)`, gathers the rows into a new JavaScript typed array and the
 * backend copies that array again: on wasm into its heap. For the benchmark MLP that is a 400-KB
 * array per step that lives for microseconds, two copies, and garbage that makes V8 collect more
 * often. On wasm, `gatherRows` allocates the tensor's buffer on the heap first and copies each row
 * straight into it (one copy, no garbage); on other backends it is the plain way.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/**
 * Copies rows `indices` of `source` (rows of `row` values, one after another) into `into`, one
 * after another. The indices must be rows of `source` (the caller checks them).
 *
 * @example
 * copyRows(images, Int32Array.of(4, 0), 784, out); // out holds rows 4 and 0
 */
export function copyRows(source: Float32Array | Int32Array, indices: ArrayLike<number>, row: number, into: Float32Array | Int32Array): void {
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k];
    into.set(source.subarray(i * row, (i + 1) * row), k * row);
  }
}

/**
 * Rows `indices` of `source` (rows of `rowShape`, stored one after another) as a tensor of shape
 * [indices.length, ...rowShape] and dtype float32 (Float32Array source) or int32 (Int32Array).
 *
 * @example
 * const x = gatherRows(images, Int32Array.of(4, 0, 9), [28, 28, 1]); // [3, 28, 28, 1]
 */
export function gatherRows(source: Float32Array | Int32Array, indices: ArrayLike<number>, rowShape: readonly number[]): tf.Tensor {
  const dtype = source instanceof Int32Array ? 'int32' : 'float32';
  const row = tf.util.sizeFromShape([...rowShape]);
  const m = indices.length;
  const shape = [m, ...rowShape];
  if (tf.getBackend() === 'wasm' && m * row > 0) {
    const backend = tf.backend() as BackendWasm;
    const info = backend.makeOutput(shape, dtype);
    copyRows(source, indices, row, backend.typedArrayFromHeap(info) as Float32Array | Int32Array);
    return tf.engine().makeTensorFromTensorInfo(info);
  }
  const values = dtype === 'int32' ? new Int32Array(m * row) : new Float32Array(m * row);
  copyRows(source, indices, row, values);
  return tf.tensor(values, shape, dtype);
}
