/**
 * The backward pass of a layer's bias + ReLU in one pass, `TrainkitReluGradBias`: dz = dy · step(y)
 * (TrainkitReluGrad's arithmetic, the same bits) and, in the same pass, the bias gradient
 * db[c] = Σ dz[…, c] over every axis but the last.
 *
 * Before, the bias gradient was a second pass: `Sum` over the leading axes of dz, which reads the
 * whole activation gradient again (on the benchmark CNN, ~5 ms of a ~75 ms step for its two conv
 * layers' [64, 26, 26, 32] and [64, 24, 24, 64] gradients). Here each 4-lane group of dz is added,
 * while it is still in a register, into float64 accumulators, one per channel (C doubles: they stay
 * in the L1 cache), row after row: the order and precision of the cpu backend's `Sum` (a double
 * accumulator per output, rows in order), so db is the cpu backend's sum of dz to the bit (a NaN's
 * sign and payload aside).
 *
 * The wasm loop is a runtime-built WebAssembly SIMD module (fused_simd.ts's encoder) on the
 * backend's own memory; it needs C to be a multiple of 4. Elsewhere (cpu, C mod 4 ≠ 0, no SIMD)
 * `reluGradBias` returns undefined and the caller takes TrainkitReluGrad and `tf.sum`.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { EngineError } from '../../errors.js';
import { I32, MEMARG, OP, runFunction, runModule, simd, splat4 as splat, uleb, V128, vec, VOP } from './fused_simd.js';
import { KernelScope } from './scope.js';

export const RELU_GRAD_BIAS = 'TrainkitReluGradBias';

/** f64x2 and shuffle opcodes (after the SIMD prefix) that only this module needs. */
const F64X2_PROMOTE_LOW_F32X4 = 0x5f;
const F64X2_ADD = 0xf0;
const I8X16_SHUFFLE = 0x0d;
/** Lanes 2 and 3 of a f32x4 moved to lanes 0 and 1 (bytes 8–15, twice). */
const HIGH_HALF = [8, 9, 10, 11, 12, 13, 14, 15, 8, 9, 10, 11, 12, 13, 14, 15];

/**
 * `run(dy, y, dz, acc, rows, cols)`: byte offsets on the heap; `acc` holds `cols` float64
 * accumulators (zeroed by the caller); `cols` a multiple of 4.
 */
function compileModule(sharedMemory: boolean): Uint8Array<ArrayBuffer> {
  const [DY, Y, DZ, ACC, ROWS, COLS] = [0, 1, 2, 3, 4, 5];
  const [OFF, END, CB, ROW_BYTES] = [6, 7, 8, 9];
  const [Z, ACC_ADDR] = [10, 11];
  const get = (l: number) => [OP.localGet, ...uleb(l)];
  const set = (l: number) => [OP.localSet, ...uleb(l)];
  const at = (base: number, offset: number) => [...get(base), ...get(offset), OP.i32Add];
  // acc address of this column group: acc + 2·cb (8 bytes per column instead of 4).
  const accAddress = [...get(ACC), ...get(CB), OP.i32Const, 1, OP.i32Shl, OP.i32Add, OP.localSet, ...uleb(ACC_ADDR)];
  const accumulate = (offset: number, lanes: number[]) => [
    ...get(ACC_ADDR), ...get(ACC_ADDR), ...simd(VOP.load), 3, offset, ...lanes, ...simd(F64X2_PROMOTE_LOW_F32X4), ...simd(F64X2_ADD), ...simd(VOP.store), 3, offset,
  ];
  const inner = [
    ...get(CB), ...get(ROW_BYTES), OP.i32GeU, OP.brIf, 1,
    // z = dy · ((y > 0) & 1 | (y ≠ y) & NaN): TrainkitReluGrad's lanes
    ...at(DZ, OFF),
    ...at(DY, OFF), ...simd(VOP.load), ...MEMARG,
    ...at(Y, OFF), ...simd(VOP.load), ...MEMARG, ...splat(0), ...simd(VOP.f32x4Gt), ...splat(1), ...simd(VOP.and),
    ...at(Y, OFF), ...simd(VOP.load), ...MEMARG, ...at(Y, OFF), ...simd(VOP.load), ...MEMARG, ...simd(VOP.f32x4Ne), ...splat(NaN), ...simd(VOP.and),
    ...simd(VOP.or), ...simd(VOP.f32x4Mul), OP.localTee, ...uleb(Z),
    ...simd(VOP.store), ...MEMARG,
    ...accAddress,
    ...accumulate(0, get(Z)),
    ...accumulate(16, [...get(Z), ...get(Z), ...simd(I8X16_SHUFFLE), ...HIGH_HALF]),
    ...get(OFF), OP.i32Const, 16, OP.i32Add, ...set(OFF),
    ...get(CB), OP.i32Const, 16, OP.i32Add, ...set(CB),
    OP.br, 0,
  ];
  const outer = [
    ...get(OFF), ...get(END), OP.i32GeU, OP.brIf, 1,
    OP.i32Const, 0, ...set(CB),
    OP.block, 0x40, OP.loop, 0x40, ...inner, OP.end, OP.end,
    OP.br, 0,
  ];
  const code = [
    ...get(COLS), OP.i32Const, 2, OP.i32Shl, ...set(ROW_BYTES),
    ...get(ROWS), ...get(ROW_BYTES), OP.i32Mul, ...set(END),
    OP.i32Const, 0, ...set(OFF),
    OP.block, 0x40, OP.loop, 0x40, ...outer, OP.end, OP.end,
    OP.end,
  ];
  const locals = vec([
    [...uleb(4), I32],
    [...uleb(1), V128],
    [...uleb(1), I32],
  ]);
  return runModule(Array(6).fill(I32), [...locals, ...code], sharedMemory);
}

