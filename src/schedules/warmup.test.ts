import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cosineDecay } from './cosine-decay.js';
import { warmup, warmupCosine } from './warmup.js';

test('warmup rises linearly from `from` (default 0) to `to`, then holds', () => {
  const lr = warmup({ steps: 5, to: 0.1 });
  assert.equal(lr(0), 0);
  assert.ok(Math.abs(lr(2) - 0.04) < 1e-15);
  assert.equal(lr(5), 0.1);
  assert.equal(lr(9), 0.1);
  assert.ok(Math.abs(warmup({ steps: 4, to: 0.1, from: 0.02 })(2) - 0.06) < 1e-15);
});

test('warmupCosine warms up over warmupSteps and then runs a cosine of decaySteps steps', () => {
  const lr = warmupCosine({ peak: 0.001, warmupSteps: 100, decaySteps: 900 });
  const cos = cosineDecay({ init: 0.001, decaySteps: 900 });
  assert.equal(lr(0), 0);
  assert.ok(Math.abs(lr(50) - 0.0005) < 1e-18);
  assert.equal(lr(100), 0.001);
  for (const t of [100, 250, 550, 999, 1000, 1500]) assert.equal(lr(t), cos(t - 100), `step ${t}`);
  assert.ok(Math.abs(lr(1000)) < 1e-18);
});

test('warmupCosine ends at `end`, and without warmup is the plain cosine', () => {
  assert.ok(Math.abs(warmupCosine({ peak: 0.1, warmupSteps: 10, decaySteps: 10, end: 0.01 })(20) - 0.01) < 1e-15);
  const plain = warmupCosine({ peak: 0.1, warmupSteps: 0, decaySteps: 10 });
  assert.equal(plain(0), 0.1);
});

test('warmupCosine refuses an end above the peak and a negative warmup', () => {
  assert.throws(() => warmupCosine({ peak: 0.1, warmupSteps: 10, decaySteps: 10, end: 0.2 }), /warmupCosine\.end: 0.2/);
  assert.throws(() => warmupCosine({ peak: 0.1, warmupSteps: -1, decaySteps: 10 }), /warmupCosine\.warmupSteps: -1/);
  assert.throws(() => warmup({ steps: 0, to: 0.1 }), /warmup\.steps: 0/);
});
