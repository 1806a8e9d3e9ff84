/**
 * Every schedule against PyTorch's lr_scheduler (fixtures/torch-schedules.json, written by
 * tools/golden/schedules.py with torch 1.13). Convention: the fixture records the learning rate
 * the optimizer holds when update t is applied (read lr, `opt.step()`, then `sched.step()`), so
 * torch's `last_epoch == t` is our step t. Torch computes several schedules recursively
 * (ExponentialLR, CosineAnnealingLR, LinearLR); ours are closed forms, so values are compared to a
 * relative 1e-6 (with an absolute floor of 1e-12 for values that reach 0).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Schedule } from './schedule.js';
import { constant } from './constant.js';
import { cosineDecay } from './cosine-decay.js';
import { cyclic } from './cyclic.js';
import { exponentialDecay } from './exponential-decay.js';
import { inverseSqrt } from './inverse-sqrt.js';
import { join } from './join.js';
import { linear } from './linear.js';
import { oneCycle } from './one-cycle.js';
import { sgdr } from './sgdr.js';
import { stepDecay } from './step-decay.js';
import { warmup } from './warmup.js';

interface Built {
  kind: string;
  options: any;
}
interface Case extends Built {
  name: string;
  torch: string;
  lrs: number[];
}

const fixture = JSON.parse(readFileSync(new URL('./fixtures/torch-schedules.json', import.meta.url), 'utf8')) as {
  torch: string;
  cases: Case[];
};

const BUILD: Record<string, (o: any) => Schedule> = {
  constant: (o) => constant(o.value),
  stepDecay,
  exponentialDecay,
  cosineDecay,
  linear,
  warmup,
  inverseSqrt,
  sgdr,
  cyclic,
  oneCycle,
  join: (o) => join((o.schedules as Built[]).map(build), o.boundaries),
};

function build(c: Built): Schedule {
  const make = BUILD[c.kind];
  assert.ok(make, `no builder for fixture kind ${c.kind}`);
  return make(c.options);
}

test('the fixture covers every torch scheduler the brief names, each over >= 200 steps', () => {
  const kinds = new Set(fixture.cases.map((c) => c.kind));
  for (const k of ['stepDecay', 'exponentialDecay', 'cosineDecay', 'sgdr', 'cyclic', 'oneCycle', 'linear', 'inverseSqrt'])
    assert.ok(kinds.has(k), k);
  for (const c of fixture.cases) assert.ok(c.lrs.length >= 200, `${c.name}: ${c.lrs.length} steps`);
});

for (const c of fixture.cases) {
  test(`${c.kind} reproduces torch ${c.name} at every step (rel 1e-6)`, () => {
    const schedule = build(c);
    let worst = 0;
    c.lrs.forEach((expected, t) => {
      const got = schedule(t);
      const err = Math.abs(got - expected);
      assert.ok(
        err <= 1e-6 * Math.abs(expected) + 1e-12,
        `${c.name} (${c.torch}) step ${t}: trainkit ${got}, torch ${expected}`,
      );
      if (expected !== 0) worst = Math.max(worst, err / Math.abs(expected));
    });
    // The closed forms are not merely within 1e-6: they agree to near float64 precision.
    assert.ok(worst < 1e-12, `${c.name}: worst relative error ${worst}`);
  });
}
