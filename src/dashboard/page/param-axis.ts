/**
 * How a hyperparameter is laid along an axis in the overview's charts: a number from its search
 * space's range (on a log scale where the distribution is log: a learning rate from 1e-5 to 1e-1
 * spreads over four even decades), a choice at its position among the distribution's choices.
 * Without a recorded distribution the values' own range is used. `position` maps a value to [0, 1]
 * (NaN when it does not fit: a missing param, a choice that is not listed).
 */
import type { Choice, Distribution, ParamValue, TrialSummary } from '../api.js';
import { extent } from './canvas.js';
import { formatNumber, formatParam } from './format.js';

export interface ParamAxis {
  name: string;
  kind: 'number' | 'choice';
  log: boolean;
  /** Numbers: [low, high]. */
  domain: [number, number];
  /** Choices, in the distribution's order. */
  choices: Choice[];
  distribution?: Distribution;
  position(v: ParamValue | undefined): number;
  /** Tick positions in [0, 1] and their labels. */
  ticks(): Array<[number, string]>;
}

/** The names of every param of `trials`, in order of first appearance. */
export function paramNames(trials: readonly TrialSummary[]): string[] {
  const names = new Set<string>();
  for (const t of trials) for (const k of Object.keys(t.params)) names.add(k);
  return [...names];
}

export function paramAxis(name: string, trials: readonly TrialSummary[]): ParamAxis {
  const distribution = trials.find((t) => t.distributions[name] !== undefined)?.distributions[name];
  const values = trials.map((t) => t.params[name]).filter((v) => v !== undefined);
  if (distribution?.type === 'categorical' || (distribution === undefined && values.some((v) => typeof v !== 'number'))) {
    const choices: Choice[] = distribution?.type === 'categorical' ? [...distribution.choices] : [...new Set(values as Choice[])];
    const keys = choices.map((c) => JSON.stringify(c));
    const at = (i: number): number => (choices.length === 1 ? 0.5 : i / (choices.length - 1));
    return {
      name,
      kind: 'choice',
      log: false,
      domain: [0, Math.max(0, choices.length - 1)],
      choices,
      distribution,
      position: (v) => {
        const i = v === undefined ? -1 : keys.indexOf(JSON.stringify(v));
        return i < 0 ? NaN : at(i);
      },
      ticks: () => choices.map((c, i) => [at(i), formatParam(c)]),
    };
  }
  const seen = extent(values as number[]) ?? [0, 1];
  const domain: [number, number] = distribution !== undefined ? [Math.min(distribution.low, seen[0]), Math.max(distribution.high, seen[1])] : seen;
  const log = distribution !== undefined && distribution.log && domain[0] > 0;
  const f = log ? Math.log10 : (v: number) => v;
  const [a, b] = [f(domain[0]), f(domain[1])];
  const position = (v: ParamValue | undefined): number => (typeof v !== 'number' || (log && v <= 0) ? NaN : a === b ? 0.5 : (f(v) - a) / (b - a));
  return {
    name,
    kind: 'number',
    log,
    domain,
    choices: [],
    distribution,
    position,
    ticks: () => {
      if (!log) return [domain[0], (domain[0] + domain[1]) / 2, domain[1]].map((v): [number, string] => [position(v), formatNumber(v, 3)]);
      const out: Array<[number, string]> = [];
      for (let e = Math.ceil(a); e <= Math.floor(b); e++) out.push([position(10 ** e), `1e${e}`.replace('e-', 'e−')]);
      if (out.length < 2) return [domain[0], domain[1]].map((v): [number, string] => [position(v), formatNumber(v, 2)]);
      return out;
    },
  };
}
