/**
 * One uPlot chart of a few named curves (the trial detail's and the overview's bigger charts), from
 * the API's Points. uPlot wants one shared x array, so the curves' x values are merged and each curve
 * gets null where it has no point (lines span those gaps).
 *
 * Two drawings uPlot does not do by itself, as hooks that paint under the curves:
 * - `gap`: the area between two curves shaded (train vs validation: the generalisation gap);
 * - `band`: a horizontal band of y values shaded, with an optional reference line (the update ratio's
 *   healthy 3e-4 … 3e-3 around 1e-3).
 * With `onZoom`, a drag on the x axis zooms and reports the new x range (double-click: back to
 * everything, reported as undefined); the caller fetches full resolution for it and calls setCurves.
 */
import uPlot from 'uplot';
import type { Points } from '../api.js';
import { logTicks } from './canvas.js';
import { h } from './dom.js';
import { formatNumber } from './format.js';

export interface Curve {
  label: string;
  points: Points;
  color: string;
  width?: number;
  dash?: number[];
  /** Draw dots only (no line), e.g. every trial's value under the best-so-far line. */
  dots?: boolean;
  /** Join points with horizontal-then-vertical steps (a best-so-far curve). */
  stepped?: boolean;
}

export interface ChartSpec {
  title: string;
  /** One sentence under the title: what to look for. */
  caption?: string;
  xLabel: string;
  /** x values are epoch milliseconds (drawn as dates and times). */
  time?: boolean;
  /** x values are counts (epochs, steps): ticks at whole numbers only. */
  integerX?: boolean;
  yLog?: boolean;
  curves: Curve[];
  /** Shade between curves[i] and curves[j]. */
  gap?: [number, number];
  band?: { lo: number; hi: number; line?: number };
  /** The y range to show (e.g. without outliers); default: the data's. */
  yRange?: () => [number, number] | undefined;
  height?: number;
  testid?: string;
  onZoom?: (range: { from: number; to: number } | undefined) => void;
}

export interface Chart {
  el: HTMLElement;
  /** New points for the curves (same order as the spec); keeps the zoom when `keepZoom`. */
  setCurves(points: Points[], keepZoom?: boolean): void;
  resize(): void;
  destroy(): void;
}

/** Tick spacings of a count axis: 1, 2, 5, 10, 20, 50, … */
const INTEGER_INCRS = Array.from({ length: 30 }, (_, i) => [1, 2, 5][i % 3] * 10 ** Math.floor(i / 3));

/** uPlot's aligned data of curves: the sorted union of x, and each curve's y or null. */
export function align(curves: Points[], yLog = false): uPlot.AlignedData {
  const xs = [...new Set(curves.flatMap((c) => c.map((p) => p[0])))].sort((a, b) => a - b);
  const index = new Map(xs.map((x, i) => [x, i]));
  const ys = curves.map((c) => {
    const y: Array<number | null> = new Array(xs.length).fill(null);
    for (const [x, v] of c) y[index.get(x)!] = Number.isFinite(v) && (!yLog || v > 0) ? v : null;
    return y;
  });
  return [xs, ...ys] as uPlot.AlignedData;
}

function shadeGap(u: uPlot, a: number, b: number): void {
  const xs = u.data[0];
  const ya = u.data[a + 1];
  const yb = u.data[b + 1];
  const pairs: Array<[number, number, number]> = [];
  for (let i = 0; i < xs.length; i++) if (ya[i] != null && yb[i] != null) pairs.push([xs[i], ya[i] as number, yb[i] as number]);
  if (pairs.length < 2) return;
  const { ctx } = u;
  ctx.save();
  ctx.beginPath();
  ctx.rect(u.bbox.left, u.bbox.top, u.bbox.width, u.bbox.height);
  ctx.clip();
  ctx.beginPath();
  pairs.forEach(([x, y], i) => (i === 0 ? ctx.moveTo : ctx.lineTo).call(ctx, u.valToPos(x, 'x', true), u.valToPos(y, 'y', true)));
  for (let i = pairs.length - 1; i >= 0; i--) ctx.lineTo(u.valToPos(pairs[i][0], 'x', true), u.valToPos(pairs[i][2], 'y', true));
  ctx.closePath();
  ctx.fillStyle = 'rgba(234, 88, 12, 0.12)';
  ctx.fill();
  ctx.restore();
}