type Run = (dy: number, y: number, dz: number, acc: number, rows: number, cols: number) => void;

/** The compiled loop on this backend's memory, or undefined (no memory found, no SIMD). */
const loopFor = (backend: unknown) => runFunction<Run>(backend, RELU_GRAD_BIAS, compileModule);

function reluGradBiasWasm(args: Parameters<tf.KernelFunc>[0]): tf.TensorInfo[] {
  const dy = args.inputs.dy as tf.TensorInfo;
  const y = args.inputs.y as tf.TensorInfo;
  if (dy.dtype !== 'float32' || y.dtype !== 'float32' || !tf.util.arraysEqual(dy.shape, y.shape) || dy.shape.length === 0) {
    throw new EngineError(`${RELU_GRAD_BIAS}: dy [${dy.shape}] ${dy.dtype} and y [${y.shape}] ${y.dtype} must be float32 tensors of one shape, rank ≥ 1`);
  }
  const cols = dy.shape[dy.shape.length - 1];
  const run = loopFor(args.backend);
  if (run === undefined || cols % 4 !== 0) throw new EngineError(`${RELU_GRAD_BIAS}: needs wasm SIMD and a last axis that is a multiple of 4 (got ${cols})`);
  const rows = tf.util.sizeFromShape(dy.shape) / Math.max(cols, 1);
  const backend = args.backend as BackendWasm;
  const s = new KernelScope(backend);
  try {
    const dz = s.alloc(dy.shape);
    const db = s.alloc([cols]);
    const acc = s.alloc([2 * cols]);
    const accView = s.view(acc);
    accView.fill(0);
    if (rows > 0 && cols > 0) run(s.view(dy).byteOffset, s.view(y).byteOffset, s.view(dz).byteOffset, accView.byteOffset, rows, cols);
    const sums = new DataView(accView.buffer, accView.byteOffset, 8 * cols);
    const out = s.view(db);
    for (let c = 0; c < cols; c++) out[c] = sums.getFloat64(8 * c, true);
    return [s.keep(dz), s.keep(db)];
  } finally {
    s.dispose();
  }
}

/** Kernel config: `TrainkitReluGradBias` on wasm (registered when this module loads). */
export const reluGradBiasConfig: tf.KernelConfig = {
  kernelName: RELU_GRAD_BIAS,
  backendName: 'wasm',
  kernelFunc: reluGradBiasWasm as unknown as tf.KernelFunc,
};
if (tf.getKernel(RELU_GRAD_BIAS, 'wasm') === undefined) tf.registerKernel(reluGradBiasConfig);

/**
 * [dy · step(y), Σ over all axes but the last of it] in one pass where the wasm kernel applies
 * (wasm active with the kernel registered and SIMD, float32, last axis a multiple of 4), else
 * undefined (nothing allocated): take `reluGrad` and `tf.sum` then.
 *
 * @example
 * const both = reluGradBias(dy, y);
 * const [dz, db] = both ?? [reluGrad(dy, y), undefined];
 */
export function reluGradBias(dy: tf.Tensor, y: tf.Tensor): [dz: tf.Tensor, db: tf.Tensor] | undefined {
  const cols = y.shape[y.rank - 1];
  if (y.rank === 0 || cols % 4 !== 0 || dy.dtype !== 'float32' || y.dtype !== 'float32' || !tf.util.arraysEqual(dy.shape, y.shape)) return undefined;
  const name = tf.getBackend();
  if (name !== 'wasm' || tf.getKernel(RELU_GRAD_BIAS, name) === undefined || loopFor(tf.backend()) === undefined) return undefined;
  const [dz, db] = tf.engine().runKernel(RELU_GRAD_BIAS, { dy, y }) as unknown as tf.Tensor[];
  return [dz, db];
}
