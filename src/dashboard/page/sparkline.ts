/**
 * A card's curve on its own small canvas: the reported values as a faint scatter of raw points and
 * their smoothed line (smoothing.ts) on top, both in the trial state's colour, by step.
 *
 * Each card has its own y range (the finite values' min and max, printed at the left edge, so cards
 * of different scales are not misread); when the values are positive and span more than three
 * decades (a loss on its way to diverging) the axis turns logarithmic, marked "log". Values that are
 * not finite (a diverged loss: NaN, ±Infinity) are red ticks along the top at their steps, with the
 * first such step named.
 */
import type { Points } from '../api.js';
import { extent, fitCanvas, FONT, MUTED, padded, scale } from './canvas.js';
import { formatNumber } from './format.js';

const LOG_SPAN = 1e3;

/** Draws on `canvas`, whose CSS size the caller measured (`width` × `height`: see center.ts). */
export function drawSparkline(canvas: HTMLCanvasElement, points: Points, smoothed: Points, color: string, width: number, height: number): void {
  const { ctx, w, h } = fitCanvas(canvas, height, width);
  ctx.font = FONT;
  if (points.length === 0) {
    ctx.fillStyle = MUTED;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    ctx.fillText('no values reported yet', w / 2, h / 2);
    return;
  }
  const ys = extent(points.map((p) => p[1]));
  const steps: [number, number] = [points[0][0], points[points.length - 1][0]];
  const frame = { left: 2, right: w - 2, top: 8, bottom: h - 14 };
  const x = steps[0] === steps[1] ? () => (frame.left + frame.right) / 2 : scale(steps, [frame.left, frame.right]);
  if (ys !== undefined) {
    const log = ys[0] > 0 && ys[1] / ys[0] > LOG_SPAN;
    const y = log ? scale([ys[0] / 1.2, ys[1] * 1.2], [frame.bottom, frame.top], true) : scale(padded(ys, 0.04), [frame.bottom, frame.top]);
    // Raw points: faint dots.
    ctx.fillStyle = color;
    ctx.globalAlpha = 0.22;
    for (const [s, v] of points) if (Number.isFinite(v)) ctx.fillRect(x(s) - 1, y(v) - 1, 2, 2);
    // Smoothed line.
    ctx.globalAlpha = 1;
    ctx.strokeStyle = color;
    ctx.lineWidth = 1.6;
    ctx.lineJoin = 'round';
    ctx.beginPath();
    let pen = false;
    for (const [s, v] of smoothed) {
      if (!Number.isFinite(v)) {
        pen = false;
        continue;
      }
      if (pen) ctx.lineTo(x(s), y(v));
      else ctx.moveTo(x(s), y(v));
      pen = true;
    }
    if (smoothed.length === 1) ctx.arc(x(smoothed[0][0]), y(smoothed[0][1]), 2, 0, 2 * Math.PI);
    ctx.stroke();
    // The range at the left edge: max at the top, min at the bottom.
    ctx.fillStyle = MUTED;
    ctx.textAlign = 'left';
    ctx.textBaseline = 'top';
    ctx.fillText(`${formatNumber(ys[1], 3)}${log ? '  (log)' : ''}`, frame.left, 0);
    ctx.textBaseline = 'bottom';
    ctx.fillText(formatNumber(ys[0], 3), frame.left, h);
  }
  // Values that are not finite: red ticks along the top, and the first one's step.
  const bad = points.filter(([, v]) => !Number.isFinite(v));
  ctx.textBaseline = 'bottom';
  ctx.textAlign = 'right';
  if (bad.length > 0) {
    ctx.fillStyle = '#dc2626';
    for (const [s] of bad) ctx.fillRect(x(s) - 0.5, frame.top - 6, 1, 4);
    ctx.fillText(`not finite from step ${formatNumber(bad[0][0])}`, w - 2, h);
  } else {
    ctx.fillStyle = MUTED;
    ctx.fillText(`step ${formatNumber(steps[1])}`, w - 2, h);
  }
}
