import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cosineDecay } from './cosine-decay.js';

test('cosineDecay falls from init to alpha*init over decaySteps and stays there', () => {
  const lr = cosineDecay({ init: 0.1, decaySteps: 1000, alpha: 0.01 });
  assert.equal(lr(0), 0.1);
  assert.ok(Math.abs(lr(500) - 0.0505) < 1e-15);
  assert.ok(Math.abs(lr(1000) - 0.001) < 1e-15);
  assert.equal(lr(1001), lr(1000));
  assert.equal(lr(50_000), lr(1000));
});

test('cosineDecay without alpha reaches exactly 0 at T and is non-increasing', () => {
  const lr = cosineDecay({ init: 1, decaySteps: 10 });
  assert.ok(Math.abs(lr(10)) < 1e-16);
  for (let t = 1; t <= 20; t++) assert.ok(lr(t) <= lr(t - 1));
});

test('cosineDecay refuses decaySteps <= 0, a fractional decaySteps and alpha outside [0, 1]', () => {
  assert.throws(() => cosineDecay({ init: 0.1, decaySteps: 0 }), /cosineDecay\.decaySteps: 0/);
  assert.throws(() => cosineDecay({ init: 0.1, decaySteps: 2.5 }), /cosineDecay\.decaySteps: 2.5/);
  assert.throws(() => cosineDecay({ init: 0.1, decaySteps: 10, alpha: 1.5 }), /cosineDecay\.alpha: 1.5/);
  assert.throws(() => cosineDecay({ init: -1, decaySteps: 10 }), /cosineDecay\.init: -1/);
});

test('an option passed as undefined takes its default', () => {
  assert.equal(cosineDecay({ init: 1, decaySteps: 10, alpha: undefined })(10), cosineDecay({ init: 1, decaySteps: 10 })(10));
});
