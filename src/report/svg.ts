/**
 * Self-contained SVG plots (no dependencies, work offline): line charts for learning curves and
 * schedules, and a 2-D path plot over a loss landscape for the optimizer race.
 */

export interface Series {
  name: string;
  /** [x, y] pairs; non-finite y values break the line. */
  points: Array<[number, number]>;
  color?: string;
  /** 'line' (default) joins the points; 'scatter' draws a dot per point (e.g. raw per-step losses). */
  style?: 'line' | 'scatter';
  /** Opacity of the line or dots, in (0, 1]. Default 1 (use ~0.25 for a faint scatter under its average). */
  opacity?: number;
}

/** A vertical line at `x` with a label (e.g. a suggested learning rate). */
export interface Marker {
  x: number;
  label: string;
  color?: string;
}

export interface LinePlotOptions {
  title: string;
  xLabel?: string;
  yLabel?: string;
  logY?: boolean;
  /** Logarithmic x axis (powers of ten; points with x <= 0 are left out). Default false. */
  logX?: boolean;
  /** Vertical marker lines. */
  markers?: Marker[];
  width?: number;
  height?: number;
}

export const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#7f7f7f', '#bcbd22'];

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const fmt = (v: number): string => {
  if (v === 0) return '0';
  const a = Math.abs(v);
  return a >= 1e4 || a < 1e-3 ? v.toExponential(0) : +v.toPrecision(3) + '';
};

/** "Nice" tick values covering [lo, hi]. */
function ticks(lo: number, hi: number, count = 5): number[] {
  // A range at the float noise level of its values (e.g. a one-point curve and its moving average)
  // is flat: steps that small would not advance t.
  if (!(hi - lo > 1e-9 * Math.max(Math.abs(lo), Math.abs(hi)))) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) out.push(+t.toPrecision(12));
  return out;
}

/** Tick positions (in axis units: log10 of the value on a log axis) and their labels. */
function axisTicks(lo: number, hi: number, log: boolean): Array<[number, string]> {
  if (!log) return ticks(lo, hi).map((t) => [t, fmt(t)]);
  const out: Array<[number, string]> = [];
  for (let e = Math.ceil(lo - 1e-9); e <= hi + 1e-9; e++) out.push([e, `1e${e}`]);
  return out.length ? out : [[lo, `1e${lo.toFixed(1)}`]];
}

/**
 * A chart of one or more series (lines or scatters), optionally with log axes and vertical
 * markers, as an SVG document string. Non-finite points (and non-positive ones on a log axis)
 * break a line and are skipped by a scatter.
 *
 * @example
 * linePlot([{ name: 'loss', points: [[0, 2.3], [1, 1.1]] }], { title: 'training loss', xLabel: 'step' });
 */
