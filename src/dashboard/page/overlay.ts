/**
 * Every trial's reported values on one canvas, by step: the whole study's learning curves at a
 * glance (what a pruner sees). Complete trials in green, running in blue, pruned ones grey and faint
 * (dimmed: they were stopped), failed in faint red. The y range leaves out outliers (canvas.ts
 * robustRange), so one diverging trial does not flatten the others (its line leaves the frame).
 */
import type { TrialSummary } from '../api.js';
import { drawAxes, fitCanvas, FONT, MUTED, niceTicks, padded, robustRange, scale } from './canvas.js';
import { formatNumber } from './format.js';
import { STATE_COLOR } from './theme.js';

const ALPHA = { complete: 0.5, running: 0.9, pruned: 0.18, failed: 0.25, waiting: 0.5 } as const;

export function drawOverlay(canvas: HTMLCanvasElement, trials: readonly TrialSummary[]): void {
  const { ctx, w, h } = fitCanvas(canvas);
  const values: number[] = [];
  let maxStep = -Infinity;
  let minStep = Infinity;
  for (const t of trials)
    for (const [s, v] of t.intermediate) {
      if (Number.isFinite(v)) values.push(v);
      if (s > maxStep) maxStep = s;
      if (s < minStep) minStep = s;
    }
  if (values.length === 0) {
    ctx.font = FONT;
    ctx.fillStyle = MUTED;
    ctx.textAlign = 'center';
    ctx.fillText('No trial has reported a value yet.', w / 2, h / 2);
    return;
  }
  const range = padded(robustRange(values)!);
  const frame = { left: 52, right: w - 12, top: 10, bottom: h - 24 };
  const x = scale(minStep === maxStep ? [minStep - 1, maxStep + 1] : [minStep, maxStep], [frame.left, frame.right]);
  const y = scale(range, [frame.bottom, frame.top]);
  drawAxes(ctx, frame, { ticks: niceTicks(range[0], range[1], 5), at: y, label: (v) => formatNumber(v, 3) }, { ticks: niceTicks(minStep, maxStep, 6), at: x, label: (v) => formatNumber(v) });
  ctx.save();
  ctx.beginPath();
  ctx.rect(frame.left, frame.top, frame.right - frame.left, frame.bottom - frame.top);
  ctx.clip();
  // Dimmed ones first, so the complete and running curves lie on top.
  const order = ['pruned', 'failed', 'waiting', 'complete', 'running'] as const;
  ctx.lineWidth = 1.2;
  for (const state of order) {
    ctx.strokeStyle = STATE_COLOR[state];
    ctx.globalAlpha = ALPHA[state];
    for (const t of trials) {
      if (t.state !== state || t.intermediate.length === 0) continue;
      ctx.beginPath();
      let pen = false;
      for (const [s, v] of t.intermediate) {
        if (!Number.isFinite(v)) {
          pen = false;
          continue;
        }
        const px = x(s);
        const py = Math.max(frame.top - 50, Math.min(frame.bottom + 50, y(v)));
        if (pen) ctx.lineTo(px, py);
        else ctx.moveTo(px, py);
        pen = true;
      }
      if (t.intermediate.length === 1) ctx.arc(x(t.intermediate[0][0]), y(t.intermediate[0][1]), 1.5, 0, 2 * Math.PI);
      ctx.stroke();
    }
  }
  ctx.restore();
}
