/**
 * Decoding PNG and JPEG files into float pixels in [0, 1], with the pure-JavaScript decoders
 * `pngjs` and `jpeg-js` (no native code, no install scripts). The format is told by the file's
 * signature, not its name.
 *
 * Channels: 3 gives RGB (a grayscale file repeats its gray value); 1 gives the ITU-R 601-2 luma
 * L = 0.299·R + 0.587·G + 0.114·B, the rule of PIL's `convert('L')`, without PIL's rounding to a
 * byte. Alpha is dropped without compositing (as PIL's `convert('RGB')`). 16-bit PNGs keep their
 * 16 bits (divided by 65,535); PNGs of 1, 2 or 4 bits per sample are divided by 2^bits − 1.
 */
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { TrainkitError } from '../errors.js';

/** Pixels of one image: height × width × channels float32 values in [0, 1], row-major (HWC). */
export interface Pixels {
  height: number;
  width: number;
  channels: 1 | 3;
  data: Float32Array;
}

/** Largest image jpeg-js is allowed to decode, in megapixels (its default is 100). */
const MAX_MEGAPIXELS = 100;

const isPng = (b: Uint8Array): boolean =>
  b.length >= 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47 && b[4] === 0x0d && b[5] === 0x0a;
const isJpeg = (b: Uint8Array): boolean => b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff;

/** RGBA samples as the decoders return them, and the sample value of full intensity. */
interface Rgba {
  width: number;
  height: number;
  data: ArrayLike<number>;
  max: number;
}

function decodeRgba(bytes: Uint8Array): Rgba {
  if (isPng(bytes)) {
    const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    // skipRescale keeps 16-bit samples (a Uint16Array) and low bit depths as stored.
    const png = PNG.sync.read(buffer, { skipRescale: true }) as PNG & { depth: number; colorType: number };
    const max = png.colorType === 3 ? 255 : 2 ** png.depth - 1;
    return { width: png.width, height: png.height, data: png.data, max };
  }
  if (isJpeg(bytes)) {
    const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxResolutionInMP: MAX_MEGAPIXELS });
    return { width: img.width, height: img.height, data: img.data, max: 255 };
  }
  throw new Error('not a PNG or JPEG file (no PNG or JPEG signature at its start)');
}

/**
 * Decodes a PNG or JPEG file's bytes to float pixels with 1 or 3 channels (see the module
 * comment). `file` names the file in the TrainkitError thrown when the bytes do not decode.
 *
 * @example
 * const { height, width, data } = decodeImage(await readFile('cat.png'), 'cat.png', 3);
 */
export function decodeImage(bytes: Uint8Array, file: string, channels: 1 | 3): Pixels {
  let rgba: Rgba;
  try {
    rgba = decodeRgba(bytes);
  } catch (e) {
    throw new TrainkitError(`cannot decode image ${file}: ${e instanceof Error ? e.message : String(e)}`);
  }
  const { width, height, data, max } = rgba;
  if (!(width > 0 && height > 0) || data.length < width * height * 4)
    throw new TrainkitError(`cannot decode image ${file}: ${width}×${height} pixels, ${data.length} samples`);
  const n = width * height;
  const out = new Float32Array(n * channels);
  if (channels === 3) {
    for (let p = 0; p < n; p++) {
      out[3 * p] = data[4 * p] / max;
      out[3 * p + 1] = data[4 * p + 1] / max;
      out[3 * p + 2] = data[4 * p + 2] / max;
    }
  } else {
    for (let p = 0; p < n; p++) out[p] = (0.299 * data[4 * p] + 0.587 * data[4 * p + 1] + 0.114 * data[4 * p + 2]) / max;
  }
  return { height, width, channels, data: out };
}
