/**
 * The native convolutions that trainkit's wasm kernels may run (oneDNN, loaded by `onednn.ts` in
 * Node), and whether they do now. State only, no Node imports: the kernels read it, the engine sets it.
 */

/** A dilation-1 NHWC convolution: input [n, inH, inW, inC], filter HWIO [kh, kw, inC, outC]. */
export interface ConvGeometry {
  n: number;
  inH: number;
  inW: number;
  inC: number;
  outH: number;
  outW: number;
  outC: number;
  kh: number;
  kw: number;
  strideH: number;
  strideW: number;
  padTop: number;
  padLeft: number;
}

/** A convolution's pass: forward (without or with a bias), input gradient, filter gradient. */
export type ConvKind = 'forward' | 'forwardBias' | 'data' | 'weights';

/** How a native convolution runs: its activations' layout, the library's kernel, the reorders around it. */
export interface ConvPlan {
  /** 'nhwc': tfjs's tensors are read and written as they are; 'any': the library's own layout. */
  activations: 'nhwc' | 'any';
  /** The library's name for the kernel it chose, e.g. 'brgconv:avx512_core'. */
  implementation: string;
  /** Layout conversions run on every call, before and after the kernel. */
  reorders: number;
}

/** Convolutions on a wasm heap: tensors are byte offsets into `heap`, in tfjs's NHWC / HWIO layouts. */
export interface NativeConv {
  /** y = conv(x, w) (+ bias, one value per output channel). */
  forward(heap: Float32Array, g: ConvGeometry, x: number, w: number, y: number, bias?: number): void;
  /** dx = the input gradient of conv(·, w) at dy. */
  backwardData(heap: Float32Array, g: ConvGeometry, dy: number, w: number, dx: number): void;
  /** dw = the filter gradient of conv(x, ·) at dy. */
  backwardWeights(heap: Float32Array, g: ConvGeometry, x: number, dy: number, dw: number): void;
  /** How a convolution of this pass and geometry runs (it is built, and cached, if it was not yet). */
  plan(kind: ConvKind, g: ConvGeometry): ConvPlan;
  /** The file that was loaded. */
  library: string;
  /** Its version, e.g. 'oneDNN 2.6.3'. */
  version: string;
}

let active: NativeConv | null = null;
let convolutions = 0;

/** The convolutions kernels use now, or null: they stay on the wasm route. */
export function activeConv(): NativeConv | null {
  return active;
}

/** Makes `conv` the convolutions of the kernels (null: the wasm route). */
export function setActiveConv(conv: NativeConv | null): void {
  active = conv;
}

/** Counts a convolution run natively (for tests and benchmarks: `nativeConvolutions`). */
export function countConvolution(): void {
  convolutions++;
}

/** How many convolutions (forward or gradient) ran on the native library so far. */
export function nativeConvolutions(): number {
  return convolutions;
}