export function linePlot(series: Series[], options: LinePlotOptions): string {
  const { title, xLabel = '', yLabel = '', logY = false, logX = false, markers = [], width = 720, height = 420 } = options;
  const m = { left: 70, right: 200, top: 36, bottom: 48 };
  const pw = width - m.left - m.right;
  const ph = height - m.top - m.bottom;
  const ty = (y: number): number => (logY ? Math.log10(y) : y);
  const tx = (x: number): number => (logX ? Math.log10(x) : x);
  const okX = (x: number): boolean => Number.isFinite(x) && (!logX || x > 0);
  const okY = (y: number): boolean => Number.isFinite(y) && (!logY || y > 0);
  const xs: number[] = [];
  const ys: number[] = [];
  for (const s of series)
    for (const [x, y] of s.points) {
      if (okX(x)) xs.push(tx(x));
      if (okY(y)) ys.push(ty(y));
    }
  for (const mk of markers) if (okX(mk.x)) xs.push(tx(mk.x));
  const x0 = xs.length ? Math.min(...xs) : 0;
  const x1 = xs.length ? Math.max(...xs) : 1;
  let y0 = ys.length ? Math.min(...ys) : 0;
  let y1 = ys.length ? Math.max(...ys) : 1;
  if (y1 === y0) { y0 -= 1; y1 += 1; }
  const sx = (x: number): number => m.left + ((tx(x) - x0) / (x1 - x0 || 1)) * pw;
  const sy = (y: number): number => m.top + ph - ((ty(y) - y0) / (y1 - y0)) * ph;
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`);
  parts.push(`<rect width="100%" height="100%" fill="white"/>`);
  parts.push(`<text x="${width / 2}" y="22" text-anchor="middle" font-size="15">${esc(title)}</text>`);
  // axes and grid
  for (const [t, label] of axisTicks(x0, x1, logX)) {
    const x = m.left + ((t - x0) / (x1 - x0 || 1)) * pw;
    parts.push(`<line x1="${x}" x2="${x}" y1="${m.top}" y2="${m.top + ph}" stroke="#eee"/>`);
    parts.push(`<text x="${x}" y="${m.top + ph + 16}" text-anchor="middle">${label}</text>`);
  }
  for (const [t, label] of axisTicks(y0, y1, logY)) {
    const y = m.top + ph - ((t - y0) / (y1 - y0)) * ph;
    parts.push(`<line x1="${m.left}" x2="${m.left + pw}" y1="${y}" y2="${y}" stroke="#eee"/>`);
    parts.push(`<text x="${m.left - 6}" y="${y + 4}" text-anchor="end">${label}</text>`);
  }
  parts.push(`<rect x="${m.left}" y="${m.top}" width="${pw}" height="${ph}" fill="none" stroke="#333"/>`);
  parts.push(`<text x="${m.left + pw / 2}" y="${height - 10}" text-anchor="middle">${esc(xLabel)}</text>`);
  parts.push(`<text transform="translate(16 ${m.top + ph / 2}) rotate(-90)" text-anchor="middle">${esc(yLabel)}</text>`);
  series.forEach((s, i) => {
    const color = s.color ?? PALETTE[i % PALETTE.length];
    const opacity = s.opacity ?? 1;
    if (s.style === 'scatter') {
      const dots = s.points
        .filter(([x, y]) => okX(x) && okY(y))
        .map(([x, y]) => `<circle cx="${sx(x).toFixed(1)}" cy="${sy(y).toFixed(1)}" r="1.8"/>`);
      parts.push(`<g fill="${color}" fill-opacity="${opacity}">${dots.join('')}</g>`);
    } else {
      let d = '';
      let pen = false;
      for (const [x, y] of s.points) {
        if (!okX(x) || !okY(y)) { pen = false; continue; }
        d += `${pen ? 'L' : 'M'}${sx(x).toFixed(1)},${sy(y).toFixed(1)}`;
        pen = true;
      }
      parts.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="1.6"${opacity === 1 ? '' : ` stroke-opacity="${opacity}"`}/>`);
    }
    const ly = m.top + 14 + i * 18;
    parts.push(`<line x1="${m.left + pw + 12}" x2="${m.left + pw + 32}" y1="${ly - 4}" y2="${ly - 4}" stroke="${color}" stroke-width="3"${opacity === 1 ? '' : ` stroke-opacity="${Math.max(opacity, 0.4)}"`}/>`);
    parts.push(`<text x="${m.left + pw + 38}" y="${ly}">${esc(s.name)}</text>`);
  });
  markers.forEach((mk, i) => {
    if (!okX(mk.x)) return;
    const x = sx(mk.x).toFixed(1);
    const color = mk.color ?? '#555';
    parts.push(`<line class="marker" x1="${x}" x2="${x}" y1="${m.top}" y2="${m.top + ph}" stroke="${color}" stroke-dasharray="5 4" stroke-width="1.4"/>`);
    // Labels near the right edge go to the left of their line, clear of the legend.
    const right = sx(mk.x) > m.left + 0.7 * pw;
    parts.push(`<text x="${x}" y="${m.top + 14 + i * 14}" dx="${right ? -4 : 4}"${right ? ' text-anchor="end"' : ''} fill="${color}">${esc(mk.label)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n');
}

export interface PathPlotOptions {
  title: string;
  /** The function whose landscape is drawn (shaded by log value). */
  f: (x: number, y: number) => number;
  xRange: [number, number];
  yRange: [number, number];
  size?: number;
  /** Marks the minimum. */
  optimum?: [number, number];
}

/** Optimizer paths over a shaded 2-D loss landscape, as an SVG document string. */
export function pathPlot(paths: Series[], options: PathPlotOptions): string {
  const { title, f, xRange, yRange, size = 420, optimum } = options;
  const m = { left: 10, top: 30, legend: 200 };
  const cells = 70;
  const sx = (x: number): number => m.left + ((x - xRange[0]) / (xRange[1] - xRange[0])) * size;
  const sy = (y: number): number => m.top + size - ((y - yRange[0]) / (yRange[1] - yRange[0])) * size;
  const vals: number[] = [];
  for (let j = 0; j < cells; j++)
    for (let i = 0; i < cells; i++) {
      const x = xRange[0] + ((i + 0.5) / cells) * (xRange[1] - xRange[0]);
      const y = yRange[0] + ((j + 0.5) / cells) * (yRange[1] - yRange[0]);
      vals.push(Math.log10(1e-3 + Math.max(0, f(x, y))));
    }
  const lo = Math.min(...vals);
  const hi = Math.max(...vals);
  const parts: string[] = [];
  const width = m.left + size + m.legend;
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${size + m.top + 10}" font-family="sans-serif" font-size="12">`);
  parts.push(`<rect width="100%" height="100%" fill="white"/>`);
  parts.push(`<text x="${m.left + size / 2}" y="20" text-anchor="middle" font-size="15">${esc(title)}</text>`);
  const cw = size / cells;
  vals.forEach((v, k) => {
    const i = k % cells;
    const j = Math.floor(k / cells);
    const t = (v - lo) / (hi - lo || 1);
    const g = Math.round(255 - 150 * t);
    parts.push(`<rect x="${(m.left + i * cw).toFixed(1)}" y="${(m.top + size - (j + 1) * cw).toFixed(1)}" width="${(cw + 0.5).toFixed(1)}" height="${(cw + 0.5).toFixed(1)}" fill="rgb(${g},${g},255)"/>`);
  });
  parts.push(`<rect x="${m.left}" y="${m.top}" width="${size}" height="${size}" fill="none" stroke="#333"/>`);
  if (optimum) parts.push(`<text x="${sx(optimum[0])}" y="${sy(optimum[1]) + 5}" text-anchor="middle" font-size="16">★</text>`);
  paths.forEach((s, i) => {
    const color = s.color ?? PALETTE[i % PALETTE.length];
    const pts = s.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
    const d = pts.map(([x, y], k) => `${k ? 'L' : 'M'}${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join('');
    parts.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="1.5" clip-path="url(#clip)"/>`);
    const ly = m.top + 14 + i * 18;
    parts.push(`<line x1="${m.left + size + 10}" x2="${m.left + size + 30}" y1="${ly - 4}" y2="${ly - 4}" stroke="${color}" stroke-width="3"/>`);
    parts.push(`<text x="${m.left + size + 36}" y="${ly}">${esc(s.name)}</text>`);
  });
  parts.push(`<defs><clipPath id="clip"><rect x="${m.left}" y="${m.top}" width="${size}" height="${size}"/></clipPath></defs>`);
  parts.push('</svg>');
  return parts.join('\n');
}
