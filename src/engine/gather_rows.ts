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
 * Rows `indices` of `source` (rows of `rowShape`, stored one after another) as a tensor of shape
 * [indices.length, ...rowShape] and dtype float32 (Float32Array source) or int32 (Int32Array).
 *
 * @example
 * const x = gatherRows(images, Int32Array.of(4, 0, 9), [28, 28, 1]); // [3, 28, 28, 1]
 */
export function gatherRows(source: Float32Array | Int32Array, indices: ArrayLike<number>, rowShape: readonly number[]): tf.Tensor {
  const dtype = source instanceof Int32Array ? 'int32' : 'float32';
  const row = rowShape.reduce((a, b) => a * b, 1);
  const m = indices.length;
  const shape = [m, ...rowShape];
  const copy = (into: Float32Array | Int32Array) => {
    for (let k = 0; k < m; k++) {
      const i = indices[k];
      into.set(source.subarray(i * row, (i + 1) * row), k * row);
    }
  };
  if (tf.getBackend() === 'wasm' && m * row > 0) {
    const backend = tf.backend() as BackendWasm;
    const info = backend.makeOutput(shape, dtype);
    copy(backend.typedArrayFromHeap(info) as Float32Array | Int32Array);
    return tf.engine().makeTensorFromTensorInfo(info);
  }
  const values = dtype === 'int32' ? new Int32Array(m * row) : new Float32Array(m * row);
  copy(values);
  return tf.tensor(values, shape, dtype);
}
