import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidArgumentError } from '../errors.js';
import { constant } from './constant.js';
import { cosineDecay } from './cosine-decay.js';
import { cyclic } from './cyclic.js';
import { oneCycle } from './one-cycle.js';
import { parseSchedule } from './parse.js';
import { sampleSchedule } from './sample.js';
import type { Schedule } from './schedule.js';
import { sgdr } from './sgdr.js';
import { stepDecay } from './step-decay.js';
import { warmupCosine } from './warmup.js';

function same(a: Schedule, b: Schedule, steps = 300): void {
  assert.deepEqual(sampleSchedule(a, steps), sampleSchedule(b, steps));
}

test('parseSchedule reads the specs of the CLI documentation into the same schedules as the constructors', () => {
  same(parseSchedule('cosine:init=0.1,decaySteps=1000,alpha=0.01'), cosineDecay({ init: 0.1, decaySteps: 1000, alpha: 0.01 }));
  same(parseSchedule('step:init=0.1,boundaries=30|60|90,factor=0.1'), stepDecay({ init: 0.1, boundaries: [30, 60, 90], factor: 0.1 }));
  same(
    parseSchedule('warmup-cosine:peak=0.001,warmupSteps=100,decaySteps=900'),
    warmupCosine({ peak: 0.001, warmupSteps: 100, decaySteps: 900 }),
    1100,
  );
  same(parseSchedule('sgdr:init=0.1,period=10,periodMult=2'), sgdr({ init: 0.1, period: 10, periodMult: 2 }));
  same(parseSchedule('constant:0.01'), constant(0.01));
  same(parseSchedule('constant:value=0.01'), constant(0.01));
});

test('parseSchedule reads words, booleans, single-element lists and ignores spaces', () => {
  same(parseSchedule('cyclic: min=0.001, max=0.1, stepSize=25, mode=expRange, gamma=0.99'),
    cyclic({ min: 0.001, max: 0.1, stepSize: 25, mode: 'expRange', gamma: 0.99 }));
  same(parseSchedule('one-cycle:maxLr=0.1,totalSteps=300,anneal=linear,threePhase=true'),
    oneCycle({ maxLr: 0.1, totalSteps: 300, anneal: 'linear', threePhase: true }));
  same(parseSchedule('step:init=1,boundaries=5,factor=0.5'), stepDecay({ init: 1, boundaries: [5], factor: 0.5 }), 10);
  const others = [
    'exponential:init=0.1,gamma=0.9',
    'linear:from=0.1,to=0,steps=10',
    'inverse-sqrt:init=0.1,warmupSteps=5',
    'warmup:steps=5,to=0.1',
  ];
  for (const spec of others)
    assert.equal(typeof parseSchedule(spec)(3), 'number', spec);
});

test('parseSchedule names what is wrong and lists what is valid', () => {
  const fails = (spec: string, pattern: RegExp) =>
    assert.throws(() => parseSchedule(spec), (e: unknown) => e instanceof InvalidArgumentError && pattern.test(e.message), spec);
  fails('nosuch:init=1', /schedule name: "nosuch" \(expected one of constant, step, .*one-cycle\)/);
  fails('cosine:init=0.1,decaySteps=10,alhpa=0.1', /cosine schedule key: "alhpa" \(expected one of init, decaySteps, alpha\)/);
  fails('cosine:init=abc,decaySteps=10', /cosine init: "abc" \(expected a decimal number/);
  fails('cosine:init=0x10,decaySteps=10', /cosine init: "0x10"/);
  fails('cosine:init=0.1', /missing decaySteps/);
  fails('cosine:init=0.1,init=0.2,decaySteps=10', /each key at most once/);
  fails('cosine:0.1', /key=value pairs with keys init, decaySteps \(optional: alpha\)/);
  fails('cyclic:min=0,max=1,stepSize=5,mode=exp_range', /cyclic mode: "exp_range" \(expected one of triangular, triangular2/);
  fails('one-cycle:maxLr=0.1,totalSteps=100,threePhase=yes', /true or false/);
  fails('step:init=0.1,boundaries=30|x,factor=0.1', /step boundaries: "x"/);
  fails('cosine:init=0.1,decaySteps=0', /cosineDecay\.decaySteps: 0/);
  fails('constructor:init=1', /schedule name: "constructor"/);
});
