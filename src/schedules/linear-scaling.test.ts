import { test } from 'node:test';
import assert from 'node:assert/strict';
import { linearScaling } from './linear-scaling.js';

test('linearScaling multiplies the learning rate by the batch-size ratio (Goyal et al.)', () => {
  assert.ok(Math.abs(linearScaling({ baseLr: 0.1, baseBatchSize: 256, batchSize: 1024 }) - 0.4) < 1e-15);
  assert.ok(Math.abs(linearScaling({ baseLr: 0.1, baseBatchSize: 256, batchSize: 32 }) - 0.0125) < 1e-15);
});

test('linearScaling refuses batch sizes that are not positive integers', () => {
  assert.throws(() => linearScaling({ baseLr: 0.1, baseBatchSize: 0, batchSize: 32 }), /linearScaling\.baseBatchSize: 0/);
  assert.throws(() => linearScaling({ baseLr: 0.1, baseBatchSize: 256, batchSize: 3.5 }), /linearScaling\.batchSize: 3.5/);
});
