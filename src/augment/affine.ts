/**
 * Random affine warps (torchvision's `RandomAffine`): rotation, translation, scale and shear about
 * the image centre, one draw per image, applied as one batched `tf.image.transform` with zeros
 * outside the image.
 */
import type { Rng } from '../engine/rng.js';
import { checkNumber } from '../errors.js';
import { InvalidArgumentError } from '../errors.js';
import { type Augmentation, checkImages, checkRange } from './types.js';
import { warpAffine, type PixelMap } from './warp.js';

export interface AffineOptions {
  /** Rotation angle ~ U(−degrees, degrees), counter-clockwise. Default 0. */
  degrees?: number;
  /** Largest shift as a fraction of [width, height]: dx ~ U(−a·W, a·W), dy ~ U(−b·H, b·H). Default [0, 0]. */
  translate?: [number, number];
  /** Scale factor ~ U(low, high). Default [1, 1]. */
  scale?: [number, number];
  /** Horizontal shear angle ~ U(−shear, shear) degrees. Default 0. */
  shear?: number;
}

const DEFAULTS = { degrees: 0, translate: [0, 0] as [number, number], scale: [1, 1] as [number, number], shear: 0 };

/** One image's draw: the angles in degrees, the shift in pixels. */
export interface AffineParams {
  angle: number;
  dx: number;
  dy: number;
  scale: number;
  shear: number;
}

/**
 * The output → input pixel map of the forward warp p' = c + t + s·R(angle)·Shear(shear)·(p − c), c the
 * image centre (pixel-centre coordinates, y down). Identity parameters give exactly [1, 0, 0, 0, 1, 0].
 */
export function affineMap(p: AffineParams, height: number, width: number): PixelMap {
  const a = (-p.angle * Math.PI) / 180; // y points down: a negative angle turns counter-clockwise on screen
  const k = Math.tan((p.shear * Math.PI) / 180);
  const [cos, sin] = [Math.cos(a), Math.sin(a)];
  // A = s · R · [[1, k], [0, 1]]
  const A = [p.scale * cos, p.scale * (cos * k - sin), p.scale * sin, p.scale * (sin * k + cos)];
  const det = A[0] * A[3] - A[1] * A[2];
  const inv = [A[3] / det, -A[1] / det, -A[2] / det, A[0] / det];
  const cx = (width - 1) / 2;
  const cy = (height - 1) / 2;
  // p = c + A⁻¹ (p' − c − t)
  const ox = cx + p.dx;
  const oy = cy + p.dy;
  const map = [inv[0], inv[1], cx - inv[0] * ox - inv[1] * oy, inv[2], inv[3], cy - inv[2] * ox - inv[3] * oy];
  return map.map((v) => v + 0) as PixelMap; // -0 → 0
}

/**
 * Warps each image by a random rotation, translation, scale and shear (bilinear, zeros outside).
 * Defaults leave images unchanged.
 *
 * @example
 * const aug = randomAffine({ degrees: 15, translate: [0.1, 0.1], scale: [0.9, 1.1], shear: 10 });
 */
export function randomAffine(options: AffineOptions = {}): Augmentation {
  const o = { ...DEFAULTS, ...options };
  checkNumber('degrees', o.degrees, { min: 0, max: 180 });
  const [tx, ty] = checkFractions('translate', o.translate);
  const [s0, s1] = checkRange('scale', o.scale, { min: 0, minExclusive: true });
  checkNumber('shear', o.shear, { min: 0, max: 89 });
  return (batch, rng: Rng) => {
    checkImages(batch.x);
    const [n, height, width] = batch.x.shape;
    const maps = Array.from({ length: n }, () =>
      affineMap(
        {
          angle: rng.uniform(-o.degrees, o.degrees),
          dx: Math.round(rng.uniform(-tx * width, tx * width)),
          dy: Math.round(rng.uniform(-ty * height, ty * height)),
          scale: rng.uniform(s0, s1),
          shear: rng.uniform(-o.shear, o.shear),
        },
        height,
        width,
      ),
    );
    return { x: warpAffine(batch.x, maps), y: batch.y };
  };
}

function checkFractions(option: string, value: unknown): [number, number] {
  const ok = Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === 'number' && v >= 0 && v <= 1);
  if (!ok) throw new InvalidArgumentError(option, value, 'a pair [horizontal, vertical] of fractions in [0, 1]');
  return [value[0], value[1]];
}
