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

/** Convolutions on a wasm heap: tensors are byte offsets into `heap`, in tfjs's NHWC / HWIO layouts. */
export interface NativeConv {
  /** y = conv(x, w) (+ bias, one value per output channel). */
  forward(heap: Float32Array, g: ConvGeometry, x: number, w: number, y: number, bias?: number): void;
  /** dx = the input gradient of conv(·, w) at dy. */
  backwardData(heap: Float32Array, g: ConvGeometry, dy: number, w: number, dx: number): void;
  /** dw = the filter gradient of conv(x, ·) at dy. */
  backwardWeights(heap: Float32Array, g: ConvGeometry, x: number, dy: number, dw: number): void;
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