function shadeBand(u: uPlot, band: NonNullable<ChartSpec['band']>): void {
  const { ctx } = u;
  ctx.save();
  ctx.beginPath();
  ctx.rect(u.bbox.left, u.bbox.top, u.bbox.width, u.bbox.height);
  ctx.clip();
  const y0 = u.valToPos(band.hi, 'y', true);
  const y1 = u.valToPos(band.lo, 'y', true);
  ctx.fillStyle = 'rgba(5, 150, 105, 0.10)';
  ctx.fillRect(u.bbox.left, y0, u.bbox.width, y1 - y0);
  if (band.line !== undefined) {
    const y = Math.round(u.valToPos(band.line, 'y', true)) + 0.5;
    ctx.strokeStyle = 'rgba(5, 150, 105, 0.6)';
    ctx.setLineDash([4 * devicePixelRatio, 4 * devicePixelRatio]);
    ctx.lineWidth = devicePixelRatio;
    ctx.beginPath();
    ctx.moveTo(u.bbox.left, y);
    ctx.lineTo(u.bbox.left + u.bbox.width, y);
    ctx.stroke();
  }
  ctx.restore();
}

/** A chart panel (title, caption, the plot) sized to `width` CSS pixels. */
export function chart(spec: ChartSpec, width: number): Chart {
  const plotBox = h('div', { class: 'plot' });
  const el = h('figure', { class: 'chart', 'data-testid': spec.testid ?? null }, h('figcaption', {}, h('h3', {}, spec.title), spec.caption === undefined ? null : h('p', {}, spec.caption)), plotBox);
  let zoomed = false;
  let quiet = false;
  let data = align(spec.curves.map((c) => c.points), spec.yLog);
  const fmt = (v: number | null): string => (v == null ? '–' : formatNumber(v));
  const opts: uPlot.Options = {
    width: Math.max(200, width),
    height: spec.height ?? 220,
    ms: 1,
    scales: {
      x: { time: spec.time === true },
      y: spec.yLog
        ? {
            distr: 3,
            // A band is always in view: the healthy range is the reference the curve is read against.
            range: (_u, min, max) => uPlot.rangeLog(Math.min(min, spec.band?.lo ?? min), Math.max(max, spec.band?.hi ?? max), 10, true),
          }
        : spec.yRange === undefined
          ? {}
          : {
              range: (u, min, max) => {
                const r = spec.yRange!();
                return uPlot.rangeNum(r?.[0] ?? min, r?.[1] ?? max, 0.1, true);
              },
            },
    },
    axes: [
      {
        label: spec.xLabel,
        labelSize: 18,
        incrs: spec.integerX ? INTEGER_INCRS : undefined, stroke: '#6b7280', grid: { stroke: '#eef0f3' }, ticks: { stroke: '#e5e7eb' }, font: '11px system-ui, sans-serif', labelFont: '11px system-ui, sans-serif',
      },
      {
        stroke: '#6b7280',
        grid: { stroke: '#eef0f3' },
        ticks: { stroke: '#e5e7eb' },
        font: '11px system-ui, sans-serif',
        size: 56,
        // Log axes: grid lines and labels at powers of ten only (uPlot's default adds 2…9 × 10^k).
        splits: spec.yLog ? (_u, _i, min, max) => logTicks(min, max) : undefined,
        filter: spec.yLog ? (_u, splits) => splits : undefined,
        values: (_u, ticks) => ticks.map((t) => (t == null ? '' : formatNumber(t, 3))),
      },
    ],
    series: [
      { label: spec.xLabel, value: spec.time ? undefined : (_u, v) => fmt(v) },
      ...spec.curves.map((c) => ({
        label: c.label,
        stroke: c.color,
        width: c.width ?? 1.5,
        dash: c.dash,
        spanGaps: true,
        value: (_u: uPlot, v: number | null) => fmt(v),
        paths: c.dots ? () => null : c.stepped ? uPlot.paths.stepped!({ align: 1 }) : undefined,
        points: c.dots ? { show: true, size: 5, stroke: c.color, fill: c.color, width: 0 } : { show: false },
      })),
    ],
    cursor: { drag: { x: spec.onZoom !== undefined, y: false, setScale: spec.onZoom !== undefined } },
    legend: { show: true, live: true },
    hooks: {
      drawClear: [
        (u) => {
          if (spec.band !== undefined) shadeBand(u, spec.band);
          if (spec.gap !== undefined) shadeGap(u, spec.gap[0], spec.gap[1]);
        },
      ],
      setScale: [
        (u, key) => {
          if (key !== 'x' || quiet || spec.onZoom === undefined) return;
          const xs = u.data[0];
          const { min, max } = u.scales.x;
          if (min == null || max == null || xs.length === 0) return;
          const all = min <= xs[0] && max >= xs[xs.length - 1];
          if (all && !zoomed) return;
          zoomed = !all;
          spec.onZoom(all ? undefined : { from: min, to: max });
        },
      ],
    },
  };
  const plot = new uPlot(opts, data, plotBox);
  return {
    el,
    setCurves(points, keepZoom = false) {
      data = align(points, spec.yLog);
      quiet = true;
      try {
        plot.setData(data, !keepZoom);
      } finally {
        quiet = false;
      }
    },
    resize() {
      const w = plotBox.clientWidth;
      if (w > 0) plot.setSize({ width: Math.max(200, w), height: spec.height ?? 220 });
    },
    destroy() {
      plot.destroy();
    },
  };
}
