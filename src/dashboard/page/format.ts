/**
 * Numbers, times and parameters as a person reads them on the page: about four significant digits,
 * exponents for very small or large magnitudes (learning rates read 3.0e-4), durations in the two
 * largest units (2 min 05 s), and the values a store may hold that are not ordinary numbers (NaN,
 * ±Infinity) spelled out.
 */
import type { Distribution, ParamValue } from '../api.js';

/**
 * A number with ~4 significant digits: 0.1235, 12.35, 1235, 3.2e-4, 1.5e+6, NaN, ∞. JSON has no
 * NaN or Infinity, so a server may send null where the store holds one: null reads 'NaN'.
 */
export function formatNumber(v: number | null | undefined, digits = 4): string {
  if (v === undefined) return '–';
  if (v === null || Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '−∞';
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a < 1e-3 || a >= 1e6) return v.toExponential(Math.max(0, digits - 3)).replace('e-', 'e−');
  if (Number.isInteger(v)) return String(v);
  return String(Number(v.toPrecision(digits)));
}

/** A duration in ms: '850 ms', '12.3 s', '2 min 05 s', '1 h 03 min', '2 d 4 h'. */
export function formatDuration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '–';
  ms = Math.max(0, ms);
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s < 10 ? s.toFixed(1) : Math.floor(s)} s`;
  const pad = (n: number): string => String(n).padStart(2, '0');
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${pad(Math.floor(s % 60))} s`;
  const hrs = Math.floor(m / 60);
  if (hrs < 24) return `${hrs} h ${pad(m % 60)} min`;
  return `${Math.floor(hrs / 24)} d ${hrs % 24} h`;
}

/** How long a trial ran (or has been running, at `now`). */
export function elapsed(t: { started?: number; finished?: number }, now: number): number | undefined {
  return t.started === undefined ? undefined : (t.finished ?? now) - t.started;
}

/** A parameter's value: floats of log distributions in exponent form, choices as JSON scalars. */
export function formatParam(value: ParamValue | undefined, distribution?: Distribution): string {
  if (value === undefined) return '–';
  if (typeof value === 'number') {
    if (distribution?.type === 'float' && distribution.log && value !== 0 && Number.isFinite(value)) return value.toExponential(1).replace('e-', 'e−');
    return formatNumber(value);
  }
  if (typeof value === 'string') return value;
  return String(value);
}

/** A store time (ms since the epoch) as local date and time, to the second. */
export function formatTime(ms: number | undefined): string {
  if (ms === undefined) return '–';
  const d = new Date(ms);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** A fraction as a percentage when it looks like one (accuracies): 0.9123 → '91.2%'. */
export function formatAccuracy(v: number | null | undefined): string {
  if (v === undefined) return '–';
  if (v === null) return 'NaN';
  return v >= 0 && v <= 1 ? `${(v * 100).toFixed(1)}%` : formatNumber(v);
}

/** '1 trial', '3 trials'. */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
