/**
 * Small canvas plotting helpers for the charts drawn without uPlot (the cards' curves, parallel
 * coordinates, the scatters, the overlay of every trial's curve): sizing a canvas to its box at the
 * screen's pixel ratio, scales (linear or log), "nice" ticks, and axes. uPlot draws the bigger
 * single-trial charts; 1,000 small canvases are cheaper drawn by hand.
 */

export const FONT = '11px system-ui, -apple-system, "Segoe UI", sans-serif';
export const INK = '#1f2937';
export const MUTED = '#6b7280';
export const GRID = '#e5e7eb';

/**
 * Sizes the canvas's backing store to its CSS box × devicePixelRatio; returns a context in CSS
 * pixels. `height` and `width` given: the caller measured them (reading them here would force a
 * layout per canvas when many are drawn in a row).
 */
export function fitCanvas(canvas: HTMLCanvasElement, height?: number, width?: number): { ctx: CanvasRenderingContext2D; w: number; h: number } {
  const dpr = window.devicePixelRatio || 1;
  const w = width || canvas.clientWidth || 300;
  const h = height ?? (canvas.clientHeight || 150);
  const bw = Math.round(w * dpr);
  const bh = Math.round(h * dpr);
  if (canvas.width !== bw) canvas.width = bw;
  if (canvas.height !== bh) canvas.height = bh;
  const ctx = canvas.getContext('2d')!;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, w, h);
  return { ctx, w, h };
}

/** The finite min and max of `values` (undefined when none is finite). */
export function extent(values: Iterable<number>): [number, number] | undefined {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo <= hi ? [lo, hi] : undefined;
}

/** The q-quantile of sorted values (nearest rank). */
export function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.round(q * (sorted.length - 1))))];
}

/**
 * A range for values with outliers: their finite min and max, but no further than 3 × the 10–90%
 * spread beyond the 10th and 90th percentiles, so one diverged trial (a loss of 1e13) does not flatten
 * every other. Values outside are drawn at the edge. Undefined when no value is finite.
 */
export function robustRange(values: Iterable<number>): [number, number] | undefined {
  const v = [...values].filter(Number.isFinite).sort((a, b) => a - b);
  if (v.length === 0) return undefined;
  const q10 = quantile(v, 0.1);
  const q90 = quantile(v, 0.9);
  const fence = 3 * (q90 - q10);
  return [Math.max(v[0], q10 - fence), Math.min(v[v.length - 1], q90 + fence)];
}

/** [lo, hi] widened so that it has a length (a constant curve) and a little air (`pad` of the span). */
export function padded([lo, hi]: [number, number], pad = 0.06): [number, number] {
  if (lo === hi) {
    const d = lo === 0 ? 1 : Math.abs(lo) * 0.1;
    return [lo - d, hi + d];
  }
  const d = (hi - lo) * pad;
  return [lo - d, hi + d];
}

/** A map from a domain to pixels; with `log`, through log10 (values ≤ 0 map to NaN). */
export function scale(domain: [number, number], range: [number, number], log = false): (v: number) => number {
  const f = log ? (v: number) => (v > 0 ? Math.log10(v) : NaN) : (v: number) => v;
  const d0 = f(domain[0]);
  const d1 = f(domain[1]);
  const k = d1 === d0 ? 0 : (range[1] - range[0]) / (d1 - d0);
  return (v) => range[0] + (f(v) - d0) * k;
}

/** Round tick values in [lo, hi], 1, 2 or 5 × 10^k apart: the smallest such step that gives at most `count` intervals. */
export function niceTicks(lo: number, hi: number, count = 4): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

/** Powers of ten in [lo, hi] (lo > 0), thinned to at most ~6; [lo, hi] when none is inside. */
export function logTicks(lo: number, hi: number): number[] {
  const a = Math.ceil(Math.log10(lo) - 1e-9);
  const b = Math.floor(Math.log10(hi) + 1e-9);
  const every = Math.max(1, Math.ceil((b - a + 1) / 6));
  const out: number[] = [];
  for (let e = a; e <= b; e += every) out.push(Number(`1e${e}`));
  return out.length > 0 ? out : [lo, hi];
}

/** A plot's frame: the data area inside a canvas of w × h. */
export interface Frame {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/** Draws horizontal grid lines and their labels at `ticks` (y), and x labels at `xTicks`. */
export function drawAxes(
  ctx: CanvasRenderingContext2D,
  frame: Frame,
  y: { ticks: number[]; at: (v: number) => number; label: (v: number) => string },
  x?: { ticks: number[]; at: (v: number) => number; label: (v: number) => string },
): void {
  ctx.save();
  ctx.font = FONT;
  ctx.strokeStyle = GRID;
  ctx.fillStyle = MUTED;
  ctx.lineWidth = 1;
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  for (const t of y.ticks) {
    const py = Math.round(y.at(t)) + 0.5;
    if (!(py >= frame.top - 1 && py <= frame.bottom + 1)) continue;
    ctx.beginPath();
    ctx.moveTo(frame.left, py);
    ctx.lineTo(frame.right, py);
    ctx.stroke();
    ctx.fillText(y.label(t), frame.left - 4, py);
  }
  if (x !== undefined) {
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    for (const t of x.ticks) {
      const px = x.at(t);
      if (!(px >= frame.left - 1 && px <= frame.right + 1)) continue;
      ctx.fillText(x.label(t), px, frame.bottom + 4);
    }
  }
  ctx.restore();
}
