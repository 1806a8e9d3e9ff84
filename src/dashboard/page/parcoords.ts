/**
 * Parallel coordinates: one vertical axis per hyperparameter (param-axis.ts: log where the
 * distribution is log, choices evenly spaced) and a last one for the value; one line per trial that
 * has a value. Lines are coloured from pale (worst) to dark teal (best) and the best are drawn last,
 * on top, so the region of good settings stands out on each axis.
 */
import type { Direction, TrialSummary } from '../api.js';
import { fitCanvas, FONT, INK, MUTED, padded, robustRange } from './canvas.js';
import { formatNumber } from './format.js';
import type { ParamAxis } from './param-axis.js';

/** A colour from worst (q = 0) to best (q = 1). */
export function qualityColor(q: number, alpha = 1): string {
  const lo = [203, 213, 225];
  const hi = [15, 118, 110];
  const c = lo.map((v, i) => Math.round(v + (hi[i] - v) * q));
  return `rgba(${c[0]},${c[1]},${c[2]},${alpha})`;
}

/** Each trial's quality in [0, 1] by rank of its value (1: the best), for the trials with a finite value. */
export function qualities(trials: readonly TrialSummary[], direction: Direction): Map<number, number> {
  const ranked = trials.filter((t) => t.value !== undefined && Number.isFinite(t.value)).sort((a, b) => (direction === 'minimize' ? b.value! - a.value! : a.value! - b.value!));
  return new Map(ranked.map((t, i) => [t.number, ranked.length === 1 ? 1 : i / (ranked.length - 1)]));
}

const truncate = (s: string, n: number): string => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

export function drawParallelCoordinates(canvas: HTMLCanvasElement, trials: readonly TrialSummary[], axes: readonly ParamAxis[], direction: Direction): void {
  const { ctx, w, h } = fitCanvas(canvas);
  const q = qualities(trials, direction);
  const withValue = trials.filter((t) => q.has(t.number)).sort((a, b) => q.get(a.number)! - q.get(b.number)!);
  const top = 44;
  const bottom = h - 16;
  const left = 56;
  const right = w - 64;
  const n = axes.length + 1;
  const xAt = (i: number): number => (n === 1 ? (left + right) / 2 : left + ((right - left) * i) / (n - 1));
  const yAt = (p: number): number => bottom - p * (bottom - top);
  const vRange = padded(robustRange(withValue.map((t) => t.value!)) ?? [0, 1], 0.02);
  const vPos = (v: number): number => Math.max(0, Math.min(1, (v - vRange[0]) / (vRange[1] - vRange[0])));

  ctx.lineWidth = 1.2;
  for (const t of withValue) {
    const quality = q.get(t.number)!;
    ctx.strokeStyle = qualityColor(quality, 0.25 + 0.6 * quality);
    ctx.beginPath();
    let pen = false;
    axes.forEach((a, i) => {
      const p = a.position(t.params[a.name]);
      if (Number.isNaN(p)) {
        pen = false;
        return;
      }
      if (pen) ctx.lineTo(xAt(i), yAt(p));
      else ctx.moveTo(xAt(i), yAt(p));
      pen = true;
    });
    if (pen) ctx.lineTo(xAt(n - 1), yAt(vPos(t.value!)));
    ctx.stroke();
  }

  // Axes, names and ticks (canvas text: nothing here is parsed as HTML).
  ctx.font = FONT;
  const axis = (i: number, name: string, ticks: Array<[number, string]>, sub: string): void => {
    const x = Math.round(xAt(i)) + 0.5;
    ctx.strokeStyle = '#9ca3af';
    ctx.lineWidth = 1;
    ctx.beginPath();
    ctx.moveTo(x, top);
    ctx.lineTo(x, bottom);
    ctx.stroke();
    ctx.fillStyle = INK;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'alphabetic';
    ctx.font = `600 ${FONT}`;
    ctx.fillText(truncate(name, 16), x, top - 26);
    ctx.font = FONT;
    ctx.fillStyle = MUTED;
    ctx.fillText(sub, x, top - 13);
    ctx.textAlign = 'left';
    ctx.textBaseline = 'middle';
    for (const [p, label] of ticks) {
      const y = yAt(p);
      ctx.fillRect(x - 3, Math.round(y), 6, 1);
      ctx.fillText(truncate(label, 10), x + 5, y);
    }
  };
  axes.forEach((a, i) => axis(i, a.name, a.ticks(), a.kind === 'choice' ? 'choice' : a.log ? 'log' : 'linear'));
  axis(n - 1, 'value', [0, 0.5, 1].map((p): [number, string] => [p, formatNumber(vRange[0] + p * (vRange[1] - vRange[0]), 3)]), direction === 'minimize' ? 'lower is better' : 'higher is better');
  if (withValue.length === 0) {
    ctx.fillStyle = MUTED;
    ctx.textAlign = 'center';
    ctx.fillText('No trial has a value yet.', w / 2, h / 2);
  }
}
