/**
 * Image resizing with PIL's bilinear filter (`Image.resize(..., BILINEAR)`; PyTorch's
 * `F.interpolate(mode='bilinear', align_corners=False, antialias=True)` computes the same): each
 * output pixel is a weighted mean of the source pixels under a triangle filter centred on it
 * (pixel centres at half-integers). Enlarging, the triangle is one source pixel wide each way:
 * plain bilinear interpolation, the edge pixels repeated. Shrinking by a factor s, the triangle
 * widens to s source pixels each way, so every source pixel contributes (no aliasing, unlike
 * plain bilinear sampling, which reads 4 pixels whatever the factor).
 *
 * Separable: one pass along the rows, one along the columns, each with its weights computed once
 * per output index. Cost O(srcH·dstW + dstH·dstW) · (filter width) · channels.
 */

/** The weights of one pass: output index o reads `count[o]` inputs from `first[o]`. */
interface Taps {
  first: Int32Array;
  count: Int32Array;
  /** `width` weights per output index, normalised to sum to 1. */
  weights: Float64Array;
  width: number;
}

/** PIL's `precompute_coeffs` for the bilinear (triangle) filter, support 1. */
function taps(inSize: number, outSize: number): Taps {
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = filterScale;
  const width = Math.ceil(support) * 2 + 1;
  const first = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  const weights = new Float64Array(outSize * width);
  for (let o = 0; o < outSize; o++) {
    const center = (o + 0.5) * scale;
    // Math.trunc, as C's (int) cast: the lower end may be negative before the clamp.
    const lo = Math.max(Math.trunc(center - support + 0.5), 0);
    const hi = Math.min(Math.trunc(center + support + 0.5), inSize);
    let total = 0;
    for (let i = lo; i < hi; i++) {
      const w = Math.max(0, 1 - Math.abs((i - center + 0.5) / filterScale));
      weights[o * width + i - lo] = w;
      total += w;
    }
    for (let i = lo; i < hi; i++) weights[o * width + i - lo] /= total;
    first[o] = lo;
    count[o] = hi - lo;
  }
  return { first, count, weights, width };
}

/** Resizes each of the `rows` rows of an HWC image from `srcW` to `dstW` pixels. */
function alongRows(src: Float32Array, rows: number, srcW: number, channels: number, dstW: number): Float32Array {
  const tx = taps(srcW, dstW);
  const out = new Float32Array(rows * dstW * channels);
  for (let y = 0; y < rows; y++)
    for (let o = 0; o < dstW; o++) {
      const w0 = o * tx.width;
      const from = (y * srcW + tx.first[o]) * channels;
      const to = (y * dstW + o) * channels;
      for (let c = 0; c < channels; c++) {
        let s = 0;
        for (let t = 0; t < tx.count[o]; t++) s += tx.weights[w0 + t] * src[from + t * channels + c];
        out[to + c] = s;
      }
    }
  return out;
}

/** Resizes the columns of an image of `srcH` rows of `rowLength` values to `dstH` rows, into `out` from `offset`. */
function alongColumns(src: Float32Array, srcH: number, rowLength: number, dstH: number, out: Float32Array, offset: number): void {
  const ty = taps(srcH, dstH);
  for (let o = 0; o < dstH; o++) {
    const w0 = o * ty.width;
    const to = offset + o * rowLength;
    for (let x = 0; x < rowLength; x++) {
      let s = 0;
      for (let t = 0; t < ty.count[o]; t++) s += ty.weights[w0 + t] * src[(ty.first[o] + t) * rowLength + x];
      out[to + x] = s;
    }
  }
}

/**
 * Resizes an HWC float image to dstH × dstW (see the module comment) and writes it into `out`
 * from `offset`; returns `out`. Rows first, then columns, as PIL does; a pass whose size does not
 * change is skipped, so the same size copies the pixels unchanged.
 *
 * @example
 * const small = resizeBilinear(pixels, 64, 48, 3, 32, 24);   // 32 × 24 × 3 values
 */
export function resizeBilinear(
  src: Float32Array,
  srcH: number,
  srcW: number,
  channels: number,
  dstH: number,
  dstW: number,
  out: Float32Array = new Float32Array(dstH * dstW * channels),
  offset = 0,
): Float32Array {
  const mid = srcW === dstW ? src.subarray(0, srcH * srcW * channels) : alongRows(src, srcH, srcW, channels, dstW);
  if (srcH === dstH) out.set(mid, offset);
  else alongColumns(mid, srcH, dstW * channels, dstH, out, offset);
  return out;
}
