import { InvalidArgumentError } from '../errors.js';
import { constant } from './constant.js';
import { cosineDecay } from './cosine-decay.js';
import { cyclic } from './cyclic.js';
import { exponentialDecay } from './exponential-decay.js';
import { inverseSqrt } from './inverse-sqrt.js';
import { linear } from './linear.js';
import { oneCycle } from './one-cycle.js';
import type { Schedule } from './schedule.js';
import { sgdr } from './sgdr.js';
import { stepDecay } from './step-decay.js';
import { warmup, warmupCosine } from './warmup.js';

type ValueKind = 'number' | 'list' | 'boolean' | readonly string[];
interface Spec {
  keys: Record<string, ValueKind>;
  required: string[];
  build: (o: any) => Schedule;
}

const SPECS: Record<string, Spec> = {
  constant: { keys: { value: 'number' }, required: ['value'], build: (o) => constant(o.value) },
  step: {
    keys: { init: 'number', boundaries: 'list', factor: 'number' },
    required: ['init', 'boundaries', 'factor'],
    build: stepDecay,
  },
  exponential: { keys: { init: 'number', gamma: 'number' }, required: ['init', 'gamma'], build: exponentialDecay },
  cosine: {
    keys: { init: 'number', decaySteps: 'number', alpha: 'number' },
    required: ['init', 'decaySteps'],
    build: cosineDecay,
  },
  linear: { keys: { from: 'number', to: 'number', steps: 'number' }, required: ['from', 'to', 'steps'], build: linear },
  'inverse-sqrt': { keys: { init: 'number', warmupSteps: 'number' }, required: ['init'], build: inverseSqrt },
  sgdr: {
    keys: { init: 'number', period: 'number', periodMult: 'number', min: 'number' },
    required: ['init', 'period'],
    build: sgdr,
  },
  warmup: { keys: { steps: 'number', to: 'number', from: 'number' }, required: ['steps', 'to'], build: warmup },
  'warmup-cosine': {
    keys: { peak: 'number', warmupSteps: 'number', decaySteps: 'number', end: 'number' },
    required: ['peak', 'warmupSteps', 'decaySteps'],
    build: warmupCosine,
  },
  cyclic: {
    keys: {
      min: 'number',
      max: 'number',
      stepSize: 'number',
      mode: ['triangular', 'triangular2', 'expRange'],
      gamma: 'number',
    },
    required: ['min', 'max', 'stepSize'],
    build: cyclic,
  },
  'one-cycle': {
    keys: {
      maxLr: 'number',
      totalSteps: 'number',
      pctStart: 'number',
      divFactor: 'number',
      finalDivFactor: 'number',
      anneal: ['cos', 'linear'],
      threePhase: 'boolean',
    },
    required: ['maxLr', 'totalSteps'],
    build: oneCycle,
  },
};

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function parseNumber(name: string, key: string, text: string): number {
  if (!NUMBER.test(text)) throw new InvalidArgumentError(`${name} ${key}`, text, 'a decimal number such as 0.1 or 1e-3');
  return Number(text);
}

function parseValue(name: string, key: string, kind: ValueKind, text: string): unknown {
  if (kind === 'number') return parseNumber(name, key, text);
  if (kind === 'list') return text.split('|').map((part) => parseNumber(name, key, part.trim()));
  if (kind === 'boolean') {
    if (text === 'true' || text === 'false') return text === 'true';
    throw new InvalidArgumentError(`${name} ${key}`, text, 'true or false');
  }
  if (!kind.includes(text)) throw new InvalidArgumentError(`${name} ${key}`, text, `one of ${kind.join(', ')}`);
  return text;
}

function describeKeys(spec: Spec): string {
  const optional = Object.keys(spec.keys).filter((k) => !spec.required.includes(k));
  return `keys ${spec.required.join(', ')}${optional.length ? ` (optional: ${optional.join(', ')})` : ''}`;
}

/**
 * Builds a schedule from a one-line text spec, for the command line and config files.
 *
 * Grammar (spaces around tokens are ignored):
 * ```
 * spec  := name ":" pair ("," pair)*     |  "constant:" number
 * pair  := key "=" value
 * value := number | number ("|" number)+ (a list, e.g. boundaries) | word (mode, anneal) | true | false
 * ```
 * Names and their keys (required first; the rest take the constructor's defaults):
 * `constant` (value) · `step` (init, boundaries, factor) → stepDecay · `exponential` (init, gamma) ·
 * `cosine` (init, decaySteps; alpha) · `linear` (from, to, steps) · `inverse-sqrt` (init; warmupSteps) ·
 * `sgdr` (init, period; periodMult, min) · `warmup` (steps, to; from) ·
 * `warmup-cosine` (peak, warmupSteps, decaySteps; end) · `cyclic` (min, max, stepSize; mode, gamma) ·
 * `one-cycle` (maxLr, totalSteps; pctStart, divFactor, finalDivFactor, anneal, threePhase).
 * An unknown name or key, a repeated or missing key, or a value that is not a number throws an
 * InvalidArgumentError that lists what is valid; the constructor then checks the ranges.
 *
 * @example
 * parseSchedule('cosine:init=0.1,decaySteps=1000,alpha=0.01');
 * parseSchedule('step:init=0.1,boundaries=30|60|90,factor=0.1');
 * parseSchedule('warmup-cosine:peak=0.001,warmupSteps=100,decaySteps=900');
 * parseSchedule('sgdr:init=0.1,period=10,periodMult=2');
 * parseSchedule('constant:0.01');
 */
export function parseSchedule(spec: string): Schedule {
  if (typeof spec !== 'string')
    throw new InvalidArgumentError('schedule spec', spec, 'a string such as "cosine:init=0.1,decaySteps=1000"');
  const colon = spec.indexOf(':');
  const name = (colon < 0 ? spec : spec.slice(0, colon)).trim();
  const body = colon < 0 ? '' : spec.slice(colon + 1).trim();
  const s = Object.hasOwn(SPECS, name) ? SPECS[name] : undefined;
  if (s === undefined) throw new InvalidArgumentError('schedule name', name, `one of ${Object.keys(SPECS).join(', ')}`);
  const options: Record<string, unknown> = {};
  if (name === 'constant' && body !== '' && !body.includes('=')) options.value = parseNumber(name, 'value', body);
  else if (body !== '')
    for (const raw of body.split(',')) {
      const eq = raw.indexOf('=');
      if (eq < 0)
        throw new InvalidArgumentError(`${name} schedule`, raw.trim(), `key=value pairs with ${describeKeys(s)}`);
      const key = raw.slice(0, eq).trim();
      const text = raw.slice(eq + 1).trim();
      if (!Object.hasOwn(s.keys, key))
        throw new InvalidArgumentError(`${name} schedule key`, key, `one of ${Object.keys(s.keys).join(', ')}`);
      if (Object.hasOwn(options, key))
        throw new InvalidArgumentError(`${name} schedule key`, key, 'each key at most once');
      options[key] = parseValue(name, key, s.keys[key], text);
    }
  const missing = s.required.filter((k) => !Object.hasOwn(options, k));
  if (missing.length > 0)
    throw new InvalidArgumentError(`${name} schedule`, spec, `${describeKeys(s)}; missing ${missing.join(', ')}`);
  return s.build(options);
}
