/**
 * The value against one hyperparameter: a small scatter per param, the param along x as its axis
 * says (log where the distribution is log; choices side by side with a little deterministic jitter
 * so equal choices do not hide each other), the value up. Complete trials in the complete colour,
 * pruned ones (which carry their last reported value) dimmed. Outliers (robustRange) sit on the edge.
 */
import type { TrialSummary } from '../api.js';
import { drawAxes, fitCanvas, FONT, MUTED, niceTicks, padded, robustRange, scale } from './canvas.js';
import { formatNumber } from './format.js';
import type { ParamAxis } from './param-axis.js';
import { STATE_COLOR } from './theme.js';

export function drawScatter(canvas: HTMLCanvasElement, trials: readonly TrialSummary[], axis: ParamAxis): void {
  const { ctx, w, h } = fitCanvas(canvas);
  const shown = trials.filter((t) => t.value !== undefined && Number.isFinite(t.value) && !Number.isNaN(axis.position(t.params[axis.name])));
  const frame = { left: 48, right: w - 10, top: 8, bottom: h - 22 };
  const range = padded(robustRange(shown.map((t) => t.value!)) ?? [0, 1]);
  const y = scale(range, [frame.bottom, frame.top]);
  const x = (p: number): number => frame.left + 6 + p * (frame.right - frame.left - 12);
  const xTicks = axis.ticks();
  drawAxes(ctx, frame, { ticks: niceTicks(range[0], range[1], 4), at: y, label: (v) => formatNumber(v, 3) }, { ticks: xTicks.map(([p]) => p), at: x, label: (p) => xTicks.find(([q]) => q === p)?.[1].slice(0, 10) ?? '' });
  for (const t of shown) {
    let p = axis.position(t.params[axis.name]);
    if (axis.kind === 'choice') p += (((t.number * 2654435761) % 1000) / 1000 - 0.5) * (0.5 / Math.max(1, axis.choices.length));
    ctx.fillStyle = t.state === 'complete' ? STATE_COLOR.complete : STATE_COLOR.pruned;
    ctx.globalAlpha = t.state === 'complete' ? 0.75 : 0.45;
    ctx.beginPath();
    ctx.arc(x(p), Math.max(frame.top, Math.min(frame.bottom, y(t.value!))), 2.6, 0, 2 * Math.PI);
    ctx.fill();
  }
  ctx.globalAlpha = 1;
  if (shown.length === 0) {
    ctx.font = FONT;
    ctx.fillStyle = MUTED;
    ctx.textAlign = 'center';
    ctx.fillText('no values yet', w / 2, h / 2);
  }
}
