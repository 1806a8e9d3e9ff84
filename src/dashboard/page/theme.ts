/**
 * The page's colours, in one place: one colour per trial state (the same in badges, card curves,
 * tables and charts), and the two colours of a train/validation pair.
 */
import type { TrialState } from '../api.js';

export const STATE_COLOR: Record<TrialState, string> = {
  running: '#2563eb',
  complete: '#059669',
  pruned: '#9ca3af',
  failed: '#dc2626',
  waiting: '#a78bfa',
};

export const TRAIN_COLOR = '#2563eb';
export const VAL_COLOR = '#ea580c';
export const ACCENT = '#0f766e';

/** A colour for a value in [0, 1] (0: best): a calm blue → yellow ramp (viridis-like). */
export function ramp(t: number): string {
  const stops = [
    [68, 1, 84],
    [59, 82, 139],
    [33, 145, 140],
    [94, 201, 98],
    [253, 231, 37],
  ];
  const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 1)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(x));
  const f = x - i;
  const c = stops[i].map((a, k) => Math.round(a + (stops[i + 1][k] - a) * f));
  return `rgb(${c[0]},${c[1]},${c[2]})`;
}
